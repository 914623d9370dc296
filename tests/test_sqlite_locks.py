"""
On the embedded SQLite database, editors saving at the same moment never get
an error page and never lose what they typed.

SQLite lets one writer in at a time. A transaction that reads first and
writes later (SQLite's default, "deferred") can find the write lock taken by
another that read at the same time, and fails at once with "database is
locked", whatever the busy timeout: the editor got a 503 page and lost the
form. The atlas starts every transaction as a writer (``BEGIN IMMEDIATE``),
so the second save waits its turn; a lock held past the timeout (a long
import, say) answers with the form as typed and a message, never a 503.

These tests run gunicorn with two worker processes on an SQLite file.
"""

import concurrent.futures
import os
import sqlite3
import threading
import time

import pytest
from bs4 import BeautifulSoup

from .live import Browser, Server, manage, production_env

# The servers here run on an SQLite file of their own, whatever the suite's
# database: the SQLite run covers them.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite locking: runs in the SQLite run",
)

PASSWORD = "a-long-passphrase-for-tests"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A production server on a fresh SQLite file, with Mexico, Chile and two editors."""
    path = tmp_path_factory.mktemp("sqlite") / "atlas.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{path}", DJANGO_SQLITE_TIMEOUT="2", WEB_CONCURRENCY="2"
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "loaddata", "mexico", "-v0")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from strategy.models import Country\n"
        "Country.objects.create(name='Chile', slug='chile', vision='Chile.', status='draft')\n"
        "Country.objects.filter(slug='mexico').update(status='draft')  # edited directly\n"
        f"User.objects.create_superuser('ana', 'ana@example.org', '{PASSWORD}')\n"
        f"User.objects.create_superuser('ben', 'ben@example.org', '{PASSWORD}')",
    )
    server = Server(env, "--log-level", "warning")
    yield server, path
    server.stop()


def country_id(path, slug):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id FROM strategy_country WHERE slug = ?", [slug]).fetchone()[0]


def vision(path, slug):
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT vision FROM strategy_country WHERE slug = ?", [slug]).fetchone()
    return row[0]


def test_two_editors_saving_at_the_same_moment_both_succeed(site):
    server, path = site
    editors = {
        "mexico": Browser().log_in(server, "ana", PASSWORD),
        "chile": Browser().log_in(server, "ben", PASSWORD),
    }
    urls = {
        slug: server.url(f"/admin/strategy/country/{country_id(path, slug)}/change/")
        for slug in editors
    }
    for round_number in range(12):
        forms = {}
        for slug, browser in editors.items():
            forms[slug] = browser.form(urls[slug], "country_form")
            forms[slug]["vision"] = f"{slug} vision, round {round_number}."
        start = threading.Barrier(len(editors))

        def save(slug, start=start, forms=forms):
            start.wait()
            return editors[slug].post(urls[slug], forms[slug], referer=urls[slug])

        with concurrent.futures.ThreadPoolExecutor(len(editors)) as pool:
            results = dict(zip(editors, pool.map(save, editors), strict=True))
        for slug, (status, final, body) in results.items():
            assert status == 200 and final.endswith("/admin/strategy/country/"), (
                slug,
                status,
                body[:300],
            )
            assert vision(path, slug) == f"{slug} vision, round {round_number}."


def test_a_lock_held_past_the_timeout_answers_with_the_form_and_a_message(site):
    server, path = site
    browser = Browser().log_in(server, "ana", PASSWORD)
    url = server.url(f"/admin/strategy/country/{country_id(path, 'mexico')}/change/")
    data = browser.form(url, "country_form")
    before = vision(path, "mexico")
    data["vision"] = "Typed while the database was busy."

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # someone else writes, for longer than the 2 s timeout
    try:
        # Opening a form only reads: it does not queue for the lock.
        started = time.monotonic()
        assert browser.form(url, "country_form")["vision"] == before
        assert time.monotonic() - started < 1.5
        status, final, body = browser.post(url, data, referer=url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 200 and final == url
    page = BeautifulSoup(body, "html5lib")
    errors = " ".join(e.get_text(" ", strip=True) for e in page.select(".errornote, .errorlist"))
    assert "Not saved: the database was busy" in errors
    assert page.find("textarea", attrs={"name": "vision"}).get_text() == data["vision"]
    assert vision(path, "mexico") == before

    # Saving the same form again, once the database is free, goes through.
    resubmitted = browser.form(url, "country_form") | {"vision": data["vision"]}
    status, final, _ = browser.post(url, resubmitted, referer=url)
    assert final.endswith("/admin/strategy/country/")
    assert vision(path, "mexico") == data["vision"]
