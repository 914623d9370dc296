"""Public pages are cached, revalidated cheaply, and never stale after a change."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from citations.models import Citation

from . import admin_forms
from .helpers import parse

pytestmark = pytest.mark.django_db


def form_data(browser, url, form_id):
    """Every field of an admin change form as the browser would submit it."""
    return admin_forms.form_data(browser.get(url), form_id)


def country_text(client):
    return parse(client.get("/countries/mexico/")).find("main").get_text(" ")


def test_repeat_visit_is_served_from_the_cache_in_one_query(
    client, mexico, django_assert_num_queries
):
    first = client.get("/countries/mexico/")
    with django_assert_num_queries(1):
        second = client.get("/countries/mexico/")
    assert second.content == first.content


def test_conditional_get_answers_304_without_a_body(client, mexico, django_assert_max_num_queries):
    response = client.get("/countries/mexico/")
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert "must-revalidate" in response["Cache-Control"]

    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        with django_assert_max_num_queries(1):
            not_modified = client.get("/countries/mexico/", headers=headers)
        assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
        assert not_modified.content == b""


def test_a_change_makes_old_validators_fail(client, admin_client, mexico):
    etag = client.get("/countries/mexico/")["ETag"]
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    citation.title = "Renamed report"
    citation.save()
    response = client.get("/countries/mexico/", headers={"If-None-Match": etag})
    assert response.status_code == HTTPStatus.OK
    assert "Renamed report" in response.content.decode()


def test_editing_the_country_in_the_admin_shows_at_once(client, admin_client, mexico):
    assert "Brand new vision" not in country_text(client)
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(admin_client, url, "country_form")
    data["vision"] = "Brand new vision."
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert "Brand new vision" not in country_text(client)  # saved as the working draft
    admin_forms.publish_draft(admin_client, mexico)
    assert "Brand new vision" in country_text(client)


def test_editing_a_goal_inline_shows_at_once(client, admin_client, mexico):
    country_text(client)
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(admin_client, url, "country_form")
    data["goals-1-title"] = "Automate the boring parts"
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    admin_forms.publish_draft(admin_client, mexico)
    assert "Automate the boring parts" in country_text(client)


def test_reordering_goals_shows_at_once(client, admin_client, mexico):
    def titles():
        return [
            h3.get_text() for h3 in parse(client.get("/countries/mexico/")).select("li.goal h3")
        ]

    before = titles()
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(admin_client, url, "country_form")
    data["goals-0-position"], data["goals-2-position"] = "3", "1"
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert titles() == before
    admin_forms.publish_draft(admin_client, mexico)
    assert titles() == [before[2], before[1], before[0]]


def test_editing_a_citation_on_its_own_shows_on_every_page(client, admin_client, mexico):
    pages = ["/countries/mexico/", "/citations/", "/citations/secretaria-de-hacienda-2017/"]
    for page in pages:
        client.get(page)
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    data = form_data(admin_client, url, "citation_form")
    data["title"] = "Informe corregido"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")
    for page in pages:
        assert "Informe corregido" in client.get(page).content.decode(), page


def test_renaming_a_tag_shows_at_once(client, admin_client, mexico):
    pages = ["/countries/mexico/", "/themes/", "/"]
    for page in pages:
        client.get(page)
    tag = Tag.objects.get(slug="health")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    data = form_data(admin_client, url, "tag_form")
    data["name"] = "healthcare"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")
    for page in pages:
        assert ">healthcare<" in client.get(page).content.decode(), page


def test_deleting_a_country_removes_it_at_once(client, admin_client, mexico):
    assert client.get("/countries/mexico/").status_code == HTTPStatus.OK
    assert "Mexico" in client.get("/countries/").content.decode()
    url = reverse("admin:strategy_country_delete", args=[mexico.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert client.get("/countries/mexico/").status_code == HTTPStatus.NOT_FOUND
    assert "Mexico" not in parse(client.get("/countries/")).find("main").get_text()


def test_visitors_with_a_session_are_never_served_cached_pages(client, admin_client, mexico):
    client.get("/countries/mexico/")  # cached for anonymous visitors
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get("/countries/mexico/")
    assert response.status_code == HTTPStatus.OK
    assert len(captured) > 1  # rendered afresh, not from the public cache
    assert "ETag" not in response


def test_errors_are_not_cached(client, mexico):
    client.get("/countries/nowhere/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/countries/nowhere/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert len(captured) > 1


def test_page_cache_can_be_turned_off(client, mexico, settings):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0
    uncached = Client()  # a new handler reads the setting afresh
    uncached.get("/countries/mexico/")
    with CaptureQueriesContext(connection) as captured:
        response = uncached.get("/countries/mexico/")
    assert response.status_code == HTTPStatus.OK
    assert len(captured) > 1
    assert response["ETag"]


def test_importing_a_chapter_in_the_admin_shows_at_once(client, admin_client, mexico):
    from bs4 import BeautifulSoup
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import SOURCE_DIR

    assert "Updated from the new chapter" not in country_text(client)
    chapter = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8")
    chapter = chapter.replace(
        "Concluding, the Mexican Government",
        "Updated from the new chapter. Concluding, the Mexican Government",
    )
    url = reverse("admin:strategy_country_import")
    preview = admin_client.post(url, {"chapter": SimpleUploadedFile("mexico.md", chapter.encode())})
    form = (
        BeautifulSoup(preview.content, "html5lib")
        .select_one("input[name=preview]")
        .find_parent("form")
    )
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert "Updated from the new chapter" in country_text(client)


def test_publishing_and_unpublishing_show_at_once(client, admin_client, mexico):
    from .factories import CountryFactory

    draft = CountryFactory(name="Atlantis", slug="atlantis", status="draft")
    pages = ["/", "/countries/", "/api/countries/"]
    for page in pages:
        assert "Atlantis" not in client.get(page).content.decode()
    changelist = reverse("admin:strategy_country_changelist")
    for action, expected in (("publish_selected", True), ("unpublish_selected", False)):
        response = admin_client.post(changelist, {"action": action, "_selected_action": [draft.pk]})
        assert response.status_code == HTTPStatus.FOUND
        for page in pages:
            assert ("Atlantis" in client.get(page).content.decode()) is expected, (action, page)
        status = client.get("/countries/atlantis/").status_code
        assert status == (HTTPStatus.OK if expected else HTTPStatus.NOT_FOUND)


def test_restoring_a_revision_shows_at_once(client, admin_client, mexico):
    from reversion.models import Version

    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    for vision in ("First restorable vision.", "Second vision."):
        data = form_data(admin_client, url, "country_form")
        data["vision"] = vision
        assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
        admin_forms.publish_draft(admin_client, mexico)
    assert "Second vision." in country_text(client)
    first = Version.objects.get_for_object(mexico).order_by("pk")[0]
    revision_url = reverse("admin:strategy_country_revision", args=[mexico.pk, first.pk])
    response = admin_client.post(
        revision_url, form_data(admin_client, revision_url, "country_form")
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "First restorable vision." not in country_text(client)  # into the working draft
    admin_forms.publish_draft(admin_client, mexico)
    assert "First restorable vision." in country_text(client)


def test_a_draft_preview_is_never_cached_or_served_to_the_public(client, admin_client, mexico):
    from .factories import CountryFactory

    CountryFactory(name="Atlantis", slug="atlantis", status="draft", vision="Secret plans.")
    preview = admin_client.get("/countries/atlantis/")
    assert preview.status_code == HTTPStatus.OK
    assert "Draft" in parse(preview).get_text() and "no-store" in preview["Cache-Control"]
    response = client.get("/countries/atlantis/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Secret plans" not in response.content.decode()
    # The published page an admin_client sees is not what the public gets from the cache.
    admin_client.get("/countries/mexico/")
    assert "Draft" not in parse(client.get("/countries/mexico/")).find("main").get_text()


def test_unknown_query_parameters_are_served_the_cached_page(
    client, mexico, django_assert_num_queries
):
    """
    A parameter the page does not read (a tracking tag, junk) neither forces
    a render nor makes a cache entry of its own: it gets the cached page.
    """
    plain = client.get("/countries/mexico/")
    for url in ("/countries/mexico/?utm_source=spam", "/countries/mexico/?page=7&x=" + "x" * 300):
        with django_assert_num_queries(1):  # the content version only
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response.content == plain.content
    client.get("/countries/?region=south-asia&page=1")
    with django_assert_num_queries(1):  # the filters the site links to are cached
        client.get("/countries/?region=south-asia&page=1&utm_campaign=z")


def test_values_the_site_does_not_link_to_are_not_found_and_not_stored(client, mexico):
    urls = ["/countries/?region=" + "x" * 300, "/countries/?theme=nothing", "/citations/?page=9"]
    for url in urls:
        client.get(url)
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        # Rendered afresh (a stored page renders no template): nothing was stored for it.
        assert response.templates, url
