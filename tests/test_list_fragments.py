"""
The rows of lists kept rendered under their own versions
(``pagecache.fragments``): an edit to one country renders that country's card
again and no other, an edit to one source its reference, and the lists show
every change as a fresh render would.
The flows of ``test_page_scope_flows`` check the lists too (its ``PATHS``).
"""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client

from citations.models import Citation

from .factories import GoalFactory
from .test_page_scopes import edit_citation, edit_country

pytestmark = pytest.mark.django_db

CARD = "strategy/country_card.html"
REFERENCE = "citations/citation_row.html"


def cards_rendered(response, row=CARD):
    return sum(template.name == row for template in response.templates)


@pytest.fixture
def uncached(settings):
    """A browser on the site with the page cache off: every page is rendered."""
    settings.PAGE_CACHE_SECONDS = 0
    return Client()


def test_an_edit_to_one_country_renders_its_card_again_and_no_other(uncached, admin_client, canada):
    first = uncached.get("/countries/")
    assert cards_rendered(first) == 2
    assert cards_rendered(uncached.get("/countries/")) == 0

    edit_country(admin_client, canada, name="Canada (renamed)")
    response = uncached.get("/countries/")
    assert cards_rendered(response) == 1
    text = response.content.decode()
    assert "Canada (renamed)" in text and "Mexico" in text


def test_a_new_goal_changes_its_countrys_count(uncached, canada):
    assert "1 goal" in uncached.get("/countries/").content.decode()
    GoalFactory(country=canada, position=2, title="Build computing", tags=["health"])
    text = uncached.get("/countries/").content.decode()
    assert "2 goals" in text


def test_the_filters_counts_follow_every_change(uncached, canada):
    text = uncached.get("/countries/").content.decode()
    assert ">health (2)<" in text.replace("\n", "")
    canada.goals.get().tags.clear()
    text = uncached.get("/countries/").content.decode()
    assert ">health (1)<" in text.replace("\n", "")


def test_each_language_keeps_its_own_cards(uncached, mexico):
    english = uncached.get("/countries/").content.decode()
    spanish = uncached.get("/es/countries/").content.decode()
    assert "Latin America and the Caribbean" in english
    assert "América Latina y el Caribe" in spanish
    assert "/es/countries/mexico/" in spanish and "/es/countries/mexico/" not in english


def test_with_the_fragment_cache_off_nothing_is_kept(settings, uncached, mexico):
    settings.FRAGMENT_CACHE_SECONDS = 0
    cache.clear()
    assert uncached.get("/countries/").status_code == HTTPStatus.OK
    assert cards_rendered(uncached.get("/countries/")) == 1
    assert not [key for key in cache._cache if ":row:" in key or ":kept:" in key]


def test_an_edit_to_one_source_renders_its_reference_again_and_no_other(
    uncached, admin_client, mexico
):
    cited = Citation.objects.cited().count()
    assert cited > 1
    assert cards_rendered(uncached.get("/citations/"), REFERENCE) == cited
    assert cards_rendered(uncached.get("/citations/"), REFERENCE) == 0

    citation = Citation.objects.cited().order_by("key").first()
    edit_citation(admin_client, citation, title="A title edited in the admin")
    response = uncached.get("/citations/")
    assert cards_rendered(response, REFERENCE) == 1
    assert "A title edited in the admin" in response.content.decode()
