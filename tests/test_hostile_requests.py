"""
Hostile requests: every public URL gets a corpus of naughty strings in each
path slug and each query parameter, oversize values, bad page numbers and
wrong methods. Nothing answers 500, nothing is logged as an error, and what
cannot be served gets a sensible 4xx.
"""

import json
import logging
import re
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from .helpers import parse

pytestmark = pytest.mark.django_db

CORPUS = json.loads(
    (Path(__file__).parent / "data" / "naughty_strings.json").read_text(encoding="utf-8")
)
NAUGHTY_STRINGS = [string for group in CORPUS["strings"].values() for string in group]

# Every public URL, by name, with an example of its path arguments and the
# query parameters its view reads. A new public URL fails
# test_every_public_url_is_listed until it is added here.
PUBLIC_URLS = {
    "healthz": ({}, []),
    "strategy:home": ({}, []),
    "strategy:country_list": ({}, ["region", "theme", "page"]),
    "strategy:country_detail": ({"slug": "mexico"}, []),
    "strategy:country_citations": ({"slug": "mexico", "extension": "bib"}, []),
    "strategy:country_cite": ({"slug": "mexico", "extension": "bib"}, []),
    "strategy:country_changes": ({"slug": "mexico"}, []),
    "strategy:country_feed": ({"slug": "mexico"}, []),
    "strategy:theme_feed": ({"slug": "health"}, []),
    "strategy:feed": ({}, []),
    "strategy:sitemap": ({}, []),
    "strategy:robots_txt": ({}, []),
    "strategy:country_version": ({"slug": "mexico", "number": 1}, []),
    "strategy:theme_list": ({}, []),
    "strategy:theme_detail": ({"slug": "health"}, []),
    "strategy:compare": ({}, ["c"]),
    "citations:list": ({}, ["page"]),
    "citations:export": ({"extension": "ris"}, []),
    "citations:detail": ({"key": "british-embassy-mexico-city-2018"}, []),
    "api:country_list": ({}, ["page", "lang"]),
    "api:country_detail": ({"slug": "mexico"}, ["lang"]),
    "api:citation_list": ({}, ["page", "lang"]),
    "api:theme_list": ({}, ["page", "lang"]),
    "api:goals_csv": ({}, ["lang"]),
    "search:results": ({}, ["q", "region", "theme", "page"]),
    "api:index": ({}, []),
    "api:openapi": ({}, []),
    "data": ({}, []),
}

# What a hostile request may get: the page (the string happened to be valid),
# a redirect to the address with a slash, or a client error.
ACCEPTABLE = {
    HTTPStatus.OK,
    HTTPStatus.MOVED_PERMANENTLY,
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.NOT_FOUND,
}


def public_routes():
    """
    {url name: route} for every URL outside the admin, each path argument
    written as <name> (for regular-expression patterns too).
    """
    routes = {}

    def route(pattern):
        if isinstance(pattern, RoutePattern):
            return str(pattern)
        regex = str(pattern).removeprefix("^").removesuffix("$").removesuffix("\\Z")
        return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", regex).replace("\\.", ".")

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, prefix + route(pattern.pattern), inner)
            elif pattern.name != "set_language":  # the admin's language choice, a POST
                name = ":".join(filter(None, [namespace, pattern.name]))
                routes[name] = prefix + route(pattern.pattern)

    walk(get_resolver().url_patterns, "", "")
    return routes


def with_argument(route, value):
    """The route with every path argument replaced by ``value``, percent-encoded."""
    return "/" + re.sub(r"<[^>]+>", quote(value, safe=""), route)


@pytest.fixture
def errors_logged(caplog):
    """
    Log records at ERROR or above, whatever logger wrote them. Warnings (one
    "Not Found" per 404) are not even formatted, to keep thousands of requests
    fast.
    """
    caplog.set_level(logging.ERROR)
    logging.disable(logging.WARNING)
    yield lambda: [record for record in caplog.records if record.levelno >= logging.ERROR]
    logging.disable(logging.NOTSET)


def test_the_corpus_is_large_and_varied():
    assert len(set(NAUGHTY_STRINGS)) == len(NAUGHTY_STRINGS) >= 500
    assert "\x00" in NAUGHTY_STRINGS and "" in NAUGHTY_STRINGS
    assert any(len(string) >= 4096 for string in NAUGHTY_STRINGS)


def test_every_public_url_is_listed():
    assert set(public_routes()) == set(PUBLIC_URLS)


def test_naughty_strings_in_every_path_argument_and_query_parameter(client, mexico, errors_logged):
    routes = {name: route for name, route in public_routes().items() if "<" in route}
    with_parameters = [
        (reverse(name, kwargs=kwargs), parameters)
        for name, (kwargs, parameters) in PUBLIC_URLS.items()
        if parameters
    ]
    requests = []
    for string in NAUGHTY_STRINGS:
        requests.append(with_argument("<path>", string))
        requests += [with_argument(route, string) for route in routes.values()]
        for url, parameters in with_parameters:
            # "page" alone, as a bad page stops the view before the other
            # parameters are used; the others together.
            filters = [parameter for parameter in parameters if parameter != "page"]
            if filters:
                requests.append(f"{url}?{urlencode(dict.fromkeys(filters, string))}")
            if "page" in parameters:
                requests.append(f"{url}?{urlencode({'page': string})}")

    statuses = {}
    for url in requests:
        status = client.get(url).status_code
        assert status in ACCEPTABLE, f"{url[:200]!r} answered {status}"
        statuses[status] = statuses.get(status, 0) + 1

    assert errors_logged() == []
    # The corpus really reached the views: most strings are not valid slugs.
    assert statuses[HTTPStatus.NOT_FOUND] > len(NAUGHTY_STRINGS) * len(routes)
    assert len(requests) > 4000


@pytest.mark.parametrize("url", ["/countries/", "/citations/"])
@pytest.mark.parametrize("number", ["0", "-1", "abc", str(10**12), "9" * 5000, "1.5", "NaN"])
def test_bad_page_numbers_are_not_found(client, mexico, errors_logged, url, number):
    response = client.get(url, {"page": number})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert parse(response).h1.get_text(strip=True) == "Page not found"
    assert errors_logged() == []


@pytest.mark.parametrize("number", ["1", "last", ""])
def test_valid_page_numbers_answer(client, mexico, number):
    assert client.get("/countries/", {"page": number}).status_code == HTTPStatus.OK


@pytest.mark.parametrize("number", ["0", "-1", "abc", str(10**12)])
def test_bad_page_numbers_in_the_api_are_not_found(client, mexico, errors_logged, number):
    response = client.get("/api/countries/", {"page": number})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"].startswith("Invalid page")
    assert errors_logged() == []


def test_a_megabyte_of_query_string(client, mexico, errors_logged):
    megabyte = "x" * 1_000_000
    for name, says in (("region", "no region"), ("theme", "has the theme")):
        # Not a region or theme of the atlas: the list says so (404), in a page of normal size.
        response = client.get("/countries/", {name: megabyte})
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert says in parse(response).get_text() and len(response.content) < 50_000
    assert client.get("/countries/mexico/", {"q": megabyte}).status_code == HTTPStatus.OK
    assert client.get("/citations/", {"page": "9" * 1_000_000}).status_code == (
        HTTPStatus.NOT_FOUND
    )
    assert client.get("/countries/" + megabyte + "/").status_code == HTTPStatus.NOT_FOUND
    assert errors_logged() == []


def test_a_flood_of_query_parameters_is_a_bad_request(client, mexico, caplog):
    """
    More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: 400. Django reports this on
    its security logger (django.security.TooManyFieldsSent) on purpose, as a
    sign of an attack; nothing else is logged as an error.
    """
    caplog.set_level(logging.WARNING)
    response = client.get("/countries/?" + "a=1&" * 2_000)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert parse(response).h1.get_text(strip=True) == "Bad request"
    errors = [record.name for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == ["django.security.TooManyFieldsSent"]


def test_null_characters_are_a_bad_request(client, mexico, errors_logged):
    for url in ["/countries/?theme=%00", "/countries/mexico%00/", "/citations/?page=1%00"]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.BAD_REQUEST, url
        assert parse(response).h1.get_text(strip=True) == "Bad request"
    assert errors_logged() == []


@pytest.mark.parametrize("name", sorted(PUBLIC_URLS))
def test_public_urls_refuse_other_methods(client, mexico, errors_logged, name):
    url = reverse(name, kwargs=PUBLIC_URLS[name][0])
    assert client.get(url).status_code == HTTPStatus.OK
    head = client.head(url)
    assert head.status_code == HTTPStatus.OK and head.content == b""
    api = url.startswith("/api/")
    # The API answers CORS preflights (OPTIONS); the pages have no use for them.
    for method in ["post", "put", "patch", "delete", *([] if api else ["options"])]:
        response = getattr(client, method)(url)
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED, (method, url)
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
    if api:
        response = client.options(url)
        assert response.status_code == HTTPStatus.NO_CONTENT and response.content == b""
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert errors_logged() == []
