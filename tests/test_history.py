"""Revision history through the admin: every save recorded, restore and recover exact."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Revision, Version
from taggit.models import Tag, TaggedItem

from citations.models import Citation
from strategy.models import Country, Goal
from strategy.revisions import save_revision

from .admin_forms import (
    error_text,
    form_data,
    inline_index,
    logged_in,
    make_user,
    message_text,
    parse,
    publish_draft,
)
from .factories import CitationFactory, CountryFactory, GoalFactory

# These tests edit Mexico in the admin and restore its revisions as a country
# never published, edited directly; a published country's changes go through
# its working draft (test_working_drafts.py).
pytestmark = [pytest.mark.django_db, pytest.mark.mexico_as_draft]


COUNTRY_FIELDS = [
    "name",
    "slug",
    "iso_code",
    "region",
    "vision",
    "conclusion",
    "status",
    "published_at",
]


def snapshot(country):
    """Everything a restore must bring back: the country, its goals, their themes."""
    country = Country.objects.get(pk=country.pk)
    return {
        "country": {name: getattr(country, name) for name in COUNTRY_FIELDS},
        "goals": [
            (goal.pk, goal.position, goal.title, goal.description, sorted(goal.tags.names()))
            for goal in country.goals.order_by("position")
        ],
        "citations": sorted(country.citations.values_list("key", flat=True)),
    }


def change_url(country):
    return reverse("admin:strategy_country_change", args=[country.pk])


def save_change_form(client, country, edit):
    """Load the country's change form, let ``edit`` change the data, submit it."""
    data = form_data(client.get(change_url(country)), "country_form")
    edit(data)
    response = client.post(change_url(country), data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)


def revisions_of(country):
    return list(Version.objects.get_for_object(country).order_by("pk"))


def restore(client, country, version):
    url = reverse("admin:strategy_country_revision", args=[country.pk, version.pk])
    data = form_data(client.get(url), "country_form")
    return client.post(url, data)


def first_edit(data):
    data["vision"] = "First edited vision.[^british-embassy-mexico-city-2018]"
    index = inline_index(data, "goals", "position", 2)
    data[f"goals-{index}-title"] = "Automate routine work"
    data[f"goals-{index}-tags"] = "automation, jobs"


def second_edit(data):
    data["vision"] = "Second vision, without a source."
    data["vision_es"] = "Segunda visión, sin fuente."  # its translation cites none either
    data["conclusion"] = "A new conclusion.[^secretaria-de-hacienda-2017]"
    one = inline_index(data, "goals", "position", 1)
    two = inline_index(data, "goals", "position", 2)
    data[f"goals-{one}-position"], data[f"goals-{two}-position"] = "2", "1"  # swap
    data[f"goals-{two}-tags"] = "robots"
    three = inline_index(data, "goals", "position", 3)
    data[f"goals-{three}-DELETE"] = "on"
    total = int(data["goals-TOTAL_FORMS"])
    data.update(
        {
            f"goals-{total}-position": "4",
            f"goals-{total}-title": "A goal added later",
            f"goals-{total}-description": "New.",
            f"goals-{total}-tags": "later, health",
        }
    )
    data["goals-TOTAL_FORMS"] = str(total + 1)


def test_every_admin_save_is_a_revision_with_user_and_comment(mexico, editor_user):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    save_change_form(client, mexico, second_edit)
    revisions = [version.revision for version in revisions_of(mexico)]
    assert [revision.user for revision in revisions] == [editor_user, editor_user]
    assert "Changed Vision" in revisions[0].get_comment()
    # One revision holds the country, its goals and their themes.
    models = {v.content_type.model for v in revisions[1].version_set.all()}
    assert models == {"country", "goal", "taggeditem"}

    page = parse(client.get(reverse("admin:strategy_country_history", args=[mexico.pk])))
    rows = page.select("#change-history tbody tr")
    assert len(rows) == 2
    assert all("ana (Ana Ruiz)" in " ".join(row.get_text(" ").split()) for row in rows)


def test_restoring_the_first_revision_brings_back_country_goals_and_themes_exactly(
    mexico, editor_user
):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    first_state = snapshot(mexico)
    save_change_form(client, mexico, second_edit)
    assert snapshot(mexico) != first_state
    assert "later" in {tag.name for tag in TaggedItem.tags_for(Goal)}

    response = restore(client, mexico, revisions_of(mexico)[0])
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    assert snapshot(mexico) == first_state  # goals swapped back, deleted one back, added one gone
    assert not Goal.objects.filter(title="A goal added later").exists()
    # The restore is itself a revision, by the editor who restored.
    latest = revisions_of(mexico)[-1].revision
    assert latest.user == editor_user and "Reverted" in latest.get_comment()
    # The public page shows the restored text.
    page = parse(client.get("/countries/mexico/"))
    assert "First edited vision." in page.select_one(".vision").get_text()


def test_restore_resyncs_citations_with_the_restored_text(mexico, editor_user):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    cited_first = snapshot(mexico)["citations"]
    save_change_form(client, mexico, second_edit)
    assert snapshot(mexico)["citations"] != cited_first
    restore(client, mexico, revisions_of(mexico)[0])
    assert snapshot(mexico)["citations"] == cited_first


def test_looking_at_an_old_revision_changes_nothing(mexico, editor_user):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    save_change_form(client, mexico, second_edit)
    before = snapshot(mexico)
    version = revisions_of(mexico)[0]
    url = reverse("admin:strategy_country_revision", args=[mexico.pk, version.pk])
    page = parse(client.get(url))
    # The form shows the old revision ...
    assert page.find("textarea", attrs={"name": "vision"}).get_text().startswith("First edited")
    # ... and nothing was written: no goal left parked, nothing restored.
    assert snapshot(mexico) == before
    assert max(mexico.goals.values_list("position", flat=True)) < 100


def test_restore_refused_by_the_form_leaves_nothing_behind(mexico, editor_user):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    save_change_form(client, mexico, second_edit)
    before = snapshot(mexico)
    version = revisions_of(mexico)[0]
    url = reverse("admin:strategy_country_revision", args=[mexico.pk, version.pk])
    data = form_data(client.get(url), "country_form")
    data["vision"] = "Cites nothing known.[^no-such-source]"
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "[^no-such-source]" in error_text(response)
    assert snapshot(mexico) == before
    assert max(mexico.goals.values_list("position", flat=True)) < 100


def test_restore_never_changes_publication(mexico, editor_user, manager_user):
    """A revision saved while published does not republish a country unpublished since."""
    save_change_form(logged_in(editor_user), mexico, first_edit)  # saved while published
    manager_client = logged_in(manager_user)
    manager_client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "unpublish_selected", "_selected_action": [mexico.pk]},
    )
    mexico.refresh_from_db()
    assert mexico.status == Country.Status.DRAFT

    for client in (logged_in(editor_user), manager_client):
        response = restore(client, mexico, revisions_of(mexico)[0])
        assert response.status_code == HTTPStatus.FOUND, error_text(response)
        mexico.refresh_from_db()
        assert mexico.status == Country.Status.DRAFT
    assert client.get("/countries/mexico/").status_code == HTTPStatus.OK  # a preview
    assert logged_in(make_user("reader", staff=False)).get("/countries/mexico/").status_code == (
        HTTPStatus.NOT_FOUND
    )


@pytest.mark.published_mexico
def test_restoring_an_old_slug_keeps_the_newer_address_working(mexico, editor_user, manager_client):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    publish_draft(manager_client, mexico)
    save_change_form(client, mexico, lambda data: data.update(slug="united-mexican-states"))
    publish_draft(manager_client, mexico)
    response = restore(client, mexico, revisions_of(mexico)[0])
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    # Restored into the working draft: the public still has the newer address.
    assert response["Location"] == reverse("admin:strategy_country_draft", args=[mexico.pk])
    assert Client().get("/countries/united-mexican-states/").status_code == HTTPStatus.OK
    publish_draft(manager_client, mexico)
    assert Client().get("/countries/mexico/").status_code == HTTPStatus.OK
    response = Client().get("/countries/united-mexican-states/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/countries/mexico/"


def test_deleted_country_is_recovered_with_its_goals_and_themes_as_a_draft(
    mexico, editor_user, manager_user
):
    save_change_form(logged_in(editor_user), mexico, first_edit)
    before = snapshot(mexico)
    client = logged_in(manager_user)
    response = client.post(
        reverse("admin:strategy_country_delete", args=[mexico.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not Country.objects.exists() and not Goal.objects.exists()
    assert client.get("/countries/mexico/").status_code == HTTPStatus.NOT_FOUND

    recover_url = recover_link(client, "strategy_country", "Mexico")
    data = form_data(client.get(recover_url), "country_form")
    response = client.post(recover_url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)

    after = snapshot(mexico)
    # Everything is back; it returns as a draft, to be published again on purpose.
    assert after["country"]["status"] == Country.Status.DRAFT
    after["country"]["status"] = before["country"]["status"]
    assert after == before
    assert Client().get("/countries/mexico/").status_code == HTTPStatus.NOT_FOUND


def recover_link(client, model, name):
    """The link on the "Recover deleted …" page to the deleted object called ``name``."""
    page = parse(client.get(reverse(f"admin:{model}_recoverlist")))
    for row in page.select("#change-history tbody tr"):
        if name in row.td.get_text():
            return row.th.a["href"]
    raise AssertionError(f"{name} is not on the recover list")


def test_a_country_never_saved_in_the_admin_can_still_be_recovered(mexico, manager_user):
    assert not revisions_of(mexico)  # loaded by loaddata, no history yet
    client = logged_in(manager_user)
    client.post(reverse("admin:strategy_country_delete", args=[mexico.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Country).get()
    assert deleted.revision.user == manager_user and "Deleted" in deleted.revision.get_comment()
    url = reverse("admin:strategy_country_recover", args=[deleted.pk])
    response = client.post(url, form_data(client.get(url), "country_form"))
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    assert Country.objects.get(slug="mexico").goals.count() == 3


def test_goal_changed_or_deleted_on_its_own_page_is_in_the_country_history(mexico, editor_user):
    client = logged_in(editor_user)
    goal = mexico.goals.get(position=3)
    url = reverse("admin:strategy_goal_change", args=[goal.pk])
    data = form_data(client.get(url), "goal_form")
    data["title"] = "Better public services"
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    latest = revisions_of(mexico)[-1].revision
    assert latest.user == editor_user and "Better public services" in latest.get_comment()

    response = client.post(reverse("admin:strategy_goal_delete", args=[goal.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    comments = [version.revision.get_comment() for version in revisions_of(mexico)]
    assert comments[-2].startswith("Last state before goal")
    assert comments[-1] == "Deleted goal “Better public services”."
    response = restore(client, mexico, revisions_of(mexico)[-2])
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    assert mexico.goals.get(position=3).title == "Better public services"


def test_citation_history_and_restore(mexico, editor_user):
    client = logged_in(editor_user)
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    for title in ("Informe 2017, first correction", "Informe 2017, second correction"):
        data = form_data(client.get(url), "citation_form")
        data["title"] = title
        response = client.post(url, data)
        assert response.status_code == HTTPStatus.FOUND, error_text(response)
    first = Version.objects.get_for_object(citation).order_by("pk").first()
    revision_url = reverse("admin:citations_citation_revision", args=[citation.pk, first.pk])
    response = client.post(revision_url, form_data(client.get(revision_url), "citation_form"))
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    citation.refresh_from_db()
    assert citation.title == "Informe 2017, first correction"
    history = parse(client.get(reverse("admin:citations_citation_history", args=[citation.pk])))
    assert len(history.select("#change-history tbody tr")) == 3


def test_save_revision_records_a_country_with_goals_and_themes_as_one_revision(db):
    country = CountryFactory()
    GoalFactory(country=country, position=1, tags=["health", "skills"])
    GoalFactory(country=country, position=2, tags=["health"])
    user = make_user("importer")
    save_revision(country, user=user, comment="Imported from freedonia.md.")
    revision = Revision.objects.get()
    assert (revision.user, revision.comment) == (user, "Imported from freedonia.md.")
    counts = {}
    for version in revision.version_set.all():
        counts[version.content_type.model] = counts.get(version.content_type.model, 0) + 1
    assert counts == {"country": 1, "goal": 2, "taggeditem": 3}


def test_load_initial_content_starts_the_history(db):
    call_command("load_initial_content", verbosity=0)
    mexico = Country.objects.get(slug="mexico")
    (version,) = revisions_of(mexico)
    assert version.revision.comment == "Loaded from the mexico fixture."
    assert version.revision.version_set.filter(content_type__model="goal").count() == 3


def test_publishing_and_unpublishing_are_revisions(db, manager_user):
    country = CountryFactory(status=Country.Status.DRAFT)
    client = logged_in(manager_user)
    changelist = reverse("admin:strategy_country_changelist")
    for action in ("publish_selected", "unpublish_selected"):
        response = client.post(
            changelist, {"action": action, "_selected_action": [country.pk]}, follow=True
        )
        assert country.name in message_text(response)
    comments = [version.revision.comment for version in revisions_of(country)]
    assert comments == ["Published.", "Unpublished: back to draft."]
    assert {version.revision.user for version in revisions_of(country)} == {manager_user}


def test_recover_list_shows_deleted_citations_too(mexico, db):
    superuser = make_user("root", superuser=True)
    client = logged_in(superuser)
    citation = CitationFactory(key="unused-source")
    response = client.post(
        reverse("admin:citations_citation_delete", args=[citation.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FOUND
    url = recover_link(client, "citations_citation", "Report number")
    response = client.post(url, form_data(client.get(url), "citation_form"))
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    assert Citation.objects.filter(key="unused-source").exists()


def test_an_action_on_several_countries_makes_one_revision_each(db, manager_user):
    first, second = CountryFactory(status="draft"), CountryFactory(status="draft")
    logged_in(manager_user).post(
        reverse("admin:strategy_country_changelist"),
        {"action": "publish_selected", "_selected_action": [first.pk, second.pk]},
    )
    for country in (first, second):
        (version,) = revisions_of(country)
        assert version.revision.version_set.filter(content_type__model="country").count() == 1


def test_deleting_several_countries_keeps_each_recoverable_on_its_own(db, manager_user):
    first = CountryFactory(name="Aland", slug="aland")
    second = CountryFactory(name="Bland", slug="bland")
    client = logged_in(manager_user)
    response = client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not Country.objects.exists()
    url = recover_link(client, "strategy_country", "Aland")
    response = client.post(url, form_data(client.get(url), "country_form"))
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    assert list(Country.objects.values_list("slug", flat=True)) == ["aland"]


def test_a_revision_whose_theme_was_deleted_since_is_refused_clearly(mexico, editor_user):
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)  # goal 2 gets the new theme "jobs"
    save_change_form(client, mexico, second_edit)
    before = snapshot(mexico)
    jobs = Tag.objects.get(name="jobs")
    jobs_id = jobs.pk
    jobs.delete()  # a superuser deletes the theme everywhere
    version = revisions_of(mexico)[0]
    url = reverse("admin:strategy_country_revision", args=[mexico.pk, version.pk])
    for response in (client.get(url, follow=True), client.post(url, {}, follow=True)):
        message = message_text(response)
        assert "This revision cannot be restored" in message and f"ids {jobs_id})" in message
    assert snapshot(mexico) == before


def test_a_deleted_country_cannot_be_put_back_from_its_history_page(
    mexico, editor_user, manager_user
):
    """Putting back a deleted country is recovering: Country managers only, as a draft."""
    save_change_form(logged_in(editor_user), mexico, first_edit)
    version = revisions_of(mexico)[0]
    logged_in(manager_user).post(
        reverse("admin:strategy_country_delete", args=[mexico.pk]), {"post": "yes"}
    )
    url = reverse("admin:strategy_country_revision", args=[version.object_id, version.pk])
    response = logged_in(editor_user).post(url, {}, follow=True)
    assert "doesn’t exist. Perhaps it was deleted?" in message_text(response)
    assert not Country.objects.exists()


def test_moving_a_goal_to_another_country_is_in_both_histories(mexico, editor_user):
    other = CountryFactory(name="Freedonia", status=Country.Status.DRAFT)
    client = logged_in(editor_user)
    goal = mexico.goals.get(position=3)
    url = reverse("admin:strategy_goal_change", args=[goal.pk])
    data = form_data(client.get(url), "goal_form")
    data["country"] = str(other.pk)
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    assert "Moved goal" in revisions_of(mexico)[-1].revision.comment
    assert revisions_of(other)[-1].revision.comment.startswith("Changed goal")


def test_an_imported_country_can_go_back_to_its_first_revision(db, editor_user):
    """The import's revision holds the country and its goals, not the new citations."""
    from django.core.management import call_command

    from .helpers import SOURCE_DIR

    call_command("import_strategy", str(SOURCE_DIR / "mexico.md"), stdout=None)
    mexico = Country.objects.get(slug="mexico")
    first = revisions_of(mexico)[0]
    client = logged_in(editor_user)
    save_change_form(client, mexico, first_edit)
    response = restore(client, mexico, first)
    assert response.status_code == HTTPStatus.FOUND, message_text(client.get("/admin/"))
    mexico.refresh_from_db()
    assert mexico.vision.startswith("The key vision")


def test_an_import_that_changes_only_goals_warns_an_open_form(mexico, editor_user, tmp_path):
    """The country's edit version moves, so a form opened before the import is refused."""
    from django.core.management import call_command

    from .helpers import SOURCE_DIR

    client = logged_in(editor_user)
    url = change_url(mexico)
    data = form_data(client.get(url), "country_form")
    changed = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8").replace("72%", "73%")
    path = tmp_path / "mexico.md"
    path.write_text(changed, encoding="utf-8")
    call_command("import_strategy", str(path), stdout=None)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Not saved" in error_text(response)
    assert "73%" in mexico.goals.get(position=1).description
