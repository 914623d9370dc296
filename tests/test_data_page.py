"""The open-data page: what it says about the API, the CSV and the downloads, and its Dataset."""

import json
from http import HTTPStatus

import pytest

from api import pages
from api import views as api
from citations.formats import FORMATS

from .helpers import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, mexico):
    response = client.get("/data/")
    assert response.status_code == HTTPStatus.OK
    return parse(response)


def json_ld(page):
    blocks = page.select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def test_the_dataset_has_what_search_engines_require(page, mexico):
    dataset = json_ld(page)
    assert dataset["@context"] == "https://schema.org"
    assert dataset["@type"] == "Dataset"
    assert dataset["name"].startswith("AI Strategy Atlas")
    assert len(dataset["description"]) >= 50  # Google asks for 50 to 5000 characters
    assert dataset["url"] == "http://testserver/data/"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    for role in ("creator", "publisher"):
        assert dataset[role] == {
            "@type": "Organization",
            "name": "AI Strategy Atlas",
            "url": "http://testserver/",
        }
    mexico.refresh_from_db()
    assert dataset["dateModified"] == mexico.last_published_change.isoformat()
    assert {item["@type"] for item in dataset["distribution"]} == {"DataDownload"}
    formats = {item["encodingFormat"] for item in dataset["distribution"]}
    assert formats == {
        "application/json",
        "text/csv",
        "application/x-bibtex",
        "application/x-research-info-systems",
        "application/vnd.citationstyles.csl+json",
    }


def test_every_download_answers_with_its_stated_type(page, client):
    distribution = json_ld(page)["distribution"]
    assert len(distribution) == 2 + len(FORMATS)
    for item in distribution:
        assert item["contentUrl"].startswith("http://testserver/")
        response = client.get(item["contentUrl"])
        assert response.status_code == HTTPStatus.OK, item["contentUrl"]
        media_type = response["Content-Type"].split(";")[0]
        assert media_type == item["encodingFormat"], item["contentUrl"]
        assert response.content


def test_examples_are_real_answers_shortened(page, client):
    """Each example's address answers, and the excerpt is what it answers, cut short."""
    blocks = [pre.get_text() for pre in page.select("pre.example")]
    requests, answers = blocks[0::2], blocks[1::2]
    assert [url.removeprefix("curl ") for url in requests] == [
        "http://testserver/api/countries/",
        "http://testserver/api/countries/mexico/",
        "http://testserver/api/citations/",
        "http://testserver/api/themes/",
    ]
    for request, answer in zip(requests, answers, strict=True):
        real = client.get(request.removeprefix("curl ")).json()
        assert json.loads(answer) == pages.excerpt(real)
    detail = json.loads(answers[1])
    assert detail["vision"].endswith("…")
    assert len(detail["goals"]) == 1


def test_the_list_example_begins_where_the_list_does(client, mexico):
    from .factories import CountryFactory, GoalFactory

    GoalFactory(country=CountryFactory(name="Albania", slug="albania"), title="One goal")
    blocks = [pre.get_text() for pre in parse(client.get("/data/")).select("pre.example")]
    listed = json.loads(blocks[1])
    real = client.get("/api/countries/").json()
    assert listed == pages.excerpt(real)
    assert listed["results"][0]["name"] == "Albania"
    assert blocks[2] == "curl http://testserver/api/countries/mexico/"  # the fullest example


def test_endpoints_are_listed_with_their_addresses(page):
    listed = [dt.get_text(strip=True) for dt in page.select(".data-endpoints dt")]
    assert listed == [
        "http://testserver/api/countries/",
        "http://testserver/api/countries/{slug}/",
        "http://testserver/api/citations/",
        "http://testserver/api/themes/",
        "http://testserver/api/goals.csv",
        "http://testserver/api/openapi.json",
    ]
    links = {a["href"] for a in page.select("#main a")}
    assert {"http://testserver/api/", "http://testserver/api/openapi.json"} <= links


def test_every_csv_column_is_explained(page):
    columns = [dt.get_text(strip=True) for dt in page.select(".data-columns dt")]
    assert columns == api.CSV_COLUMNS
    assert all(dd.get_text(strip=True) for dd in page.select(".data-columns dd"))


def test_bibliography_downloads_whole_and_per_country(page):
    links = {a["href"] for a in page.select("section a[download]")}
    assert {f"/citations/export.{extension}" for extension in FORMATS} <= links
    assert "/countries/mexico/citations.bib" in links


def test_licence_and_citation(page):
    licence = page.select_one('#main a[rel="license"]')
    assert licence["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in licence.get_text()
    citation = page.select_one(".citation-example").get_text(" ", strip=True)
    assert citation.startswith("AI Strategy Atlas (2018)")
    assert "http://testserver/data/" in citation


def test_an_empty_atlas_still_has_a_page(client):
    response = client.get("/data/")
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    assert page.select("pre.example") == []
    assert "dateModified" not in json_ld(page)


@pytest.mark.mexico_as_draft
def test_drafts_are_not_examples(client, mexico):
    response = client.get("/data/")
    assert b"mexico" not in response.content.lower().replace(b"mexico city", b"")
    assert "dateModified" not in json_ld(parse(response))


@pytest.mark.parametrize("url", ["/countries/", "/themes/", "/citations/"])
def test_list_pages_link_to_the_data(client, mexico, url):
    page = parse(client.get(url))
    link = page.select_one("#main .data-link a")
    assert link["href"] == "/data/"
    assert link.get_text() == "Download this data"


def test_the_footer_links_to_the_data(client, mexico):
    page = parse(client.get("/countries/mexico/"))
    assert page.select_one(".site-footer a[href='/data/']") is not None
