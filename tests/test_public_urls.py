"""Every public URL: 200 for published content, 404 for unknown and draft content."""

from http import HTTPStatus

import pytest

from strategy.models import Country

from .factories import CitationFactory, CountryFactory, GoalFactory
from .helpers import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(mexico):
    CitationFactory(key="secret-source", title="Secret report")
    country = CountryFactory(
        name="Atlantis",
        slug="atlantis",
        status=Country.Status.DRAFT,
        vision="Hidden plans.[^secret-source]",
    )
    GoalFactory(country=country, title="Hidden goal", tags=["secret-theme"])
    country.sync_citations()
    return country


PUBLIC_PAGES = [
    "/",
    "/countries/",
    "/countries/mexico/",
    "/themes/",
    "/themes/health/",
    "/citations/",
    "/citations/british-embassy-mexico-city-2018/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_published_pages_answer(client, draft, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    assert len(page.find_all("h1")) == 1
    assert page.html["lang"] == "en"
    assert page.select_one("a.skip-link")["href"] == "#main"
    assert page.find("main", id="main") is not None
    # Nothing of the draft leaks into any published page.
    text = page.get_text()
    assert "Atlantis" not in text and "Hidden goal" not in text and "Secret report" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/countries/atlantis/",
        "/themes/secret-theme/",
        "/citations/secret-source/",
        "/countries/no-such-country/",
        "/themes/no-such-theme/",
        "/citations/no-such-source/",
        "/no/such/page/",
    ],
)
def test_unknown_and_draft_content_is_not_found(client, draft, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = parse(response)
    assert page.h1.get_text(strip=True) == "Page not found"
    assert page.find("link", rel="stylesheet") is not None


def test_country_list_filters_by_region_and_theme(client, mexico):
    CountryFactory(name="France", slug="france", region=Country.Region.EUROPE_CENTRAL_ASIA)

    def names(response):
        return [h2.get_text(strip=True) for h2 in parse(response).select(".country-list h2")]

    assert names(client.get("/countries/")) == ["France", "Mexico"]
    assert names(client.get("/countries/?region=europe-central-asia")) == ["France"]
    assert names(client.get("/countries/?theme=health")) == ["Mexico"]
    assert names(client.get("/countries/?region=bogus")) == ["France", "Mexico"]


def test_theme_page_lists_goals_across_countries(client, mexico):
    other = CountryFactory(name="Chile", slug="chile")
    GoalFactory(country=other, title="Digital hospitals", tags=["health"])
    page = parse(client.get("/themes/health/"))
    titles = [h2.get_text(strip=True) for h2 in page.select(".goal-list h2")]
    assert titles == ["Digital hospitals", "Cheaper, more tailored public services"]


def test_citation_page_lists_only_published_citing_countries(client, draft):
    CountryFactory(
        name="Hiddenland",
        slug="hiddenland",
        status=Country.Status.DRAFT,
        vision="x[^british-embassy-mexico-city-2018]",
    ).sync_citations()
    page = parse(client.get("/citations/british-embassy-mexico-city-2018/"))
    cited_by = [a.get_text() for a in page.select("main ul.plain a")]
    assert cited_by == ["Mexico"]


def test_home_page_lists_countries_and_themes(client, mexico):
    page = parse(client.get("/"))
    assert page.find("a", string="Mexico")["href"] == "/countries/mexico/"
    assert page.find("a", href="/themes/health/") is not None
