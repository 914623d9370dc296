"""The public record of change: a country's change log and its citable versions."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from strategy.models import Country, PublishedVersion

from .admin_forms import error_text, form_data, parse, publish_draft
from .factories import CountryFactory

pytestmark = pytest.mark.django_db


def change_log(client, slug="mexico"):
    page = parse(client.get(f"/countries/{slug}/changes/"))
    return [li.get_text(" ", strip=True) for li in page.select(".change-log li")]


def edit(client, country, **changes):
    url = reverse("admin:strategy_country_change", args=[country.pk])
    data = form_data(client.get(url), "country_form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)


def test_each_published_change_is_a_version_and_drafts_never_show(mexico, manager_client):
    public = Client()
    assert len(change_log(public)) == 1  # as the fixture publishes it
    edit(manager_client, mexico, vision="A second vision.", change_summary="Vision rewritten.")
    log = change_log(public)
    assert len(log) == 1 and "Vision rewritten." not in " ".join(log)  # a draft: not there
    publish_draft(manager_client, mexico)
    log = change_log(public)
    assert len(log) == 2
    assert log[0].startswith("Version 2") and log[0].endswith("Vision rewritten.")
    assert "(current)" in log[0] and "First published." in log[1]

    # The country page links to the log from "Last updated".
    meta = parse(public.get("/countries/mexico/")).select_one(".profile-header .meta")
    assert meta.find("a", string="changes")["href"] == "/countries/mexico/changes/"

    # Version 1 shows the page as it was, with a banner leading to the current one.
    page = parse(public.get("/countries/mexico/versions/1/"))
    assert "A second vision." not in page.select_one(".vision").get_text()
    assert "The key vision" in page.select_one(".vision").get_text()
    banner = page.select_one(".version-banner")
    assert "Version 1" in banner.get_text() and "not the current one" in banner.get_text()
    assert banner.find("a", string="Read the current page")["href"] == "/countries/mexico/"
    assert [h3.get_text() for h3 in page.select("li.goal h3")] == [
        goal.title for goal in mexico.goals.order_by("position")
    ]
    current = parse(public.get("/countries/mexico/versions/2/"))
    assert "A second vision." in current.select_one(".vision").get_text()
    assert "not the current one" not in current.select_one(".version-banner").get_text()


def test_versions_keep_their_address_when_the_slug_changes(mexico, manager_client):
    edit(manager_client, mexico, slug="united-mexican-states")
    publish_draft(manager_client, mexico)
    response = Client().get("/countries/mexico/versions/1/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/countries/united-mexican-states/versions/1/"
    assert Client().get(response["Location"]).status_code == HTTPStatus.OK


def test_unknown_versions_and_unpublished_countries_are_not_found(mexico, manager_client):
    public = Client()
    for number in (0, 2, 99999999999999999999):
        assert public.get(f"/countries/mexico/versions/{number}/").status_code == 404
    CountryFactory(name="Atlantis", slug="atlantis", status=Country.Status.DRAFT)
    assert public.get("/countries/atlantis/changes/").status_code == 404
    manager_client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "unpublish_selected", "_selected_action": [mexico.pk]},
    )
    assert public.get("/countries/mexico/changes/").status_code == 404
    assert public.get("/countries/mexico/versions/1/").status_code == 404


def test_publishing_by_the_status_and_merging_themes_are_versions(mexico, manager_client):
    from taggit.models import Tag

    country = CountryFactory(name="Atlantis", slug="atlantis", status=Country.Status.DRAFT)
    edit(manager_client, country, status="published", waive_missing="on")
    assert list(country.versions.values_list("number", "summary")) == [(1, "First published.")]

    themes = list(Tag.objects.filter(goal__country=mexico).distinct().order_by("name")[:2])
    manager_client.post(
        reverse("admin:taggit_tag_changelist"),
        {
            "action": "merge_themes",
            "_selected_action": [theme.pk for theme in themes],
            "merge_into": themes[0].pk,
        },
    )
    latest = mexico.versions.first()
    assert (latest.number, latest.summary.startswith("Themes")) == (2, True)
    assert PublishedVersion.objects.count() == 3


def test_a_version_s_themes_merged_since_are_named_without_a_dead_link(mexico, manager_client):
    from taggit.models import Tag

    themes = list(Tag.objects.filter(goal__country=mexico).distinct().order_by("name")[:2])
    manager_client.post(
        reverse("admin:taggit_tag_changelist"),
        {
            "action": "merge_themes",
            "_selected_action": [theme.pk for theme in themes],
            "merge_into": themes[0].pk,
        },
    )
    page = parse(Client().get("/countries/mexico/versions/1/"))
    gone = [li for li in page.select("ul.tags li") if li.get_text() == themes[1].name]
    assert gone and all(li.find("a") is None for li in gone)
    response = Client().get("/countries/mexico/versions/01/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/countries/mexico/versions/1/"


def test_the_preview_takes_no_nul_and_no_strange_digits(mexico, editor_client):
    data = {
        "name": "N\x00N", "vision": "V", "goals-TOTAL_FORMS": "1",
        "goals-0-title": "T\x00T", "goals-0-position": "²", "goals-0-tags": "a\x00b",
    }  # fmt: skip
    response = editor_client.post(reverse("admin:strategy_country_preview"), data)
    assert response.status_code == HTTPStatus.OK
    assert b"\x00" not in response.content
