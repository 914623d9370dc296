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
from django.utils import timezone
from taggit.models import Tag

from citations.models import Citation, LinkCheck
from citations.signals import link_shown_changed
from pagecache import fragments
from strategy.models import Country, Goal

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


# --- A change while a page renders -------------------------------------------------


def change_once(monkeypatch, target, name, change):
    """Make ``change`` (another editor's save) the first time ``target.name`` is called."""
    real = getattr(target, name)
    done = []

    def racing(*args, **kwargs):
        if not done:
            done.append(True)
            change()
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, racing)


def rename_canada():
    country = Country.objects.get(slug="canada")
    country.name = "Canada renamed meanwhile"
    country.save()


def rename_canadas_goal():
    goal = Goal.objects.get(country__slug="canada")
    goal.title = "A title changed meanwhile"
    goal.save()


@pytest.mark.parametrize("page_cache", [True, False])
def test_a_change_saved_while_a_list_renders_is_never_kept_stale(
    settings, canada, monkeypatch, page_cache
):
    """
    The page read the countries before the edit and the rows' versions after
    it: what it rendered is not kept under the new version.
    """
    if not page_cache:
        settings.PAGE_CACHE_SECONDS = 0
    change_once(monkeypatch, fragments, "scope_versions", rename_canada)
    Client().get("/countries/")
    monkeypatch.undo()
    assert "Canada renamed meanwhile" in Client().get("/countries/").content.decode()


def test_a_change_saved_while_a_theme_page_renders_is_never_kept_stale(
    settings, canada, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0
    change_once(monkeypatch, fragments, "scope_versions", rename_canadas_goal)
    Client().get("/themes/health/")
    monkeypatch.undo()
    assert "A title changed meanwhile" in Client().get("/themes/health/").content.decode()


def test_a_signed_in_editors_page_keeps_nothing(admin_client, canada, monkeypatch):
    """An editor's page skips the page cache, so no version was read before its content."""

    def rename_theme():
        tag = Tag.objects.get(slug="health")
        tag.name = "health renamed meanwhile"
        tag.save()

    cache.clear()
    change_once(monkeypatch, fragments, "scope_versions", rename_theme)
    admin_client.get("/countries/")
    monkeypatch.undo()
    assert not [key for key in cache._cache if ":row:" in key or ":kept:" in key]
    assert "health renamed meanwhile" in Client().get("/countries/").content.decode()


@pytest.mark.parametrize("page_cache", [True, False])
def test_a_link_found_broken_shows_on_a_source_renamed_since_the_check_began(
    client, admin_client, settings, canada, page_cache
):
    if not page_cache:
        settings.PAGE_CACHE_SECONDS = 0
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    as_loaded = Citation.objects.get(pk=citation.pk)  # by the link checker, as its run began
    edit_citation(admin_client, citation, key="hacienda-renamed")
    assert "no longer works" not in client.get("/citations/").content.decode()
    LinkCheck.objects.update_or_create(
        citation=as_loaded,
        defaults={"url": as_loaded.url, "status": "broken", "first_failed_at": timezone.now()},
    )
    link_shown_changed.send(sender=Citation, citation=as_loaded)
    assert "no longer works" in client.get("/citations/").content.decode()
