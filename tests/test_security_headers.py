"""
Security headers on every response (pages, admin, errors, static files),
HTTPS redirect and HSTS, cookie flags, and no cookies on public pages.
"""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from .helpers import API_PAGES, DOWNLOADS, PUBLIC_PAGES, parse

pytestmark = pytest.mark.django_db

ANSWERS = [
    *PUBLIC_PAGES,
    "/countries/?region=latin-america-caribbean&theme=health",
    *DOWNLOADS,
    *API_PAGES,
    "/healthz",
]
NOT_FOUND_PAGES = [
    "/countries/atlantis/",
    "/no/such/page/",
    "/static/no-such-file.css",
    "/api/countries/atlantis/",
]


def boom(request):
    raise RuntimeError("A bug in a view")


# This module doubles as a URLconf with a view that fails, for the 500 page.
urlpatterns = [path("boom/", boom), *site_urlpatterns]


def csp_directives(response):
    """The Content-Security-Policy header as {directive: {sources}}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = csp_directives(response)
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["default-src"] == {"'self'"}
    assert csp["object-src"] == {"'none'"}
    assert csp["base-uri"] == {"'none'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"


@pytest.mark.parametrize("url", ANSWERS)
def test_public_pages_have_the_headers_and_set_no_cookies(client, mexico, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert_security_headers(response)
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


@pytest.mark.parametrize("url", NOT_FOUND_PAGES)
def test_not_found_pages_have_the_headers_and_set_no_cookies(client, mexico, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_security_headers(response)
    assert not response.cookies


@pytest.mark.urls(__name__)
def test_server_error_page_has_the_headers(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert parse(response).h1.get_text(strip=True) == "Something went wrong"
    assert "A bug in a view" not in response.content.decode()
    assert_security_headers(response)


def test_other_error_responses_have_the_headers(client, mexico):
    for url, status in [
        ("/countries/?theme=%00", HTTPStatus.BAD_REQUEST),
        ("/countries/?page=abc", HTTPStatus.NOT_FOUND),
    ]:
        response = client.get(url)
        assert response.status_code == status
        assert_security_headers(response)
    response = client.post("/countries/mexico/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert_security_headers(response)


def test_admin_pages_have_the_headers(client, admin_user):
    response = client.get("/admin/login/")
    assert response.status_code == HTTPStatus.OK
    assert_security_headers(response)
    client.force_login(admin_user)
    for url in ["/admin/", "/admin/strategy/country/", "/admin/strategy/country/add/"]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert_security_headers(response)
        assert response["X-Frame-Options"] == "DENY"


def test_static_files_have_the_headers(client, settings):
    """WhiteNoise answers static files before any view: they get the headers too."""
    settings.WHITENOISE_USE_FINDERS = True
    for url in ["/static/css/site.css", "/static/admin/js/core.js", "/static/favicon.svg"]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert_security_headers(response)
        assert not response.cookies


def test_production_static_files_are_hashed_compressed_and_immutable(mexico, settings, tmp_path):
    """
    With the production storage (after collectstatic), pages link hashed file
    names that WhiteNoise serves compressed and cached for ever; an unhashed
    name is cached briefly only.
    """
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    client = Client()
    stylesheet = parse(client.get("/countries/mexico/")).find("link", rel="stylesheet")["href"]
    assert stylesheet.startswith("/static/css/site.") and stylesheet != "/static/css/site.css"

    response = client.get(stylesheet, headers={"accept-encoding": "gzip"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Encoding"] == "gzip"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "immutable"} <= cache_control
    assert "max-age=315360000" in cache_control
    assert_security_headers(response)

    response = client.get("/static/css/site.css")
    assert response.status_code == HTTPStatus.OK
    assert "immutable" not in response["Cache-Control"]


def test_plain_http_is_redirected_to_https(mexico, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    response = client.get("/countries/mexico/?x=1")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/countries/mexico/?x=1"
    # Load balancers probe the health check over plain HTTP.
    assert client.get("/healthz").status_code == HTTPStatus.OK

    response = client.get("/countries/mexico/", secure=True)
    assert response.status_code == HTTPStatus.OK
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_https_behind_a_proxy(mexico, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    response = client.get("/countries/mexico/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == HTTPStatus.OK
    assert "Strict-Transport-Security" in response.headers
    response = client.get("/countries/mexico/", headers={"x-forwarded-proto": "http"})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY


def test_session_and_csrf_cookies_are_secure_httponly_and_lax(client, admin_user):
    response = client.get("/admin/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

    form = parse(response).find("form", id="login-form")
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": "password", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == HTTPStatus.FOUND
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
