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
# Tests run in parallel processes (pytest-xdist); each uses a Redis database
# of its own (15, 14, ...), so that one's flushing leaves the other's alone.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 16}")


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
    # No test reaches the internet: the link checker refuses any address but
    # loopback (and the archive's until a test points it at its own server).
    settings.LINK_CHECK_LOOPBACK_ONLY = True


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:"))


def pytest_runtest_setup(item):
    if ON_POSTGRESQL and not _uses_database(item):
        # The same test, with nothing of the database in it, ran in the SQLite
        # run (CI runs both; see .ci/run).
        pytest.skip("touches no database: the SQLite run covers it")
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
        pytest.skip(f"{problem}: {remedy}")


def pytest_terminal_summary(terminalreporter):
    """One loud line per missing service, counted from the skips of every process."""
    counts = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        for name, (_, problem, remedy) in SERVICES.items():
            if reason.endswith(f"{problem}: {remedy}"):
                counts[name] = counts.get(name, 0) + 1
    for name, count in counts.items():
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
def _english_to_begin_with():
    """
    Each test starts in English, as a new request or command does: a request
    to a /es/ page leaves Spanish active in the thread (Django's locale
    middleware activates a language and leaves it), and content a test then
    writes through a plain field name would go into the Spanish column.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty page cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- The Mexico fixture, loaded once --------------------------------------------
#
# Loading the fixture costs some thirty queries, and most tests want it. So it
# is loaded into the test database once, when the database is made, and each
# test runs in a transaction rolled back at its end (pytest-django's ``db``):
# every test that asks for ``mexico`` (itself, or through another fixture)
# finds it as the fixture has it; every other test gets an empty atlas, the
# fixture's rows deleted inside its transaction. Tests that commit
# (``transactional_db``, live servers) run last, and the database is emptied
# after each; ``mexico`` loads the fixture again for them.

FIXTURE_TABLES = [  # in an order the foreign keys allow deleting them
    "search_document_themes",
    "search_document",
    "taggit_taggeditem",
    "strategy_country_citations",
    "strategy_countryslugredirect",
    "strategy_goal",
    "strategy_publishedversion",
    "strategy_country",
    "citations_citation",
    "taggit_tag",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the Mexico fixture loaded once for the whole run."""
    with django_db_blocker.unblock():
        call_command("loaddata", "mexico", verbosity=0)


def _uses_database(node_or_request):
    """Whether a test (its item, or its fixture request) uses the test database."""
    node = getattr(node_or_request, "node", node_or_request)
    if node.get_closest_marker("django_db"):
        return True
    return bool({"db", "transactional_db", "live_server"} & set(node.fixturenames))


@pytest.fixture(autouse=True)
def _atlas_as_the_test_asks(request):
    """An empty atlas for the tests that do not ask for ``mexico`` (see above)."""
    if "mexico" in request.fixturenames or not _uses_database(request):
        return
    request.getfixturevalue("_django_db_helper")
    with connection.cursor() as cursor:
        for table in FIXTURE_TABLES:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


@pytest.fixture
def mexico(db):
    """The Mexico fixture, as `python manage.py loaddata mexico` loads it."""
    from strategy.models import Country

    country = Country.objects.filter(slug="mexico").first()
    if country is None:  # emptied after a test that committed
        call_command("loaddata", "mexico", verbosity=0)
        country = Country.objects.get(slug="mexico")
    return country


@pytest.fixture
def canada(mexico):
    """A second published country, sharing a source and a theme with Mexico."""
    from citations.models import Citation

    from .factories import CitationFactory, CountryFactory, GoalFactory

    shared = Citation.objects.get(key="secretaria-de-hacienda-2017")
    own = CitationFactory(key="canada-own-source", title="Canada's own report")
    country = CountryFactory(
        name="Canada",
        slug="canada",
        vision=f"A pan-Canadian vision.[^{own.key}] Shared too.[^{shared.key}]",
    )
    GoalFactory(country=country, position=1, title="Grow talent", tags=["health"])
    country.sync_citations()
    return country


# --- People, and their browsers --------------------------------------------------
# ``*_user`` fixtures are User objects, ``*_client`` fixtures browsers (test
# clients) signed in as them; pytest-django's ``admin_user`` and
# ``admin_client`` are the superuser's.


@pytest.fixture
def editor_user(db):
    """Ana Ruiz, in the group Editors."""
    from .admin_forms import make_user

    return make_user("ana", group="Editors", full_name="Ana Ruiz")


@pytest.fixture
def manager_user(db):
    """Max Weber, in the group Country managers."""
    from .admin_forms import make_user

    return make_user("max", group="Country managers", full_name="Max Weber")


@pytest.fixture
def editor_client(editor_user):
    from .admin_forms import logged_in

    return logged_in(editor_user)


@pytest.fixture
def manager_client(manager_user):
    from .admin_forms import logged_in

    return logged_in(manager_user)


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


@pytest.fixture(autouse=True)
def _mexico_as_draft(request):
    """
    Tests marked ``mexico_as_draft`` get Mexico as a country never published
    (edited directly in the admin), unless marked ``published_mexico``.
    """
    if (
        request.node.get_closest_marker("mexico_as_draft")
        and not request.node.get_closest_marker("published_mexico")
        and "mexico" in request.fixturenames
    ):
        request.getfixturevalue("mexico_unpublished")


@pytest.fixture
def mexico_unpublished(mexico):
    """Mexico as a draft, never published: edited directly, no working draft."""
    from search.index import index_country
    from strategy.models import Country

    Country.objects.filter(pk=mexico.pk).update(
        status=Country.Status.DRAFT, published_at=None, last_published_change=None
    )
    index_country(mexico.pk)  # a bulk update sends no signals
    mexico.refresh_from_db()
    return mexico
