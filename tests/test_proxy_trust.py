"""
gunicorn and Django agree on whom to believe about HTTPS.

Behind a TLS-terminating proxy the original scheme arrives in a header
(``X-Forwarded-Proto: https``). Django trusts it only when
``DJANGO_SECURE_PROXY_SSL_HEADER`` names it; gunicorn used to trust its own
list of such headers from 127.0.0.1 whatever that setting said, so any local
client could skip the redirect to HTTPS. Now gunicorn's configuration reads
the same variable: unset, no scheme header is believed from anyone.

These run gunicorn with its production configuration (config/gunicorn.py);
the redirect comes before any database work, and static files need none.
"""

from http import HTTPStatus

import pytest

from .live import Server, get, production_env

SPOOFS = [
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Protocol": "ssl"},
    {"X-Forwarded-Ssl": "on"},
    {"X-Forwarded-Proto": "https", "X-Forwarded-Protocol": "ssl", "X-Forwarded-Ssl": "on"},
]


@pytest.fixture(scope="module")
def direct():
    """The production setup without a proxy: no scheme header is to be believed."""
    env = production_env(DJANGO_SECURE_SSL_REDIRECT="1", WEB_CONCURRENCY="1")
    with Server(env) as server:
        yield server


@pytest.fixture(scope="module")
def behind_proxy():
    """The production setup behind a proxy that sets X-Forwarded-Proto."""
    env = production_env(
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        WEB_CONCURRENCY="1",
    )
    with Server(env) as server:
        yield server


@pytest.mark.parametrize("headers", SPOOFS)
def test_without_the_setting_no_local_client_can_claim_https(direct, headers):
    status, response_headers, _, _ = get(direct.port, "/static/css/site.css", headers=headers)
    assert status == HTTPStatus.MOVED_PERMANENTLY
    assert response_headers["Location"] == f"https://127.0.0.1:{direct.port}/static/css/site.css"


def test_with_the_setting_the_named_header_is_believed(behind_proxy):
    headers = {"X-Forwarded-Proto": "https"}
    status, response_headers, _, _ = get(behind_proxy.port, "/static/css/site.css", headers=headers)
    assert status == HTTPStatus.OK
    assert "Strict-Transport-Security" in response_headers


@pytest.mark.parametrize(
    "headers", [{}, {"X-Forwarded-Protocol": "ssl"}, {"X-Forwarded-Ssl": "on"}]
)
def test_with_the_setting_other_headers_are_not(behind_proxy, headers):
    status, _, _, _ = get(behind_proxy.port, "/static/css/site.css", headers=headers)
    assert status == HTTPStatus.MOVED_PERMANENTLY


def test_the_two_settings_are_made_from_one_variable(monkeypatch):
    import importlib

    import config.gunicorn

    monkeypatch.delenv("DJANGO_SECURE_PROXY_SSL_HEADER", raising=False)
    assert importlib.reload(config.gunicorn).secure_scheme_headers == {}
    monkeypatch.setenv("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert importlib.reload(config.gunicorn).secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    monkeypatch.setenv("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Scheme=secure")
    assert importlib.reload(config.gunicorn).secure_scheme_headers == {"X-SCHEME": "secure"}
