"""
Changing a published country safely: its working draft, review and schedule,
through the real admin, the public site, the API and the CSV.
"""

import datetime
import io
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from strategy import drafts, review
from strategy.models import Country
from strategy.revisions import compare_states

from .admin_forms import error_text, form_data, message_text, parse, publish_draft
from .factories import CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)


def backdate(country):
    """Date the country's last published change long ago, as the page cache is told."""
    from pagecache.versions import bump_content_version

    Country.objects.filter(pk=country.pk).update(last_published_change=LONG_AGO)
    bump_content_version(instance=country)  # a bulk update sends no signal


def change_url(country):
    return reverse("admin:strategy_country_change", args=[country.pk])


def draft_url(country):
    return reverse("admin:strategy_country_draft", args=[country.pk])


def public_views(client=None):
    """What the public gets: the page's text, the API's country, the goals CSV."""
    client = client or Client()
    page = parse(client.get("/countries/mexico/")).select_one("main").get_text(" ", strip=True)
    api = client.get("/api/countries/mexico/").json()
    csv = client.get("/api/goals.csv").content.decode()
    return page, api, csv


def edit_mexico(client, mexico, **changes):
    data = form_data(client.get(change_url(mexico)), "country_form")
    data.update(changes)
    response = client.post(change_url(mexico), data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    return response


@pytest.fixture
def managed(mexico, manager_user, editor_user):
    manager_user.email = "max@example.org"
    manager_user.save()
    editor_user.email = "ana@example.org"
    editor_user.save()
    backdate(mexico)
    mexico.refresh_from_db()
    return mexico


def test_an_editor_s_change_is_a_draft_until_a_manager_approves_it(
    managed, editor_client, manager_client
):
    mexico = managed
    before = public_views()
    revisions = Version.objects.get_for_object(mexico).count()

    response = edit_mexico(
        editor_client,
        mexico,
        vision="A sharper vision.[^british-embassy-mexico-city-2018]",
        change_summary="Vision sharpened.",
        **{"goals-0-title": "Digitise every small business"},
    )
    assert response["Location"] == draft_url(mexico)
    assert public_views() == before  # page, API and CSV unchanged
    mexico.refresh_from_db()
    assert mexico.last_published_change == LONG_AGO
    assert Version.objects.get_for_object(mexico).count() == revisions

    # The editor's preview at the public address shows the draft, never cached.
    preview = editor_client.get("/countries/mexico/")
    page = parse(preview)
    assert "A sharper vision." in page.get_text()
    assert "working draft" in page.select_one(".draft-banner").get_text()
    assert "no-store" in preview["Cache-Control"]
    # The form shows the draft too, with the note saying so.
    form = parse(editor_client.get(change_url(mexico)))
    assert form.find(id="working-draft-note") is not None
    assert form.find("textarea", attrs={"name": "vision"}).get_text().startswith("A sharper")

    # The draft page compares it with the published version, word by word.
    page = parse(editor_client.get(draft_url(mexico)))
    vision = page.select_one("#field-changes").get_text(" ")
    assert "sharper" in " ".join(ins.get_text() for ins in page.select("#field-changes ins"))
    assert "Vision" in vision
    changed_goal = page.select_one("#goal-changes li.changed")
    assert "Digitise every small business" in changed_goal.get_text()

    # Submitted with a comment; Country managers are told.
    response = editor_client.post(draft_url(mexico), {"step": "submit", "comment": "Please look."})
    assert response.status_code == HTTPStatus.FOUND
    assert [message.to for message in mail.outbox] == [["max@example.org"]]
    assert "Please look." in mail.outbox[0].body
    queue = parse(
        manager_client.get(reverse("admin:strategy_country_changelist") + "?changes=review")
    )
    assert [a.get_text() for a in queue.select("#result_list tbody th a")] == ["Mexico"]
    assert public_views() == before

    # Approved: the public sees it, as one new revision; "Last updated" moves.
    response = manager_client.post(draft_url(mexico), {"step": "publish", "comment": "Good."})
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    page, api, csv = public_views()
    assert "A sharper vision." in page and "Digitise every small business" in page
    assert "A sharper vision." in api["vision"]
    assert "Digitise every small business" in csv
    mexico.refresh_from_db()
    assert mexico.last_published_change.date() == timezone.now().date()
    versions = Version.objects.get_for_object(mexico).order_by("-pk")
    assert versions.count() == revisions + 2  # the submission, then the publication
    assert versions[0].revision.get_comment().startswith("Approved and published")
    assert "Vision sharpened." in versions[0].revision.get_comment()
    assert versions[0].revision.user.get_username() == "max"
    assert "Submitted for review" in versions[1].revision.get_comment()
    assert not Country.with_drafts.filter(draft_of=mexico).exists()
    assert mail.outbox[-1].to == ["ana@example.org"]


def test_sending_back_keeps_the_draft_and_tells_the_editor(managed, editor_client, manager_client):
    mexico = managed
    edit_mexico(editor_client, mexico, conclusion="A new conclusion.")
    editor_client.post(draft_url(mexico), {"step": "submit", "comment": ""})
    response = manager_client.post(draft_url(mexico), {"step": "send-back", "comment": ""})
    assert response.status_code == HTTPStatus.OK  # a comment is needed
    assert "This field is required" in parse(response).select_one("#step-send-back").get_text()
    manager_client.post(draft_url(mexico), {"step": "send-back", "comment": "Cite the decree."})
    draft = Country.with_drafts.get(draft_of=mexico)
    assert draft.review_state == Country.ReviewState.SENT_BACK
    assert mail.outbox[-1].to == ["ana@example.org"] and "Cite the decree." in mail.outbox[-1].body
    assert "Sent back" in Version.objects.get_for_object(mexico).order_by("-pk")[0].revision.comment
    assert "A new conclusion." not in public_views()[0]


def test_a_mail_server_that_is_down_does_not_undo_the_step(managed, editor_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    edit_mexico(editor_client, managed, conclusion="A new conclusion.")
    response = editor_client.post(draft_url(managed), {"step": "submit", "comment": ""})
    assert response.status_code == HTTPStatus.FOUND
    assert Country.with_drafts.get(draft_of=managed).review_state == "submitted"


def test_a_restore_of_a_published_country_goes_into_its_draft(managed, manager_client):
    mexico = managed
    edit_mexico(manager_client, mexico, vision="Second vision.")
    publish_draft(manager_client, mexico)
    first = Version.objects.get_for_object(mexico).order_by("pk").first()
    url = reverse("admin:strategy_country_revision", args=[mexico.pk, first.pk])
    original = Version.objects.get_for_object(mexico).order_by("pk")
    assert original.count() == 1
    edit_mexico(manager_client, mexico, vision="Third vision.")
    publish_draft(manager_client, mexico)
    response = manager_client.post(url, form_data(manager_client.get(url), "country_form"))
    assert response["Location"] == draft_url(mexico)
    assert "Third vision." in public_views()[0]
    assert Country.with_drafts.get(draft_of=mexico).vision == "Second vision."


def test_goals_of_a_published_country_are_not_changed_on_their_own_page(
    managed, editor_client, manager_client
):
    goal = managed.goals.get(position=1)
    url = reverse("admin:strategy_goal_change", args=[goal.pk])
    page = parse(editor_client.get(url))
    assert page.find("input", attrs={"name": "title"}) is None  # read only
    assert "is published" in message_text(editor_client.get(url))
    response = manager_client.post(
        reverse("admin:strategy_goal_delete", args=[goal.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    add = reverse("admin:strategy_goal_add")
    data = {"country": managed.pk, "position": 9, "title": "Sneaked in", "description": "x."}
    response = manager_client.post(add, data)
    assert response.status_code == HTTPStatus.OK
    assert "is published" in error_text(response)
    assert not managed.goals.filter(title="Sneaked in").exists()


def test_an_unpublished_country_takes_its_draft_s_changes(managed, manager_client):
    edit_mexico(manager_client, managed, vision="Drafted.")
    manager_client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "unpublish_selected", "_selected_action": [managed.pk]},
    )
    managed.refresh_from_db()
    assert not managed.is_published and managed.vision == "Drafted."
    assert not Country.with_drafts.filter(draft_of=managed).exists()


def test_crafted_review_posts_are_refused(managed, editor_client):
    edit_mexico(editor_client, managed, vision="Drafted.")
    for step in ("publish", "send-back", "schedule", "discard", "expiry"):
        response = editor_client.post(draft_url(managed), {"step": step, "comment": "x"})
        assert response.status_code == HTTPStatus.FORBIDDEN, step
    assert editor_client.post(draft_url(managed), {"step": "nonsense"}).status_code == 400
    assert (
        editor_client.get(reverse("admin:strategy_country_draft", args=["999999"])).status_code
        == 404
    )
    assert "Drafted." not in public_views()[0]


# Scheduled publishing, with the time given to it (no sleeping)


def schedule(client, country, when):
    response = client.post(
        draft_url(country),
        {"step": "schedule", "go_live_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == HTTPStatus.FOUND, error_text(response)


def test_a_scheduled_draft_goes_live_when_due_and_only_once(managed, manager_client):
    now = timezone.now()
    edit_mexico(manager_client, managed, vision="Scheduled vision.")
    schedule(manager_client, managed, now + datetime.timedelta(hours=2))
    assert review.publish_due(now) == []  # not yet
    assert "Scheduled vision." not in public_views()[0]
    later = now + datetime.timedelta(hours=3)
    assert review.publish_due(later) == [("Mexico", "published")]
    assert review.publish_due(later) == []  # idempotent: nothing twice
    assert "Scheduled vision." in public_views()[0]
    comments = [v.revision.comment for v in Version.objects.get_for_object(managed)]
    assert sum(comment.startswith("Published as scheduled") for comment in comments) == 1


def test_a_go_live_time_in_the_past_publishes_at_the_next_run(managed, manager_client):
    edit_mexico(manager_client, managed, vision="Overdue vision.")
    schedule(manager_client, managed, timezone.now() - datetime.timedelta(minutes=2))
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    assert out.getvalue() == "Mexico: published\n"
    assert "Overdue vision." in public_views()[0]


def test_a_new_country_can_be_scheduled_and_a_published_one_expires(manager_client, db):
    country = CountryFactory(name="Atlantis", slug="atlantis", status=Country.Status.DRAFT)
    GoalFactory(country=country, tags=["ocean"])
    now = timezone.now()
    schedule(manager_client, country, now + datetime.timedelta(minutes=1))
    assert Client().get("/countries/atlantis/").status_code == HTTPStatus.NOT_FOUND
    review.publish_due(now + datetime.timedelta(minutes=2))
    assert Client().get("/countries/atlantis/").status_code == HTTPStatus.OK
    expire = timezone.localtime(now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    manager_client.post(draft_url(country), {"step": "expiry", "expire_at": expire})
    review.publish_due(now + datetime.timedelta(days=2))
    assert Client().get("/countries/atlantis/").status_code == HTTPStatus.NOT_FOUND


def test_scheduling_refuses_what_is_not_ready_unless_waived(manager_client, db):
    country = CountryFactory(name="Atlantis", slug="atlantis", status="draft", region="")
    when = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    response = manager_client.post(draft_url(country), {"step": "schedule", "go_live_at": when})
    assert response.status_code == HTTPStatus.OK
    assert "no region" in parse(response).select_one("#step-schedule").get_text()
    response = manager_client.post(
        draft_url(country), {"step": "schedule", "go_live_at": when, "waive": "region"}
    )
    assert response.status_code == HTTPStatus.FOUND
    review.publish_due(timezone.now() + datetime.timedelta(minutes=1))
    country.refresh_from_db()
    assert country.is_published


# Comparisons: hypothesis-generated pairs of states


words = st.lists(st.sampled_from(["AI", "data", "skills", "health", "the", "new", "plan"]),
                 max_size=8).map(" ".join)  # fmt: skip
goal_state = st.fixed_dictionaries(
    {"position": st.integers(1, 20), "title": words, "title_suggested": st.booleans(),
     "description": words},
)  # fmt: skip
themes = st.sets(st.sampled_from(["ocean", "jobs", "health"]))
country_state = st.tuples(
    st.fixed_dictionaries(dict.fromkeys(drafts.CONTENT_FIELDS, words)),
    st.dictionaries(st.integers(1, 6), st.tuples(goal_state, themes), max_size=4),
)


def as_state(fields, goals):
    return fields, {k: g for k, (g, _) in goals.items()}, {k: t for k, (_, t) in goals.items()}


def apply_comparison(old, changes, goals, fields):
    """The newer state, rebuilt from the older one and the comparison alone."""
    labels = {label: name for name, label in fields}
    old_fields, old_goals, old_themes = old
    new_fields = dict(old_fields)
    for change in changes:
        new_fields[labels[change.label]] = change.new
    goal_labels = {"title": "title", "title only suggested": "title_suggested",
                   "description": "description"}  # fmt: skip
    new_goals, new_themes = {}, {}
    for goal in goals:
        if goal.kind == "removed":
            continue
        base = dict(old_goals.get(goal.key, {}))
        for change in goal.changes:
            name = goal_labels[change.label]
            base[name] = {"yes": True, "no": False}.get(change.new, change.new) if (
                name == "title_suggested") else change.new  # fmt: skip
        base.setdefault("title_suggested", False)
        base.setdefault("title", "")
        base.setdefault("description", "")
        base["position"] = goal.new_position
        new_goals[goal.key] = base
        new_themes[goal.key] = (old_themes.get(goal.key, set()) - set(goal.themes_removed)) | set(
            goal.themes_added
        )
    return new_fields, new_goals, new_themes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(country_state, country_state)
def test_a_comparison_applied_to_the_older_state_gives_the_newer(old, new):
    old, new = as_state(*old), as_state(*new)
    changes, goals = compare_states(old, new, fields=drafts.DRAFT_FIELDS)
    rebuilt = apply_comparison(old, changes, goals, drafts.DRAFT_FIELDS)
    assert rebuilt[0] == new[0]
    assert rebuilt[1] == new[1]
    assert rebuilt[2] == {key: new[2].get(key, set()) for key in new[1]}
    # Every word that changed is inside <ins> or <del>: taking out what was
    # added gives the old text, taking out what was removed gives the new one.
    for change in [*changes, *(c for goal in goals for c in goal.changes)]:
        html = str(change.html)
        assert _without(html, "ins", "del") == change.old
        assert _without(html, "del", "ins") == change.new


def _without(html, dropped, kept):
    """``html`` without the <dropped> pieces, and with the <kept> tags taken off."""
    import re

    html = re.sub(rf"<{dropped}>.*?</{dropped}>", "", html)
    return html.replace(f"<{kept}>", "").replace(f"</{kept}>", "")


def test_the_admin_index_lists_what_awaits_review_for_managers(
    managed, editor_client, manager_client
):
    edit_mexico(editor_client, managed, vision="Drafted.")
    assert parse(manager_client.get("/admin/")).select("#review-queue li") == []
    editor_client.post(draft_url(managed), {"step": "submit", "comment": ""})
    queue = parse(manager_client.get("/admin/")).select("#review-queue li a")
    assert [(a.get_text(), a["href"]) for a in queue] == [("Mexico", draft_url(managed))]
    assert parse(editor_client.get("/admin/")).select_one("#review-queue") is None


def test_a_draft_saved_after_review_or_schedule_must_be_submitted_again(
    managed, editor_client, manager_client
):
    edit_mexico(editor_client, managed, vision="Reviewed vision.")
    editor_client.post(draft_url(managed), {"step": "submit", "comment": ""})
    when = timezone.now() + datetime.timedelta(hours=1)
    schedule(manager_client, managed, when)
    response = edit_mexico(editor_client, managed, vision="Unreviewed vision.")
    assert "withdrawn" in message_text(editor_client.get(response["Location"]))
    draft = Country.with_drafts.get(draft_of=managed)
    assert draft.review_state == "" and draft.go_live_at is None
    assert review.publish_due(when + datetime.timedelta(hours=1)) == []
    assert "Unreviewed vision." not in public_views()[0]


def test_publishing_from_a_page_shown_before_the_draft_changed_is_refused(
    managed, editor_client, manager_client
):
    edit_mexico(editor_client, managed, vision="Seen vision.")
    page = parse(manager_client.get(draft_url(managed)))
    seen = page.select_one("#step-publish input[name=seen_version]")["value"]
    edit_mexico(editor_client, managed, vision="Unseen vision.")
    data = {"step": "publish", "comment": "", "seen_version": seen}
    response = manager_client.post(draft_url(managed), data)
    assert response.status_code == HTTPStatus.OK
    assert "saved again since" in parse(response).select_one("#step-publish").get_text()
    assert "Unseen vision." not in public_views()[0]


def test_after_a_conflict_on_the_first_draft_save_the_form_can_be_saved(
    managed, editor_client, manager_client
):
    first = form_data(editor_client.get(change_url(managed)), "country_form")
    second = form_data(manager_client.get(change_url(managed)), "country_form")
    editor_client.post(change_url(managed), {**first, "vision": "First."})
    refused = manager_client.post(change_url(managed), {**second, "conclusion": "Second."})
    assert "Not saved: this country was saved by Ana Ruiz (ana)" in error_text(refused)
    again = form_data(refused, "country_form")
    response = manager_client.post(change_url(managed), again)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    assert Country.with_drafts.get(draft_of=managed).conclusion == "Second."


def test_schedules_refuse_past_times_and_clashing_names(managed, manager_client):
    edit_mexico(manager_client, managed, name="Atlantis")
    CountryFactory(name="Atlantis", slug="atlantis")  # added since the draft was saved
    data = {"step": "schedule", "go_live_at": "2020-01-01T00:00"}
    response = manager_client.post(draft_url(managed), data)
    assert "in the past" in parse(response).select_one("#step-schedule").get_text()
    soon = timezone.localtime(timezone.now() + datetime.timedelta(hours=1))
    data["go_live_at"] = soon.strftime("%Y-%m-%dT%H:%M")
    response = manager_client.post(draft_url(managed), data)
    assert "already has this name" in parse(response).select_one("#step-schedule").get_text()
    assert Country.with_drafts.get(draft_of=managed).go_live_at is None
    response = manager_client.post(
        draft_url(managed), {"step": "expiry", "expire_at": "0001-01-01T00:00"}
    )
    assert "in the past" in parse(response).select_one("#step-expiry").get_text()
    managed.refresh_from_db()
    assert managed.expire_at is None


def test_the_draft_page_warns_when_the_published_version_changed_since(managed, manager_client):
    edit_mexico(manager_client, managed, vision="Drafted.")
    assert parse(manager_client.get(draft_url(managed))).find(id="published-changed") is None
    managed.refresh_from_db()
    managed.save()  # as an import or a theme merge does
    assert parse(manager_client.get(draft_url(managed))).find(id="published-changed")


def test_unpublishing_and_restoring_say_what_happens_to_the_working_draft(managed, manager_client):
    from reversion.models import Version

    edit_mexico(manager_client, managed, vision="Second vision.")
    publish_draft(manager_client, managed)
    edit_mexico(manager_client, managed, vision="Drafted.")
    version = Version.objects.get_for_object(managed).first()
    url = reverse("admin:strategy_country_revision", args=[managed.pk, version.pk])
    assert "replaces it" in message_text(manager_client.get(url))
    response = manager_client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "unpublish_selected", "_selected_action": [managed.pk]},
        follow=True,
    )
    assert "had a working draft" in message_text(response)


# Preview of the change form, without saving


def test_preview_shows_the_form_as_a_page_without_saving(managed, editor_client):
    data = form_data(editor_client.get(change_url(managed)), "country_form")
    form = parse(editor_client.get(change_url(managed)))
    button = form.find(id="preview-button")
    assert button["formaction"] == reverse("admin:strategy_country_preview")
    data["vision"] = "A previewed vision.[^secretaria-de-hacienda-2017]"
    data["goals-0-title"] = "A previewed goal"
    data["goals-0-tags"] = "brand-new-theme, economy"
    data["goals-1-DELETE"] = "on"
    response = editor_client.post(button["formaction"], data)
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    assert "Preview — not saved" in page.select_one(".draft-banner").get_text()
    assert "A previewed vision." in page.select_one(".vision").get_text()
    assert page.select_one(".vision sup.footnote-ref a")["aria-label"] == "Footnote 1"
    titles = [h3.get_text() for h3 in page.select("li.goal h3")]
    assert titles[0] == "A previewed goal" and len(titles) == managed.goals.count() - 1
    tags = page.select("li.goal")[0].select("ul.tags li")
    assert [tag.get_text() for tag in tags] == ["brand-new-theme", "economy"]
    assert tags[0].find("a") is None  # no theme page yet
    assert tags[1].find("a")["href"] == "/themes/economy/"
    assert page.select("#notes-heading")  # the sources are listed
    managed.refresh_from_db()
    assert "previewed" not in managed.vision
    assert not Country.with_drafts.filter(draft_of=managed).exists()  # nothing saved


def test_preview_refuses_what_no_form_sends(managed, editor_client, client):
    url = reverse("admin:strategy_country_preview")
    assert editor_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    bad = [
        {"goals-TOTAL_FORMS": "abc"},
        {"goals-TOTAL_FORMS": "100000"},
        {"vision": "x" * 10_001},
    ]
    for data in bad:
        assert editor_client.post(url, data).status_code == HTTPStatus.BAD_REQUEST, data
    response = client.post(url, {"vision": "x"})
    assert response.status_code == HTTPStatus.FOUND  # to the login page
    assert "login" in response["Location"]


def test_an_import_into_a_country_with_a_working_draft_is_refused(managed, manager_client):
    from django.core.management import CommandError

    from .helpers import SOURCE_DIR

    edit_mexico(manager_client, managed, vision="Drafted.")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_strategy", str(SOURCE_DIR / "mexico.md"), stdout=io.StringIO(), stderr=errors
        )
    assert "has a working draft" in errors.getvalue()
    assert Country.with_drafts.get(draft_of=managed).vision == "Drafted."


def test_a_goal_posted_with_a_country_that_is_no_id_is_refused_clearly(manager_client, db):
    response = manager_client.post(
        reverse("admin:strategy_goal_add"),
        {"country": "abc", "position": "1", "title": "T", "description": "D."},
    )
    assert response.status_code == HTTPStatus.OK
    assert "This field is required" in error_text(response)


def test_a_form_refused_after_its_draft_was_published_saves_the_second_time(
    managed, editor_client, manager_client
):
    edit_mexico(editor_client, managed, vision="First draft.")
    stale = form_data(editor_client.get(change_url(managed)), "country_form")
    publish_draft(manager_client, managed)  # the draft, and its goals, are gone
    stale["conclusion"] = "Typed on the old draft."
    stale["goals-0-title"] = "Retitled on the old draft"
    refused = editor_client.post(change_url(managed), stale)
    assert "Not saved" in error_text(refused)
    response = editor_client.post(change_url(managed), form_data(refused, "country_form"))
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    draft = Country.with_drafts.get(draft_of=managed)
    assert draft.conclusion == "Typed on the old draft."
    assert draft.goals.get(position=1).title == "Retitled on the old draft"


def test_a_refusal_is_a_styled_page(managed, editor_client):
    response = editor_client.post(draft_url(managed), {"step": "publish"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = parse(response)
    assert page.h1.get_text() == "Not allowed"
    assert page.find("a", string="admin's home page")["href"] == "/admin/"
