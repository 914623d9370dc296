"""
The OpenAPI description (``/api/openapi.json``) is valid, covers every
endpoint, and matches what the endpoints really answer.

schemathesis loads the description from the app itself and calls the app
through its WSGI handler, in this test's own thread: the calls share the
test's database connection, so pytest-django's ordinary ``db`` fixture (a
transaction rolled back at the end, with the Mexico fixture loaded once) is
all it needs, on SQLite and PostgreSQL alike; no live server, no committed
data (see ``app`` for the one thing the handler must be kept from doing).
Hypothesis generates the requests (positive data: what the description
allows), with the interesting ones given as explicit examples.
"""

import copy
from http import HTTPStatus

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import get_resolver
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

pytestmark = pytest.mark.django_db

# Every answer: not a 5xx, a status, a media type and a body the description
# allows. (positive_data_acceptance is left out: a page past the last is valid
# by the schema and rightly a 404.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# (path, explicit examples: query or path parameters, and the statuses they must get)
OPERATIONS = {
    "/api/": [({}, HTTPStatus.OK)],
    "/api/openapi.json": [({}, HTTPStatus.OK)],
    "/api/countries/": [
        ({"query": {"page": 1}}, HTTPStatus.OK),
        ({"query": {"page": 2}}, HTTPStatus.NOT_FOUND),
    ],
    "/api/countries/{slug}/": [
        ({"path_parameters": {"slug": "mexico"}}, HTTPStatus.OK),
        ({"path_parameters": {"slug": "atlantis"}}, HTTPStatus.NOT_FOUND),
    ],
    "/api/citations/": [
        ({"query": {"page": 1}}, HTTPStatus.OK),
        ({"query": {"page": 2}}, HTTPStatus.NOT_FOUND),
    ],
    "/api/themes/": [
        ({"query": {"page": 1}}, HTTPStatus.OK),
        ({"query": {"page": 2}}, HTTPStatus.NOT_FOUND),
    ],
    "/api/goals.csv": [({}, HTTPStatus.OK)],
}


@pytest.fixture
def app(settings, mexico):
    """
    The site's WSGI handler, as a server runs it, but with the test's database
    connection kept open: a real request starts and ends by closing a
    connection that is inside a transaction (as the test's is), which Django's
    own test client also prevents this way.
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's host
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def description(app):
    # Through the handler: Django's test client would connect the signals again.
    response = Client(app).get("/api/openapi.json", headers={"Host": "testserver"})
    assert response.status_code == HTTPStatus.OK
    return response.json


def closed(description):
    """The description with every object closed: a field it does not name is an error."""
    description = copy.deepcopy(description)

    def close(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(description["components"])
    return description


def test_the_description_is_valid_openapi(description):
    validate(description)  # raises on any error
    assert description["openapi"] == "3.1.0"
    assert description["servers"] == [{"url": "http://testserver"}]


def test_every_api_address_is_described(description):
    api_patterns = next(
        pattern for pattern in get_resolver().url_patterns if str(pattern.pattern) == "api/"
    )
    routes = {
        "/api/" + str(pattern.pattern).replace("<slug:slug>", "{slug}")
        for pattern in api_patterns.url_patterns
    }
    assert set(description["paths"]) == routes == set(OPERATIONS)
    for path, operations in description["paths"].items():
        assert set(operations) == {"get"}, path
        assert operations["get"]["responses"]["200"], path


def parameters_key(query, path_parameters):
    return (repr(dict(query or {})), repr(dict(path_parameters or {})))


def run(schema, path):
    """Generated and explicit requests to ``path``; the statuses the examples got."""
    operation = schema[path]["GET"]
    got = {}

    def check(case):
        response = case.call_and_validate(checks=CHECKS)
        got[parameters_key(case.query, case.path_parameters)] = response.status_code

    test = given(case=operation.as_strategy())(check)
    for parameters, _status in OPERATIONS[path]:
        test = example(case=operation.Case(**parameters))(test)
    test = hypothesis_settings(
        max_examples=15,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )(test)
    test()
    return got


@pytest.mark.parametrize("path", OPERATIONS)
def test_answers_match_the_description(app, path):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    got = run(schema, path)
    for parameters, status in OPERATIONS[path]:
        key = parameters_key(parameters.get("query"), parameters.get("path_parameters"))
        assert got[key] == status, (path, parameters)


@pytest.mark.parametrize("path", OPERATIONS)
def test_no_field_goes_undocumented(app, description, path):
    schema = schemathesis.openapi.from_dict(closed(description))
    schema.app = app
    run(schema, path)
