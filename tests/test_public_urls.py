"""Every public URL: 200 for published content, 404 for unknown and draft content."""

from http import HTTPStatus

import pytest

from strategy.models import Country

from .factories import CountryFactory, GoalFactory
from .helpers import PUBLIC_PAGES, parse

pytestmark = pytest.mark.django_db


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
    # An unknown region or theme is not found, and the page says so.
    for query, says in (("region=bogus", "no region “bogus”"), ("theme=bogus", "theme “bogus”")):
        response = client.get(f"/countries/?{query}")
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert names(response) == [] and says in parse(response).find("main").get_text()


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


def test_theme_pages_come_in_pages_of_twenty_goals(client, mexico):
    for number in range(25):
        country = CountryFactory(name=f"Land {number:02d}", slug=f"land-{number:02d}")
        GoalFactory(country=country, title=f"Health goal {number:02d}", tags=["health"])
    first = parse(client.get("/themes/health/"))
    second = parse(client.get("/themes/health/?page=2"))
    titles = [
        h2.get_text(strip=True) for page in (first, second) for h2 in page.select(".goal-list h2")
    ]
    assert len(titles) == 26 and len(set(titles)) == 26
    assert "26 strategic goals" in first.select_one(".lede").get_text()
    assert second.select_one("a[rel=prev]")["href"] == "?"  # page 1 has one address
    for bad in ("3", "0", "abc"):
        assert client.get(f"/themes/health/?page={bad}").status_code == HTTPStatus.NOT_FOUND


def test_home_page_shows_countries_on_a_map_of_regions(client, mexico):
    for number in range(14):
        CountryFactory(name=f"Land {number:02d}", region=Country.Region.SOUTH_ASIA)
    CountryFactory(name="Nowhere", slug="nowhere", region="")
    page = parse(client.get("/"))
    boxes = {
        box.h3.get_text(strip=True): (
            box.select_one(".meta").get_text(strip=True),
            [a.get_text() for a in box.select(":scope > ul a")],
        )
        for box in page.select(".region-map > li")
    }
    south_asia = [f"Land {number:02d}" for number in range(12)]  # the first twelve, by name
    assert boxes == {
        "East Asia and Pacific": ("0 countries", []),
        "Europe and Central Asia": ("0 countries", []),
        "Latin America and the Caribbean": ("1 country", ["Mexico"]),
        "Middle East and North Africa": ("0 countries", []),
        "North America": ("0 countries", []),
        "South Asia": ("14 countries", south_asia),
        "Sub-Saharan Africa": ("0 countries", []),
        "Region not given": ("1 country", ["Nowhere"]),
    }
    assert page.find("a", string="South Asia")["href"] == "/countries/?region=south-asia"
    assert page.find("a", string="and 2 more")["href"] == "/countries/?region=south-asia"
    assert page.find("a", string="Mexico")["href"] == "/countries/mexico/"


def test_countries_without_a_region_have_a_box_of_their_own_in_each_language(client, mexico):
    for number in range(13):
        CountryFactory(name=f"Nowhere {number:02d}", slug=f"nowhere-{number:02d}", region="")
    for path, label, more in [
        ("/", "Region not given", "and 1 more"),
        ("/es/", "Región no indicada", "y 1 más"),
    ]:
        page = parse(client.get(path))
        box = next(
            box for box in page.select(".region-map > li") if box.h3.get_text(strip=True) == label
        )
        assert len(box.select(":scope > ul a")) == 12
        # The country list has no filter for "no region": the rest are said, not linked.
        assert box.select_one(".more").get_text(strip=True) == more
        assert box.select_one(".more a") is None
