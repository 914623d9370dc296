"""
Ready to publish: publishing a country lists what it lacks (region,
confirmed goal titles, a theme per goal, a language per source) and refuses
until each item is fixed or waived by a Country manager; the waiver is in
the history. Plus what the import fills in: the region from the ISO code.
"""

import csv
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from strategy import readiness
from strategy.models import Country
from strategy.regions import REGIONS_FILE, region_for

from .admin_forms import error_text, form_data, inline_index, logged_in, make_user, message_text
from .factories import CitationFactory, CountryFactory, GoalFactory
from .helpers import SOURCE_DIR, parse

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/strategy/country/"
IMPORT = "/admin/strategy/country/import/"


@pytest.fixture
def unready(db):
    """A draft lacking one of everything: region, a confirmed title, a theme, a language."""
    CitationFactory(key="plan-2024", language="")
    country = CountryFactory(
        name="Atlantis", slug="atlantis", status="draft", region="", vision="V.[^plan-2024]"
    )
    GoalFactory(country=country, position=1, title="In Atlantis the…", title_suggested=True)
    GoalFactory(country=country, position=2, title="Sunken cities", tags=["heritage"])
    country.sync_citations()
    return country


def codes(country):
    return [item.code for item in readiness.missing_for(country)]


def test_what_a_country_lacks(unready):
    assert codes(unready) == ["region", "title-1", "themes-1", "language-plan-2024"]
    assert [str(item) for item in readiness.missing_for(unready)] == [
        "no region",
        "goal 1: the title “In Atlantis the…” was made from its text and is not confirmed",
        "goal 1: no theme",
        "source [^plan-2024]: no language",
    ]


def latest_comment(country):
    return Version.objects.get_for_object(country).first().revision.get_comment()


# --- The publish action ------------------------------------------------------------------


def test_the_publish_action_lists_what_is_missing_before_publishing(unready, manager_client):
    ready = CountryFactory(name="Bermuda", slug="bermuda", status="draft")
    response = manager_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [unready.pk, ready.pk]}
    )
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    assert page.h1.get_text() == "Ready to publish?"
    items = [li.get_text(" ", strip=True) for li in page.select(f"#check-{unready.pk} li")]
    assert items == [
        "Waive: no region",
        "Waive: goal 1: the title “In Atlantis the…” was made from its text and is not confirmed",
        "Waive: goal 1: no theme",
        "Waive: source [^plan-2024]: no language",
    ]
    assert "Ready to publish." in page.select_one(f"#check-{ready.pk}").get_text()
    unready.refresh_from_db()
    ready.refresh_from_db()
    assert not unready.is_published and not ready.is_published  # nothing yet

    # Waiving only some: the ready country is published, the other stays a draft.
    form = page.select_one("#content-main form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    data["_selected_action"] = [unready.pk, ready.pk]
    data[f"waive-{unready.pk}"] = ["region", "themes-1"]
    response = manager_client.post(CHANGELIST, data, follow=True)
    text = message_text(response)
    assert "Published: Bermuda." in text
    assert "Left as drafts, as they lack what was not waived: Atlantis (goal 1: the title" in text
    unready.refresh_from_db()
    assert not unready.is_published

    # Waiving everything: published, the waiver written into its history by name.
    data[f"waive-{unready.pk}"] = codes(unready)
    response = manager_client.post(CHANGELIST, data, follow=True)
    unready.refresh_from_db()
    assert unready.is_published
    comment = latest_comment(unready)
    assert comment.startswith("Published. Published with what was missing waived: no region;")
    assert "source [^plan-2024]: no language" in comment
    version = Version.objects.get_for_object(unready).first()
    assert version.revision.user.username == "max"


def test_a_waiver_for_something_else_does_not_publish(unready, manager_client):
    manager_client.post(
        CHANGELIST,
        {
            "action": "publish_selected",
            "_selected_action": [unready.pk],
            "publish_checked": "1",
            f"waive-{unready.pk}": ["made-up", "region"],
        },
    )
    unready.refresh_from_db()
    assert not unready.is_published


def test_fixing_what_is_missing_lets_the_country_be_published(unready, manager_client):
    unready.region = Country.Region.EUROPE_CENTRAL_ASIA
    unready.save()
    goal = unready.goals.get(position=1)
    goal.title, goal.title_suggested = "Raise the islands", False
    goal.save()
    goal.tags.add("islands")
    unready.citations.update(language="en")
    response = manager_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [unready.pk]}, follow=True
    )
    assert "Published: Atlantis." in message_text(response)
    assert latest_comment(unready) == "Published."


def test_editors_cannot_publish_or_waive(unready, editor_client):
    response = editor_client.post(
        CHANGELIST,
        {
            "action": "publish_selected",
            "_selected_action": [unready.pk],
            "publish_checked": "1",
            f"waive-{unready.pk}": codes(unready),
        },
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    unready.refresh_from_db()
    assert not unready.is_published


# --- The status field -----------------------------------------------------------------


def change_url(country):
    return reverse("admin:strategy_country_change", args=[country.pk])


def test_the_status_field_refuses_with_the_list_and_takes_a_waiver(unready, manager_client):
    url = change_url(unready)
    data = form_data(manager_client.get(url), "country_form")
    data["status"] = "published"
    response = manager_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    errors = error_text(response)
    assert "Not ready to publish: no region; goal 1: the title" in errors
    assert "tick “Publish anyway” to waive them" in errors
    unready.refresh_from_db()
    assert not unready.is_published

    # Fixing some in the same save counts: the check reads the form as submitted.
    data = form_data(response, "country_form")
    data["region"] = "europe-central-asia"
    index = inline_index(data, "goals", "position", 1)
    data[f"goals-{index}-title"] = "Raise the islands"  # an editor's title is confirmed
    data[f"goals-{index}-tags"] = "islands"
    response = manager_client.post(url, data)
    errors = error_text(response)
    assert "Not ready to publish: source [^plan-2024]: no language." in errors
    assert "no region" not in errors and "goal 1" not in errors

    data = form_data(response, "country_form")
    data["waive_missing"] = "on"
    response = manager_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    unready.refresh_from_db()
    assert unready.is_published
    assert unready.region == "europe-central-asia"
    goal = unready.goals.get(position=1)
    assert (goal.title, goal.title_suggested) == ("Raise the islands", False)
    comment = latest_comment(unready)
    assert "Published with what was missing waived: source [^plan-2024]: no language." in comment


def test_editors_do_not_get_the_waiver(unready, editor_client):
    page = parse(editor_client.get(change_url(unready)))
    assert page.select_one("[name=waive_missing]") is None
    assert page.select_one("select[name=status]") is None


def test_saving_a_published_country_is_not_checked_again(mexico, manager_client):
    mexico.region = ""
    mexico.save()
    url = change_url(mexico)
    data = form_data(manager_client.get(url), "country_form")
    data["conclusion"] += " More."
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND


def test_a_suggested_title_is_confirmed_by_unticking_it(unready, manager_client):
    url = change_url(unready)
    data = form_data(manager_client.get(url), "country_form")
    index = inline_index(data, "goals", "position", 1)
    assert data[f"goals-{index}-title_suggested"] == "on"
    del data[f"goals-{index}-title_suggested"]
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND
    goal = unready.goals.get(position=1)
    assert (goal.title, goal.title_suggested) == ("In Atlantis the…", False)


# --- The import ------------------------------------------------------------------------


def upload(client, content=None, name="mexico.md", **extra):
    content = content or (SOURCE_DIR / "mexico.md").read_bytes()
    data = {"chapter": SimpleUploadedFile(name, content, content_type="text/markdown"), **extra}
    return client.post(IMPORT, data)


def preview_data(page):
    form = page.select_one("input[name=preview]").find_parent("form")
    data = {"preview": form.select_one("input[name=preview]")["value"]}
    for box in form.select("input[type=checkbox]"):
        if box.has_attr("checked"):
            data.setdefault(box["name"], []).append(box["value"])
    return data


def test_suggested_themes_are_shown_to_keep_or_drop(manager_client):
    from taggit.models import Tag

    for name in ("health", "education", "small business", "robotics"):
        Tag.objects.create(name=name)
    page = parse(upload(manager_client))
    boxes = {
        legend.get_text(strip=True): [
            (label.get_text(strip=True), label.input.has_attr("checked"))
            for label in legend.find_parent("fieldset").select("label")
        ]
        for legend in page.select("#import-themes legend")
    }
    assert list(boxes.values()) == [
        [("small business", True)],
        [("education", True), ("health", True)],
    ]
    assert next(iter(boxes)).startswith("Mexico, goal 1. In Mexico, micro, small")

    data = preview_data(page)
    data["themes-1-3"] = ["health"]  # "education" dropped
    data["themes-1-2"] = ["robotics"]  # never suggested: not given
    data["_confirm"] = "Import"
    assert manager_client.post(IMPORT, data).status_code == HTTPStatus.FOUND
    goals = Country.objects.get().goals.order_by("position")
    assert [sorted(goal.tags.names()) for goal in goals] == [["small business"], [], ["health"]]


def test_only_those_who_may_publish_can_import_as_published(db):
    user = make_user("adder")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["add_country", "view_country", "add_citation"])
    )
    client = logged_in(user)
    page = parse(client.get(IMPORT))
    assert page.select_one("[name=publish]") is None
    page = parse(upload(client, publish="on"))
    data = preview_data(page)
    data["waive_missing"] = "1"
    data["_confirm"] = "Import"
    client.post(IMPORT, data)
    assert Country.objects.get().status == Country.Status.DRAFT


def test_the_region_comes_from_the_iso_code():
    assert region_for("MX") == Country.Region.LATIN_AMERICA_CARIBBEAN
    assert region_for("de") == Country.Region.EUROPE_CENTRAL_ASIA
    assert region_for("ZZ") == region_for("") == ""
    with REGIONS_FILE.open(encoding="utf-8") as file:
        header = [line for line in file if line.startswith("#")]
        assert any("World Bank" in line for line in header)  # the source is named
    with REGIONS_FILE.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(line for line in file if not line.startswith("#")))
    assert len(rows) == 218
    assert {row["region"] for row in rows} == set(Country.Region.values)
    codes = [row["iso_code"] for row in rows]
    assert len(set(codes)) == len(codes)


def test_a_forged_publish_anyway_changes_nothing(mexico, editor_client, manager_client):
    before = Country.objects.get(pk=mexico.pk)
    for client in (editor_client, manager_client):  # may not publish; already published
        url = change_url(mexico)
        data = form_data(client.get(url), "country_form")
        data["waive_missing"] = "on"
        assert client.post(url, data).status_code == HTTPStatus.FOUND
    after = Country.objects.get(pk=mexico.pk)
    assert after.last_published_change == before.last_published_change
    assert (
        not Version.objects.get_for_object(mexico)
        .filter(revision__comment__icontains="anyway")
        .exists()
    )


def test_headed_goals_without_themes_get_suggestions(tmp_path):
    import io

    from django.core.management import call_command
    from taggit.models import Tag

    Tag.objects.create(name="education")
    chapter = tmp_path / "chile.md"
    chapter.write_text(
        "# Chile\n\nThe vision.\n\n## Skills\n\nMore education for all.\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("import_strategy", str(chapter), "--dry-run", stdout=out)
    assert "themes suggested: education" in out.getvalue()


def test_waive_missing_needs_publish():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="give --publish too"):
        call_command("import_strategy", str(SOURCE_DIR / "mexico.md"), "--waive-missing")
