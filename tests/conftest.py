"""
Shared test setup.

Tests that need a service this machine may lack are marked ``postgres``,
``redis``, ``browser``, ``netns`` or ``nginx``. Where the service is missing
they are skipped, with one loud line per service at the end of the run
saying how to get it; when ``CI=true`` a missing service is an error
instead, never a skip.
"""

import os
import shutil
import socket
import subprocess
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _redis_reachable():
    parsed = urlparse(REDIS_URL)
    return _reachable(parsed.hostname, parsed.port or 6379)


def _network_namespaces():
    """Whether this process may make network namespaces (root, with iproute2)."""
    if shutil.which("ip") is None:
        return False
    name = f"atlas-probe-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode == 0
    if made:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return made


SERVICES = {
    "postgres": (
        lambda: connection.vendor == "postgresql",
        "PostgreSQL is not the test database",
        "set DATABASE_URL=postgres://USER@127.0.0.1:5432/DBNAME (see README)",
    ),
    "redis": (
        _redis_reachable,
        f"Redis is not reachable at {REDIS_URL}",
        "start redis-server or set REDIS_URL",
    ),
    "netns": (
        _network_namespaces,
        "network namespaces cannot be made here",
        "run the tests as root with iproute2 installed (apt-get install -y iproute2)",
    ),
    "nginx": (
        lambda: shutil.which("nginx") is not None or os.path.exists("/usr/sbin/nginx"),
        "nginx is not installed",
        "install it with: apt-get install -y nginx",
    ),
    "browser": (
        lambda: shutil.which(CHROMIUM) is not None,
        f"Chromium is not installed at {CHROMIUM}",
        "install it with: apt-get install -y chromium",
    ),
}

_available = {}
_skipped = {}


def _service_available(name):
    if name not in _available:
        _available[name] = SERVICES[name][0]()
    return _available[name]


def pytest_configure(config):
    """
    The suite speaks plain HTTP to the test client and to live servers, so
    Django's redirect to HTTPS (on by default with DEBUG off) is off here, once
    for every client and server. tests/test_security_headers.py turns it back on
    to check it, and tests/test_settings.py checks the default.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


def pytest_runtest_setup(item):
    for name in SERVICES:
        if item.get_closest_marker(name) is None or _service_available(name):
            continue
        _, problem, remedy = SERVICES[name]
        if name == "postgres" and _reachable("127.0.0.1", 5432):
            # PostgreSQL is there; this run is on SQLite, and the PostgreSQL run
            # (DATABASE_URL=postgres://...) covers these tests.
            pytest.skip("runs when DATABASE_URL names a PostgreSQL database")
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem}; under CI=true {name} tests must run: {remedy}")
        _skipped[name] = _skipped.get(name, 0) + 1
        pytest.skip(f"{problem}: {remedy}")


def pytest_terminal_summary(terminalreporter):
    for name, count in _skipped.items():
        _, problem, remedy = SERVICES[name]
        terminalreporter.write_line(
            f"SKIPPED {count} {name} test(s): {problem}; {remedy}", red=True, bold=True
        )


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files unhashed, so tests need no collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty page cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mexico(db):
    """The Mexico fixture, as `python manage.py loaddata mexico` loads it."""
    from strategy.models import Country

    call_command("loaddata", "mexico", verbosity=0)
    return Country.objects.get(slug="mexico")


@pytest.fixture
def draft(mexico):
    """A draft that shares a theme and a source with Mexico, and has its own of each."""
    from strategy.models import Country

    from .factories import CitationFactory, CountryFactory, GoalFactory

    CitationFactory(key="secret-source", title="Secret report")
    country = CountryFactory(
        name="Atlantis",
        slug="atlantis",
        status=Country.Status.DRAFT,
        region=Country.Region.LATIN_AMERICA_CARIBBEAN,
        vision="Hidden plans.[^secret-source][^british-embassy-mexico-city-2018]",
    )
    GoalFactory(country=country, title="Hidden goal", tags=["secret-theme", "health"])
    country.sync_citations()
    return country
