"""
A country's page is cached under its own version (``strategy.page_scopes``):
a change to one country leaves every other country's cached page warm, and
every change that can alter a country's page shows on it at once.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag

from citations.models import Citation

from . import admin_forms
from .factories import CitationFactory, CountryFactory
from .helpers import parse

pytestmark = pytest.mark.django_db


def fetch(client, path):
    """(response, whether it came from the page cache: one query, no rendering)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, len(captured) == 1


def main_text(response):
    return parse(response).find("main").get_text(" ")


@pytest.fixture
def warm(client, mexico, canada):
    """Both country pages (and the list) primed in the page cache."""
    paths = ["/countries/mexico/", "/countries/canada/", "/countries/", "/es/countries/mexico/"]
    for path in paths:
        assert client.get(path).status_code == HTTPStatus.OK
        assert fetch(client, path)[1], f"{path} was not cached"
    translation.activate("en")  # as the test began, after the Spanish page
    return paths


def edit_country(admin_client, country, **changes):
    """Change ``country``'s fields through its admin form and publish the draft."""
    url = reverse("admin:strategy_country_change", args=[country.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, admin_forms.error_text(response)
    admin_forms.publish_draft(admin_client, country)


def edit_citation(admin_client, citation, **changes):
    """Change a source's fields through its admin form."""
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    data = admin_forms.form_data(admin_client.get(url), "citation_form")
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, admin_forms.error_text(response)


def test_editing_one_country_leaves_the_others_cached(client, admin_client, warm, canada):
    mexico_before = client.get("/countries/mexico/")
    edit_country(admin_client, canada, vision="A vision rewritten in the admin.")

    response, cached = fetch(client, "/countries/canada/")
    assert "A vision rewritten in the admin." in main_text(response) and not cached
    response, cached = fetch(client, "/countries/mexico/")
    assert cached, "Mexico's page was rendered again after an edit to Canada"
    assert response["ETag"] == mexico_before["ETag"]
    assert response.content == mexico_before.content
    assert fetch(client, "/es/countries/mexico/")[1]
    # A list shows every country: it is rendered again.
    assert not fetch(client, "/countries/")[1]


def test_a_country_keeps_its_validators_when_another_changes(client, admin_client, warm, canada):
    etag = client.get("/countries/mexico/")["ETag"]
    edit_country(admin_client, canada, vision="Changed.")
    response = client.get("/countries/mexico/", headers={"If-None-Match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    canada_etag = client.get("/countries/canada/")["ETag"]
    edit_country(admin_client, canada, vision="Changed again.")
    response = client.get("/countries/canada/", headers={"If-None-Match": canada_etag})
    assert response.status_code == HTTPStatus.OK


def test_editing_a_goal_inline_shows_on_its_country_only(client, admin_client, warm, mexico):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    data["goals-0-title"] = "A goal retitled in the admin"
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert fetch(client, "/countries/mexico/")[1]  # a working draft: the public page stands
    admin_forms.publish_draft(admin_client, mexico)
    response, cached = fetch(client, "/countries/mexico/")
    assert "A goal retitled in the admin" in main_text(response) and not cached
    assert fetch(client, "/countries/canada/")[1]


def test_a_spanish_edit_shows_on_the_spanish_page(client, admin_client, warm, mexico):
    edit_country(admin_client, mexico, vision_es="Una visión nueva, en español.")
    assert "Una visión nueva, en español." in main_text(client.get("/es/countries/mexico/"))
    assert fetch(client, "/countries/canada/")[1]


def test_a_source_shows_anew_on_exactly_the_countries_citing_it(client, admin_client, warm):
    def edit(key, title):
        edit_citation(admin_client, Citation.objects.get(key=key), title=title)

    edit("canada-own-source", "Canada's corrected report")
    response, cached = fetch(client, "/countries/canada/")
    assert "Canada's corrected report" in main_text(response) and not cached
    assert fetch(client, "/countries/mexico/")[1]

    edit("secretaria-de-hacienda-2017", "Informe corregido")
    for path in ("/countries/canada/", "/countries/mexico/"):
        assert "Informe corregido" in main_text(client.get(path)), path


def test_a_new_source_for_a_marker_no_source_had_shows_at_once(client, mexico):
    country = CountryFactory(name="Chile", slug="chile", vision="Promised.[^chile-plan-2030]")
    before = main_text(client.get("/countries/chile/"))
    assert "Chile plan" not in before
    CitationFactory(key="chile-plan-2030", title="Chile plan for 2030")
    assert "Chile plan for 2030" in main_text(client.get("/countries/chile/"))
    assert country.citations.count() == 0  # found by its marker, not by the citation rows


def test_renaming_a_theme_shows_on_the_countries_with_goals_on_it(client, admin_client, warm):
    lonely = Tag.objects.create(name="Only Mexico's", slug="only-mexicos")
    # Added without saving the goal: the theme row alone tells Mexico's page.
    from strategy.models import Goal

    Goal.objects.filter(country__slug="mexico").first().tags.add(lonely)
    assert "Only Mexico" in main_text(client.get("/countries/mexico/"))
    assert fetch(client, "/countries/canada/")[1]

    def rename(tag, name):
        url = reverse("admin:taggit_tag_change", args=[tag.pk])
        data = admin_forms.form_data(admin_client.get(url), "tag_form")
        data["name"] = name
        response = admin_client.post(url, data)
        assert response.status_code == HTTPStatus.FOUND, admin_forms.error_text(response)

    rename(lonely, "Renamed for Mexico")
    assert "Renamed for Mexico" in main_text(client.get("/countries/mexico/"))
    assert fetch(client, "/countries/canada/")[1]
    rename(Tag.objects.get(slug="health"), "Healthcare")
    for path in ("/countries/canada/", "/countries/mexico/"):
        assert ">Healthcare<" in client.get(path).content.decode(), path


def test_a_theme_taken_off_a_goal_shows_at_once(client, warm, canada):
    goal = canada.goals.get()
    goal.tags.remove("health")
    assert "/themes/health/" not in client.get("/countries/canada/").content.decode()


def test_a_new_address_never_leaves_the_old_one_serving_the_page(client, admin_client, warm):
    from strategy.models import Country

    canada = Country.objects.get(slug="canada")
    edit_country(admin_client, canada, slug="kanata")
    old = client.get("/countries/canada/")
    assert old.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert old["Location"].endswith("/countries/kanata/")
    assert "pan-Canadian" in main_text(client.get("/countries/kanata/"))


def test_a_slug_changed_without_a_redirect_still_leaves_no_stale_page(client, warm):
    from strategy.models import Country

    canada = Country.objects.get(slug="canada")
    canada.slug = "kanata"
    canada.save()  # no redirect recorded: the old address answers 404
    assert client.get("/countries/canada/").status_code == HTTPStatus.NOT_FOUND


def test_unpublishing_and_deleting_answer_404_at_once(client, admin_client, warm, canada):
    changelist = reverse("admin:strategy_country_changelist")
    response = admin_client.post(
        changelist, {"action": "unpublish_selected", "_selected_action": [canada.pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/countries/canada/").status_code == HTTPStatus.NOT_FOUND
    assert fetch(client, "/countries/mexico/")[1]

    mexico = client.get("/countries/mexico/")
    assert mexico.status_code == HTTPStatus.OK
    from strategy.models import Country

    Country.objects.get(slug="mexico").delete()
    assert client.get("/countries/mexico/").status_code == HTTPStatus.NOT_FOUND


def test_a_goal_moved_to_another_country_leaves_both_pages_true(client, warm, canada, mexico):
    goal = canada.goals.get()
    goal.country = mexico
    goal.position = 99
    goal.save()
    assert "Grow talent" not in main_text(client.get("/countries/canada/"))
    assert "Grow talent" in main_text(client.get("/countries/mexico/"))


def test_a_goal_deleted_shows_at_once(client, warm, canada):
    canada.goals.get().delete()
    assert "Grow talent" not in main_text(client.get("/countries/canada/"))


def test_a_working_draft_leaves_every_public_page_cached(client, admin_client, warm, canada):
    url = reverse("admin:strategy_country_change", args=[canada.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    data["vision"] = "Not yet public."
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    response, cached = fetch(client, "/countries/canada/")
    assert cached and "Not yet public." not in main_text(response)


def test_a_country_page_keyed_by_an_unknown_scope_falls_back_to_the_site(client, warm):
    """A scope without its row (a database older than the scopes) is keyed by the site."""
    from pagecache.models import ScopeVersion

    ScopeVersion.objects.filter(scope="country:mexico").delete()
    first = client.get("/countries/mexico/")
    assert fetch(client, "/countries/mexico/")[1]
    CitationFactory(key="unrelated-source")  # any change bumps the site's version
    response, cached = fetch(client, "/countries/mexico/")
    assert not cached and response.content == first.content


# --- The country's profile in the fragment cache ---------------------------------


@pytest.fixture
def page_cache_off(settings, warm):
    """A browser of a site with the page cache off: pages rendered each time."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0
    return Client()  # a new handler reads the setting afresh


def test_with_the_page_cache_off_the_profile_comes_from_the_fragment_cache(page_cache_off, warm):
    first = page_cache_off.get("/countries/mexico/")
    with CaptureQueriesContext(connection) as captured:
        again = page_cache_off.get("/countries/mexico/")
    # The version and the country row: no goals, themes or sources read again.
    assert len(captured) == 2, [query["sql"][:80] for query in captured]
    assert again.content == first.content


def test_an_edit_shows_through_the_fragment_cache(page_cache_off, admin_client, warm, canada):
    page_cache_off.get("/countries/canada/")
    page_cache_off.get("/es/countries/canada/")
    edit_country(admin_client, canada, vision="Rewritten for the fragment.")
    goal = canada.goals.get()
    goal.tags.add("brand-new-theme")
    for path in ("/countries/canada/", "/es/countries/canada/"):
        page = page_cache_off.get(path).content.decode()
        assert "Rewritten for the fragment." in page, path
        assert "brand-new-theme" in page, path


def test_a_source_edit_shows_through_the_fragment_cache(page_cache_off, warm):
    page_cache_off.get("/countries/canada/")
    citation = Citation.objects.get(key="canada-own-source")
    citation.title = "A title changed under the fragment"
    citation.save()
    assert "A title changed under the fragment" in main_text(
        page_cache_off.get("/countries/canada/")
    )


def test_the_fragment_cache_can_be_turned_off(page_cache_off, settings, warm):
    settings.FRAGMENT_CACHE_SECONDS = 0
    page_cache_off.get("/countries/mexico/")
    with CaptureQueriesContext(connection) as captured:
        page_cache_off.get("/countries/mexico/")
    assert len(captured) > 2


def test_another_address_of_the_site_gets_its_own_profile(page_cache_off, warm, settings):
    settings.ALLOWED_HOSTS = ["testserver", "atlas.example.org"]
    page = page_cache_off.get("/countries/mexico/", HTTP_HOST="atlas.example.org")
    assert 'content="http://atlas.example.org/countries/mexico/"' in page.content.decode()
    assert "http://testserver/countries/mexico/" not in page.content.decode()


# --- Another release never meets this one's copies --------------------------------


def test_validators_name_the_release(client, warm, settings):
    etag = client.get("/countries/mexico/")["ETag"]
    assert client.get("/countries/mexico/", headers={"If-None-Match": etag}).status_code == 304
    settings.RELEASE = "the-next-release"
    response = client.get("/countries/mexico/", headers={"If-None-Match": etag})
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_the_release_changes_with_any_template(tmp_path, monkeypatch):
    from config.release import release

    monkeypatch.delenv("DJANGO_RELEASE", raising=False)
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>one</p>")
    before = release(tmp_path)
    assert release(tmp_path) == before
    template.write_text("<p>two</p>")
    assert release(tmp_path) != before
    monkeypatch.setenv("DJANGO_RELEASE", "abc123")
    assert release(tmp_path) == "abc123"
