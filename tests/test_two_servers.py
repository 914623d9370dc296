"""
Two app servers sharing one PostgreSQL and one Redis serve the same fresh
content after an edit made through either of them.
"""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection

from .admin_forms import form_values
from .conftest import REDIS_URL

PROJECT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=PROJECT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


class PlainHTTPCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the production settings' Secure cookies back over loopback HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A minimal cookie-keeping HTTP client, enough to drive the admin."""

    def __init__(self):
        jar = http.cookiejar.CookieJar(policy=PlainHTTPCookiePolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, url):
        with self.opener.open(url, timeout=10) as response:
            return response.read().decode()

    def post(self, url, data, referer):
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(data).encode(), headers={"Referer": referer}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def form(self, url, form_id):
        return form_values(BeautifulSoup(self.get(url), "html5lib"), form_id)


def anonymous_get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def edit_vision(server, browser, country_id, text):
    url = server.url(f"/admin/strategy/country/{country_id}/change/")
    data = browser.form(url, "country_form")
    data["vision"] = text
    final_url, _ = browser.post(url, data, referer=url)
    # Mexico is published: the save is its working draft; publish it from its page.
    draft = server.url(f"/admin/strategy/country/{country_id}/draft/")
    assert final_url == draft, final_url
    final_url, _ = browser.post(draft, browser.form(draft, "step-publish"), referer=draft)
    assert final_url.endswith(f"/admin/strategy/country/{country_id}/change/"), final_url


@pytest.fixture
def servers():
    shared = redis.Redis.from_url(REDIS_URL)
    shared.flushdb()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "two-server-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
    }
    # The servers run the production settings: hashed static files need a manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=PROJECT, env=env, check=True,
    )  # fmt: skip
    first, second = Server(env), Server(env)
    yield first, second, shared
    first.stop()
    second.stop()
    shared.flushdb()


def test_an_edit_through_either_server_is_seen_on_both(servers, mexico):
    get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-passphrase")
    first, second, shared = servers

    for server in (first, second):  # prime both servers' view of the page
        assert "Brand new vision" not in anonymous_get(server.url("/countries/mexico/"))
    assert shared.keys("*atlas:page:*"), "pages are cached in the shared Redis"

    for editing, other, text in ((first, second, "Vision from one"), (second, first, "Vision two")):
        browser = Browser()
        login = editing.url("/admin/login/?next=/admin/")
        data = browser.form(login, "login-form")
        data.update(username="editor", password="a-long-passphrase")
        browser.post(login, data, referer=login)
        edit_vision(editing, browser, mexico.pk, text)
        for server in (other, editing):
            assert text in anonymous_get(server.url("/countries/mexico/"))
