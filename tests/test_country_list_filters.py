"""The country list's filters: counts per option, the result count, clearing, unknown values."""

from http import HTTPStatus

import pytest

from strategy.models import Country

from .factories import CountryFactory, GoalFactory
from .helpers import parse

pytestmark = pytest.mark.django_db

EUROPE = Country.Region.EUROPE_CENTRAL_ASIA


def options(soup, name):
    return {
        option["value"]: " ".join(option.get_text().split())
        for option in soup.select(f"select[name={name}] option")
    }


@pytest.fixture
def atlas(mexico):
    """Mexico (Latin America), two European countries with the "economy" theme, a draft."""
    for number in range(2):
        country = CountryFactory(name=f"Euroland {number}", region=EUROPE)
        GoalFactory(country=country, position=1, tags=["economy"])
    draft = CountryFactory(name="Hidden", region=EUROPE, status=Country.Status.DRAFT)
    GoalFactory(country=draft, position=1, tags=["economy", "secret-theme"])
    return mexico


def test_each_option_says_how_many_countries_it_lists(client, atlas):
    soup = parse(client.get("/countries/"))
    regions = options(soup, "region")
    assert regions["europe-central-asia"] == "Europe and Central Asia (2)"  # not the draft
    assert regions["latin-america-caribbean"] == "Latin America and the Caribbean (1)"
    assert regions["south-asia"] == "South Asia (0)"
    themes = options(soup, "theme")
    assert themes["economy"] == "economy (3)"  # Mexico and the two European countries
    assert "secret-theme" not in themes
    assert soup.select_one(".result-count").get_text() == "3 published countries."
    assert soup.select_one("a.clear-filters") is None


def test_counts_follow_the_other_filter(client, atlas):
    soup = parse(client.get("/countries/?region=europe-central-asia"))
    assert options(soup, "theme")["economy"] == "economy (2)"
    assert options(soup, "theme")["health"] == "health (0)"
    soup = parse(client.get("/countries/?theme=health"))
    assert options(soup, "region")["europe-central-asia"] == "Europe and Central Asia (0)"
    assert options(soup, "region")["latin-america-caribbean"].endswith("(1)")
    assert soup.select_one(".result-count").get_text() == (
        "1 published country matches the filters."
    )
    clear = soup.select_one("a.clear-filters")
    assert clear.get_text() == "Clear filters" and clear["href"] == "/countries/"


def test_an_unknown_region_or_theme_says_so(client, atlas):
    response = client.get("/countries/?region=atlantis")
    assert response.status_code == HTTPStatus.NOT_FOUND
    soup = parse(response)
    assert "The atlas has no region “atlantis”." in soup.select_one(".notice").get_text()
    assert soup.select_one(".country-list") is None and soup.select_one(".result-count") is None
    response = client.get("/countries/?theme=secret-theme")  # only a draft's goal has it
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "No published goal has the theme" in parse(response).select_one(".notice").get_text()


def test_filtered_list_runs_constant_queries(client, atlas, django_assert_num_queries):
    url = "/countries/?region=europe-central-asia&theme=economy"
    # version, count, page, the cards' goal counts and versions, themes,
    # countries per region, per theme, the version again before keeping them
    with django_assert_num_queries(9):
        assert client.get(url).status_code == HTTPStatus.OK
    for number in range(30):
        country = CountryFactory(name=f"More {number}", region=EUROPE)
        GoalFactory(country=country, position=1, tags=["economy", f"theme-{number}"])
    with django_assert_num_queries(9):
        soup = parse(client.get(url))
    assert options(soup, "region")["europe-central-asia"].endswith("(32)")
