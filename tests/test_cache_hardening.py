"""
The page cache can be neither filled nor bypassed by strangers, and a cache
that fails is a miss, never an error.

* Only addresses the site links to are stored: unknown parameters are
  served the cached page, unknown values are answered 404 and not stored.
* Only a really signed-in session bypasses the cache; a made-up or
  signed-out ``sessionid`` cookie gets the cached page.
* The local-memory cache is bounded in bytes.
* Redis stopped, blackholed (accepting connections, never answering) or
  full: every page, download and CSV still answers 200, quickly, with one
  log line, and /healthz says the cache is degraded (still 200).
"""

import logging
import shutil
import subprocess
import time
from http import HTTPStatus

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from pagecache.backends import BoundedLocMemCache

from .conftest import REDIS_URL
from .helpers import DOWNLOADS, PUBLIC_PAGES
from .tcp_proxy import TcpProxy, free_port

pytestmark = pytest.mark.django_db


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def stored_pages():
    return len(caches["default"]._cache)


# --- Filling ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/citations/export.bib", "/api/goals.csv", "/countries/mexico/"])
def test_a_thousand_made_up_parameters_make_no_cache_entries(client, mexico, url):
    client.get(url)
    before = stored_pages()
    for number in range(1000):
        response = client.get(url, {"theme": f"t{number}", "page": number, "x": "y"})
        assert response.status_code == HTTPStatus.OK
    assert stored_pages() == before


@pytest.mark.parametrize(
    "query",
    [
        *(f"theme=t{number}" for number in range(20)),
        *(f"region=r{number}" for number in range(20)),
        *(f"page={page}" for page in ["01", "+1", " 1", "1_0", "١", "2", "99", "1.0", "0x1"]),
    ],
)
def test_values_the_site_does_not_link_to_are_404_and_never_stored(client, mexico, query):
    # The list itself keeps what every request for it shares (the themes, the
    # country cards); a value the site does not link to adds nothing to that.
    client.get("/countries/")
    before = stored_pages()
    response = client.get(f"/countries/?{query}")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert stored_pages() == before
    assert client.get(f"/countries/?{query}").status_code == HTTPStatus.NOT_FOUND
    assert stored_pages() == before


@pytest.mark.parametrize("page", ["01", "+1", " 1", "1_0", "١"])
def test_the_api_reads_page_numbers_as_strictly(client, mexico, page):
    response = client.get("/api/countries/", {"page": page})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"].startswith("Invalid page")


def test_api_page_links_carry_no_junk_parameters(client, mexico):
    from .factories import CountryFactory

    for number in range(55):
        CountryFactory(name=f"Land {number:02d}")
    data = client.get("/api/countries/", {"utm_source": "evil", "page": "1"}).json()
    assert data["next"] == "http://testserver/api/countries/?page=2"


def test_country_list_links_keep_only_its_own_filters(client, mexico):
    from .factories import CountryFactory
    from .helpers import parse

    for number in range(55):
        CountryFactory(name=f"Land {number:02d}", region="south-asia")
    page = parse(client.get("/countries/", {"region": "south-asia", "evil": "<x>"}))
    assert page.select_one("a[rel=next]")["href"] == "?region=south-asia&page=2"


def test_the_local_cache_is_bounded_in_bytes():
    cache = BoundedLocMemCache("bounded-test", {"OPTIONS": {"MAX_BYTES": 100_000}})
    cache.clear()
    for number in range(200):
        cache.set(f"page-{number}", "x" * 5_000)
        assert cache.bytes_held <= 100_000
    assert cache.get("page-199") is not None  # the newest are kept
    assert cache.get("page-0") is None  # the least recently used went first
    cache.set("huge", "x" * 200_000)
    assert cache.get("huge") is None and cache.bytes_held <= 100_000
    cache.clear()
    assert cache.bytes_held == 0


def test_the_site_cache_is_the_bounded_one(settings):
    assert settings.CACHES["default"]["BACKEND"] == "pagecache.backends.BoundedLocMemCache"
    assert settings.CACHES["default"]["OPTIONS"]["MAX_BYTES"] == 64 * 1024 * 1024


# --- Bypassing ----------------------------------------------------------------------


@pytest.mark.parametrize("cookie", ["x", "a" * 32, "0123456789abcdefghijklmnopqrstuv", "x" * 5000])
@pytest.mark.parametrize("url", ["/countries/mexico/", *DOWNLOADS])
def test_a_made_up_session_cookie_gets_the_cached_page(mexico, url, cookie):
    plain = Client().get(url)
    client = Client()
    client.cookies["sessionid"] = cookie
    response, count = queries(client, url)
    assert response.status_code == HTTPStatus.OK
    assert count <= 2  # the session looked up, the content version read: nothing rendered
    assert response.content == plain.content


def test_a_signed_out_session_gets_the_cached_page(mexico):
    session = SessionStore()
    session["seen_banner"] = True
    session.save()
    Client().get("/countries/mexico/")
    client = Client()
    client.cookies["sessionid"] = session.session_key
    response, count = queries(client, "/countries/mexico/")
    assert response.status_code == HTTPStatus.OK and count <= 2


def test_a_signed_in_editor_still_bypasses_the_cache(mexico, admin_user):
    Client().get("/countries/mexico/")
    editor = Client()
    editor.force_login(admin_user)
    response, count = queries(editor, "/countries/mexico/")
    assert response.status_code == HTTPStatus.OK
    assert count > 2 and "ETag" not in response


# --- Redis that fails ---------------------------------------------------------------


def redis_settings(port, retry_after=0.3):
    database = REDIS_URL.rsplit("/", 1)[-1]
    return {
        "default": {
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{database}",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "RETRY_AFTER": retry_after,
            },
        }
    }


@pytest.fixture
def redis_proxy():
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    proxy = TcpProxy((host, int(port)))
    proxy.start()
    with override_settings(CACHES=redis_settings(proxy.port)):
        caches["default"].clear()
        yield proxy
    proxy.stop()


def answers_everything(client):
    """Every public page, download and CSV answers 200, each well within a second."""
    for url in [*PUBLIC_PAGES, *DOWNLOADS, "/api/countries/"]:
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert time.monotonic() - started < 1.5, url


def health(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    return response.json()


@pytest.mark.redis
def test_pages_are_cached_in_redis_when_it_works(mexico, redis_proxy):
    client = Client()
    client.get("/countries/mexico/")
    assert queries(client, "/countries/mexico/")[1] == 1
    assert health(client) == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.redis
def test_redis_stopped_is_a_cache_miss(mexico, redis_proxy, caplog):
    caplog.set_level(logging.WARNING)
    client = Client()
    redis_proxy.stop()
    answers_everything(client)
    answers_everything(client)
    assert health(client) == {"status": "degraded", "database": "ok", "cache": "degraded"}
    failures = [r for r in caplog.records if "Cache unavailable" in r.getMessage()]
    assert len(failures) == 1  # logged once, not once a request

    redis_proxy.start()
    time.sleep(0.4)  # the backend tries Redis again after RETRY_AFTER
    assert health(client)["cache"] == "ok"
    client.get("/countries/mexico/")
    assert queries(client, "/countries/mexico/")[1] == 1  # cached again
    assert any("Cache available again" in r.getMessage() for r in caplog.records)


@pytest.mark.redis
def test_redis_that_never_answers_is_a_quick_cache_miss(mexico, redis_proxy):
    client = Client()
    redis_proxy.stop()
    redis_proxy.start(hang=True)
    started = time.monotonic()
    answers_everything(client)
    # One socket timeout (0.25 s) and then the breaker: not one per request.
    assert time.monotonic() - started < 5
    assert health(client)["cache"] == "degraded"


@pytest.fixture
def full_redis(tmp_path):
    """A Redis server of the test's own with 1 MB of memory, filled, that refuses writes."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            *("--port", str(port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--dir", str(tmp_path)),
            *("--maxmemory", "1mb", "--maxmemory-policy", "noeviction"),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        try:
            for number in range(10_000):
                client.set(f"filler-{number}", "x" * 1000)
        except redis.exceptions.ResponseError as error:
            assert "maxmemory" in str(error)
        with override_settings(CACHES=redis_settings(port)):
            yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.redis
def test_redis_that_is_full_is_a_cache_miss(mexico, full_redis):
    client = Client()
    answers_everything(client)
    assert health(client)["cache"] == "degraded"


class TricklingRedis:
    """
    A "Redis" on loopback that answers every command with a nil reply, one
    byte every 0.2 s: never silent long enough to trip a socket timeout.
    """

    def __init__(self):
        import socket
        import threading

        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import threading

        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(client,), daemon=True).start()

    def answer(self, client):
        try:
            while client.recv(65536):
                for byte in b"$-1\r\n":
                    time.sleep(0.2)
                    client.sendall(bytes([byte]))
        except OSError:
            pass
        finally:
            client.close()

    def stop(self):
        self.stopped.set()
        self.listener.close()


def test_a_redis_that_answers_too_slowly_is_left_alone(mexico):
    slow = TricklingRedis()
    try:
        with override_settings(CACHES=redis_settings(slow.port, retry_after=60)):
            cache = caches["default"]
            started = time.monotonic()
            assert cache.get("atlas:anything") is None  # about a second, then the breaker
            first = time.monotonic() - started
            started = time.monotonic()
            for _ in range(20):
                assert cache.get("atlas:anything") is None
            assert time.monotonic() - started < 0.2 < first
            assert cache.health() == "degraded"
    finally:
        slow.stop()


# --- Poisoning: what one visitor sends never reaches the page kept for others ---------


def canonical_and_footer(response):
    from .helpers import parse

    page = parse(response)
    return page.find("link", rel="canonical")["href"], page.select_one("p.print-only").get_text()


@pytest.mark.parametrize(
    ("poisoning", "plain", "expected"),
    [
        (
            "/countries/?region=made-up&region=latin-america-caribbean",
            "/countries/?region=latin-america-caribbean",
            "http://testserver/countries/?region=latin-america-caribbean",
        ),
        ("/compare/?page=x&page=1", "/compare/?page=1", "http://testserver/compare/?page=1"),
    ],
)
def test_a_value_the_view_ignores_never_reaches_the_cached_page(
    client, mexico, poisoning, plain, expected
):
    first = client.get(poisoning)
    assert first.status_code == HTTPStatus.OK
    assert canonical_and_footer(first)[0] == expected
    later = client.get(plain)
    canonical, footer = canonical_and_footer(later)
    assert canonical == expected and expected in footer


@pytest.mark.parametrize(
    "url", ["/api/countries/mexico/", "/data/", "/citations/", "/feed/", "/sitemap.xml"]
)
def test_a_host_spelled_otherwise_never_reaches_the_cached_page(client, mexico, url):
    odd = client.get(url, headers={"host": "TESTSERVER."})
    assert odd.status_code == HTTPStatus.OK
    plain = client.get(url)
    assert plain.status_code == HTTPStatus.OK
    for response in (odd, plain):
        text = response.content.decode()
        assert "TESTSERVER" not in text and "testserver." not in text
        assert "http://testserver/" in text


def test_a_host_with_its_default_port_is_spelled_without_it(client, mexico):
    response = client.get("/api/countries/mexico/", headers={"host": "testserver:80"})
    assert response.json()["url"] == "http://testserver/api/countries/mexico/"


@pytest.mark.parametrize("url", ["/api/countries/nope/", "/compare/?page=99", "/search/?q=mexico"])
def test_a_page_that_is_not_a_public_200_is_never_answered_304(client, mexico, url):
    response = client.get(url, headers={"if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert response.status_code != HTTPStatus.NOT_MODIFIED


def test_a_304_carries_the_pages_validators_and_caching_headers(client, mexico):
    first = client.get("/api/countries/mexico/")
    again = client.get("/api/countries/mexico/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["Access-Control-Allow-Origin"] == "*"
