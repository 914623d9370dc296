"""
Browser tests: Playwright driving Debian's Chromium against a live server.

Every module here marks its tests ``browser``; tests/conftest.py turns a
missing Chromium into one loud skip line (an error under ``CI=true``). The
server is pytest-django's ``live_server`` with the Mexico fixture loaded.
"""

import os

import pytest
from django.core.management import call_command

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread, and Django
# refuses synchronous database calls from a thread with a running loop. The
# tests touch the database only to set up content, while the browser waits.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def site(transactional_db, live_server, settings):
    """
    The live server's address, serving the Mexico fixture. The database is
    emptied after each such test; the editorial groups come back by themselves
    (strategy.roles), as on any database that is flushed.
    """
    # A fast hasher: the journeys create and log in users, and the real one is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", "mexico", verbosity=0)
    return live_server.url


@pytest.fixture
def visitor(browser):
    """A second browser window with its own cookies: someone not logged in."""
    context = browser.new_context()
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context.new_page()
    context.close()


# On a loaded machine (the suite runs in two processes, beside PostgreSQL) a
# heavy admin step such as importing a Word report can take longer than
# Playwright's defaults; the journeys wait for what the page shows, so a
# longer wait only slows a run that is failing anyway.
NAVIGATION_TIMEOUT_MS = 90_000
ACTION_TIMEOUT_MS = 30_000


@pytest.fixture
def page(page):
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    return page


@pytest.fixture(autouse=True, scope="session")
def _patient_assertions():
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
