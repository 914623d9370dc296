"""The read-only JSON API and the CSV of goals: published content only, stable shapes."""

import csv
import io
from http import HTTPStatus

import pytest

from api import views as api

from .factories import CitationFactory, CountryFactory, GoalFactory
from .test_query_counts import grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(mexico):
    """A draft country with a goal, a theme and a source of its own."""
    CitationFactory(key="secret-2022")
    country = CountryFactory(
        name="Drafted", slug="drafted", status="draft", vision="V.[^secret-2022]"
    )
    GoalFactory(country=country, title="Hidden goal", tags=["secret theme"])
    country.sync_citations()
    return country


def get_json(client, url, status=HTTPStatus.OK):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_country_list(client, draft):
    data = get_json(client, "/api/countries/")
    assert data == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "name": "Mexico",
                "slug": "mexico",
                "iso_code": "MX",
                "region": "latin-america-caribbean",
                "region_name": "Latin America and the Caribbean",
                "goal_count": 3,
                "published_at": "2018-11-01T00:00:00+00:00",
                "updated_at": "2018-11-01T00:00:00+00:00",
                "url": "http://testserver/api/countries/mexico/",
                "html_url": "http://testserver/countries/mexico/",
            }
        ],
    }


def test_country_detail_has_goals_themes_and_citations(client, draft):
    data = get_json(client, "/api/countries/mexico/")
    assert data["vision"].endswith("citizens.[^british-embassy-mexico-city-2018]")
    assert data["goals"][0] == {
        "position": 1,
        "title": "Digitise small businesses with Big Data, analytics and AI",
        "description": data["goals"][0]["description"],
        "themes": ["big data", "digitalisation", "economy", "small business"],
        "citations": ["secretaria-de-hacienda-2017"],
    }
    assert [goal["position"] for goal in data["goals"]] == [1, 2, 3]
    assert {"name": "health", "slug": "health"} in data["themes"]
    assert len(data["themes"]) == 10
    assert data["citations"][0] == {
        "key": "british-embassy-mexico-city-2018",
        "authors": ["British Embassy Mexico City", "Oxford Insights", "C Minds"],
        "year": 2018,
        "title": "TOWARDS AN AI STRATEGY IN MEXICO",
        "subtitle": "Harnessing the AI Revolution",
        "publisher": "",
        "medium": "online",
        "url": "https://docs.wixstatic.com/ugd/7be025_e726c582191c49d2b8b6517a590151f6.pdf",
        "accessed_on": None,
        "language": "en",
        "source_label": "30",
        "html_url": "http://testserver/citations/british-embassy-mexico-city-2018/",
    }


def test_drafts_never_appear(client, draft):
    get_json(client, "/api/countries/drafted/", HTTPStatus.NOT_FOUND)
    everything = "".join(
        str(get_json(client, url)) for url in ("/api/countries/", "/api/citations/", "/api/themes/")
    )
    csv_text = client.get("/api/goals.csv").content.decode("utf-8-sig")
    for secret in ("Drafted", "secret-2022", "secret theme", "Hidden goal"):
        assert secret not in everything
        assert secret not in csv_text


def test_citations_list_their_published_countries(client, draft):
    data = get_json(client, "/api/citations/")
    assert [item["key"] for item in data["results"]] == [
        "british-embassy-mexico-city-2018",
        "secretaria-de-hacienda-2017",
    ]
    assert data["results"][1]["countries"] == ["mexico"]


def test_themes(client, draft):
    data = get_json(client, "/api/themes/")
    assert data["count"] == 10
    assert data["results"][0] == {
        "name": "automation",
        "slug": "automation",
        "goal_count": 1,
        "html_url": "http://testserver/themes/automation/",
    }


def test_pages(client, mexico, settings):
    for number in range(api.PAGE_SIZE + 5):
        CountryFactory(name=f"Land {number:03}", slug=f"land-{number:03}")
    first = get_json(client, "/api/countries/?page=1")
    assert first["count"] == api.PAGE_SIZE + 6
    assert len(first["results"]) == api.PAGE_SIZE
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/countries/?page=2"
    second = get_json(client, first["next"])
    assert len(second["results"]) == 6
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/countries/?page=1"
    slugs = [c["slug"] for c in first["results"] + second["results"]]
    assert len(set(slugs)) == len(slugs)


@pytest.mark.parametrize("number", ["0", "3", "abc", "-1", "1.5"])
def test_a_bad_page_is_a_json_404(client, mexico, number):
    data = get_json(client, f"/api/countries/?page={number}", HTTPStatus.NOT_FOUND)
    assert data["detail"].startswith(f"Invalid page “{number}”")


def test_unknown_country_is_a_json_404(client, mexico):
    assert get_json(client, "/api/countries/atlantis/", HTTPStatus.NOT_FOUND) == {
        "detail": "No Country matches the given query."
    }


def test_the_index_lists_every_endpoint(client, mexico):
    data = get_json(client, "/api/")
    assert data["openapi"] == "http://testserver/api/openapi.json"
    assert data["documentation"] == "http://testserver/data/"
    assert data["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    urls = {endpoint["name"]: endpoint["url"] for endpoint in data["endpoints"]}
    assert urls == {
        "country_list": "http://testserver/api/countries/",
        "country_detail": "http://testserver/api/countries/{slug}/",
        "citation_list": "http://testserver/api/citations/",
        "theme_list": "http://testserver/api/themes/",
        "goals_csv": "http://testserver/api/goals.csv",
        "openapi": "http://testserver/api/openapi.json",
    }
    for endpoint in data["endpoints"]:
        url = endpoint["url"].replace("{slug}", "mexico")
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert response["Content-Type"].split(";")[0] == endpoint["media_type"]


@pytest.mark.parametrize(
    "url", ["/api/", "/api/countries/", "/api/countries/atlantis/", "/api/goals.csv"]
)
def test_any_site_may_read_the_api(client, mexico, url):
    assert client.get(url)["Access-Control-Allow-Origin"] == "*"
    assert client.get(url)["Access-Control-Allow-Origin"] == "*"  # from the cache too


def test_the_api_is_read_only(client, mexico):
    response = client.post("/api/countries/", {"name": "X"})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
    assert "read-only" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/nope", HTTPStatus.NOT_FOUND),
        ("/api/countries/M%C3%A9xico/", HTTPStatus.NOT_FOUND),
        ("/api/countries/%C2%84/", HTTPStatus.NOT_FOUND),
        ("/api/countries/?page=%00", HTTPStatus.BAD_REQUEST),
    ],
)
def test_errors_before_any_view_are_json_too(client, mexico, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_redirect_to_the_slashed_address_may_be_read_by_any_site(client, mexico):
    response = client.get("/api/countries/mexico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_cors_preflight_is_answered(client, mexico):
    response = client.options(
        "/api/countries/mexico/",
        headers={
            "origin": "https://elsewhere.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-requested-with, accept",
        },
    )
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "x-requested-with, accept"


# --- CSV -----------------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ai-strategy-atlas-goals.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_goals_csv(client, draft):
    rows = read_csv(client.get("/api/goals.csv"))
    assert list(rows[0]) == [
        "country",
        "position",
        "goal",
        "description",
        "themes",
        "citations",
        "iso_code",
        "region",
        "language",
    ]
    assert [(row["country"], row["position"], row["goal"]) for row in rows] == [
        ("Mexico", "1", "Digitise small businesses with Big Data, analytics and AI"),
        ("Mexico", "2", "Automate routine tasks"),
        ("Mexico", "3", "Cheaper, more tailored public services"),
    ]
    assert rows[0]["themes"] == "big data; digitalisation; economy; small business"
    assert rows[0]["citations"] == "secretaria-de-hacienda-2017"
    assert rows[0]["description"].startswith("In Mexico, micro, small and medium")
    assert {(row["iso_code"], row["region"]) for row in rows} == {
        ("MX", "Latin America and the Caribbean")
    }


def test_goals_csv_leaves_unset_codes_and_regions_empty(client, mexico):
    country = CountryFactory(name="Nowhere", slug="nowhere", iso_code="", region="")
    GoalFactory(country=country, title="A goal")
    rows = [row for row in read_csv(client.get("/api/goals.csv")) if row["country"] == "Nowhere"]
    assert (rows[0]["iso_code"], rows[0]["region"]) == ("", "")


def test_csv_cells_cannot_run_as_formulas(client, mexico):
    country = CountryFactory(name='=HYPERLINK("http://evil")', slug="evil")
    GoalFactory(country=country, title="+1+1", description="@SUM(A1)", tags=["-2"])
    GoalFactory(country=country, title="\tTab", description="A normal - text")
    rows = [row for row in read_csv(client.get("/api/goals.csv")) if row["position"] != ""]
    evil = [row for row in rows if "evil" in row["country"]]
    assert evil[0]["country"] == '\'=HYPERLINK("http://evil")'
    assert (evil[0]["goal"], evil[0]["description"], evil[0]["themes"]) == (
        "'+1+1",
        "'@SUM(A1)",
        "'-2",
    )
    assert (evil[1]["goal"], evil[1]["description"]) == ("'\tTab", "A normal - text")


# --- Query counts --------------------------------------------------------------------

# Each count includes the page cache's one query for the content version.
EXPECTED = {
    "/api/countries/": 4,  # count, page, its countries' goal counts
    "/api/countries/mexico/": 5,  # country, goals, their tags, citations
    "/api/citations/": 4,  # count, page, published citing countries
    # goals per theme, every published theme (few), paginated in Python, the content
    # version again before they are kept
    "/api/themes/": 4,
    "/api/goals.csv": 3,  # goals with countries, their tags
    "/api/": 1,
    "/api/openapi.json": 1,
}


def get(client, url):
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.parametrize("url", EXPECTED)
def test_query_count_does_not_grow_with_content(client, mexico, url, django_assert_num_queries):
    with django_assert_num_queries(EXPECTED[url]):
        get(client, url)
    with django_assert_num_queries(1):  # cached
        get(client, url)
    grow(mexico, goals=60, citations=60)
    with django_assert_num_queries(EXPECTED[url]):
        get(client, url)


def test_a_preflight_repeats_only_header_names(client, mexico):
    response = client.options(
        "/api/countries/",
        headers={"access-control-request-headers": "x-a, <script>, y\u00e9"},
    )
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response["Access-Control-Allow-Headers"] == "x-a, script, y"
