"""Drafts: invisible on every public page and list, previewable by editors, published on purpose."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strategy.models import Country

from .admin_forms import (
    error_text,
    form_data,
    logged_in,
    make_user,
    message_text,
    parse,
    publish_draft,
)
from .factories import CountryFactory

pytestmark = pytest.mark.django_db


LISTS = [
    "/",
    "/countries/",
    "/countries/?region=latin-america-caribbean",
    "/countries/?theme=health",
    "/themes/",
    "/themes/health/",
    "/citations/",
    "/citations/british-embassy-mexico-city-2018/",
]
DRAFT_ONLY = ["/countries/atlantis/", "/themes/secret-theme/", "/citations/secret-source/"]


def visitors():
    yield "anonymous", Client()
    yield "signed-in reader", logged_in(make_user("reader", staff=False))
    yield "staff without rights", logged_in(make_user("staff"))


@pytest.mark.parametrize("url", LISTS)
def test_drafts_are_absent_from_every_list_even_for_editors(draft, editor_client, url):
    for _, client in [*visitors(), ("editor", editor_client)]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        page = parse(response)
        text = page.get_text()
        assert "Atlantis" not in text and "Hidden goal" not in text
        assert "Secret report" not in text and "secret-theme" not in text
        assert not page.select('a[href^="/countries/atlantis"]')
        client.logout()


@pytest.mark.parametrize("url", DRAFT_ONLY)
def test_draft_pages_are_not_found_for_the_public(draft, url):
    for who, client in visitors():
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, who


def test_editors_preview_a_draft_at_its_address_with_a_banner(draft, editor_client):
    response = editor_client.get("/countries/atlantis/")
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    banner = page.select_one("aside.draft-banner")
    assert banner.get_text(strip=True).startswith("Draft — not public.")
    assert page.h1.get_text() == "Atlantis"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}
    assert "Cookie" in response["Vary"]


def test_a_published_page_has_no_banner_and_no_private_cache_header(draft, editor_client):
    for client in (Client(), editor_client):
        response = client.get("/countries/mexico/")
        assert parse(response).select_one(".draft-banner") is None
        assert "no-store" not in response.get("Cache-Control", "")


def test_the_admin_view_on_site_link_leads_to_the_preview(draft, editor_client):
    page = parse(editor_client.get(reverse("admin:strategy_country_change", args=[draft.pk])))
    link = page.find("a", string="View on site")
    response = editor_client.get(link["href"], follow=True)
    assert response.redirect_chain[-1][0].endswith("/countries/atlantis/")
    assert parse(response).select_one(".draft-banner") is not None


# Publishing


def run_action(client, action, *countries):
    return client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": action, "_selected_action": [country.pk for country in countries]},
        follow=True,
    )


def test_publish_action_makes_drafts_public(draft, manager_client, mexico):
    response = run_action(manager_client, "publish_selected", draft, mexico)
    assert "Published: Atlantis." in message_text(response)
    assert "Already published, with no working draft to publish: Mexico." in message_text(response)
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    assert draft.last_published_change == draft.published_at
    assert Client().get("/countries/atlantis/").status_code == HTTPStatus.OK
    assert "Atlantis" in parse(Client().get("/countries/")).get_text()


def test_unpublish_action_hides_a_country_again(draft, manager_client, mexico):
    first_published = mexico.published_at
    response = run_action(manager_client, "unpublish_selected", mexico, draft)
    assert "Unpublished: Mexico." in message_text(response)
    assert "Already unpublished, left as they were: Atlantis." in message_text(response)
    mexico.refresh_from_db()
    assert mexico.status == Country.Status.DRAFT
    assert mexico.published_at == first_published  # "first published" is history
    assert Client().get("/countries/mexico/").status_code == HTTPStatus.NOT_FOUND
    assert "Mexico" not in parse(Client().get("/")).select_one("#countries-heading").parent.text


def test_new_countries_start_as_drafts(manager_client):
    data = form_data(manager_client.get(reverse("admin:strategy_country_add")), "country_form")
    assert data["status"] == Country.Status.DRAFT
    data.update(name="Newland", slug="newland", vision="New.")
    response = manager_client.post(reverse("admin:strategy_country_add"), data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    country = Country.objects.get(slug="newland")
    assert country.status == Country.Status.DRAFT
    assert country.published_at is None and country.last_published_change is None


# "Last updated": the date of the last change the public could see

LONG_AGO = datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)


def backdate(country):
    """Date the country's last published change long ago, as the page cache is told."""
    from pagecache.versions import bump_content_version

    Country.objects.filter(pk=country.pk).update(last_published_change=LONG_AGO)
    bump_content_version(instance=country)  # a bulk update sends no signal


def last_updated(client, slug):
    time = parse(client.get(f"/countries/{slug}/")).select_one(".profile-header .meta time")
    return None if time is None else time["datetime"][:10]


def edit(client, country, **changes):
    url = reverse("admin:strategy_country_change", args=[country.pk])
    data = form_data(client.get(url), "country_form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)


def test_last_updated_is_the_date_of_the_last_published_change(mexico, manager_client):
    backdate(mexico)
    today = timezone.now().date().isoformat()
    assert last_updated(Client(), "mexico") == "2020-01-02"

    edit(manager_client, mexico)  # saved without changing anything
    assert last_updated(Client(), "mexico") == "2020-01-02"

    run_action(manager_client, "unpublish_selected", mexico)
    edit(manager_client, mexico, vision="Work in progress.")  # a draft edit: not public
    mexico.refresh_from_db()
    assert mexico.last_published_change == LONG_AGO
    assert last_updated(manager_client, "mexico") == "2020-01-02"  # the preview says so too

    run_action(manager_client, "publish_selected", mexico)  # now the public sees the change
    assert last_updated(Client(), "mexico") == today

    backdate(mexico)
    edit(manager_client, mexico, conclusion="A corrected conclusion.")  # published: a working draft
    assert last_updated(Client(), "mexico") == "2020-01-02"
    publish_draft(manager_client, mexico)
    assert last_updated(Client(), "mexico") == today


def test_a_goal_change_counts_as_a_change_to_the_country(mexico, manager_client):
    backdate(mexico)
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(manager_client.get(url), "country_form")
    data["goals-0-title"] = "A sharper goal title"
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND
    assert last_updated(Client(), "mexico") == "2020-01-02"  # a working draft
    publish_draft(manager_client, mexico)
    assert last_updated(Client(), "mexico") == timezone.now().date().isoformat()


def test_home_page_recent_updates_follow_published_changes(mexico, draft):
    CountryFactory(name="Freedonia", slug="freedonia")  # saved after Mexico ...
    Country.objects.filter(slug="freedonia").update(  # ... but last changed in public before
        last_published_change=datetime.datetime(2017, 1, 1, tzinfo=datetime.UTC)
    )
    page = parse(Client().get("/"))
    recent = [a.get_text() for a in page.select_one("#recent-heading").parent.select("a")]
    assert recent == ["Mexico", "Freedonia"]


def test_a_draft_preview_s_sources_open_for_the_editor_and_nobody_else(draft, editor_client):
    preview = parse(editor_client.get("/countries/atlantis/"))
    about = [a["href"] for a in preview.select("a") if a["href"] == "/citations/secret-source/"]
    assert about, "the preview links to its source's page"
    response = editor_client.get(about[0])
    assert response.status_code == HTTPStatus.OK
    assert "Not public" in parse(response).select_one(".draft-banner").get_text()
    assert "no-store" in response["Cache-Control"]
    for _, client in visitors():
        assert client.get(about[0]).status_code == HTTPStatus.NOT_FOUND
    # A source the public sees has no banner, for the editor too.
    public = parse(editor_client.get("/citations/british-embassy-mexico-city-2018/"))
    assert public.select_one(".draft-banner") is None
