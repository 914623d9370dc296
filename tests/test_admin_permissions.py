"""
Who may do what: each role against each editorial action, through the real
admin views and the public site, cell by cell.

Every action is attempted with a request that would succeed for someone
allowed to do it (the form data comes from a superuser's page, as a crafted
POST would), and judged by its effect on the database or the page, not by
what the admin chooses to show.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from strategy import drafts
from strategy.models import Country
from strategy.revisions import save_revision

from .admin_forms import form_data, logged_in, make_user, parse
from .factories import CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db

# Y: allowed, -: refused. "publish"/"unpub": the changelist actions; "status":
# choosing "Published" in the change form's status field; "history": the
# country's history page; "restore": an earlier revision; "recover": a deleted
# country; "preview": a draft at its public address. "change" is saving a
# published country, which changes its working draft, never the public page.
# The review steps of a published country's working draft, on its draft page:
# "draftpage" (seeing it, with the comparison), "submit", "approve" (publish),
# "sendback", "schedule", "discard", and "goalpage" (changing a published
# country's goal on the goal's own page: refused to everyone, as it would
# bypass the draft).
MATRIX = """
role             view add change delete publish status unpub history restore recover preview
anonymous        -    -   -      -      -       -      -     -       -       -       -
staff-no-group   -    -   -      -      -       -      -     -       -       -       -
Editors          Y    -   Y      -      -       -      -     Y       Y       -       Y
Country-managers Y    Y   Y      Y      Y       Y      Y     Y       Y       Y       Y
superuser        Y    Y   Y      Y      Y       Y      Y     Y       Y       Y       Y
"""
REVIEW_MATRIX = """
role             draftpage submit approve sendback schedule discard goalpage formpreview themes
anonymous        -         -      -       -        -        -       -        -           -
staff-no-group   -         -      -       -        -        -       -        -           -
Editors          Y         Y      -       -        -        -       -        Y           Y
Country-managers Y         Y      Y       Y        Y        Y       -        Y           Y
superuser        Y         Y      Y       Y        Y        Y       -        Y           Y
"""


def parse_matrix(text):
    header, *rows = (line.split() for line in text.strip().splitlines())
    return {
        (row[0], action): cell == "Y"
        for row in rows
        for action, cell in zip(header[1:], row[1:], strict=True)
    }


EXPECTED = parse_matrix(MATRIX) | parse_matrix(REVIEW_MATRIX)
ROLES = list(dict.fromkeys(role for role, _ in EXPECTED))
ACTIONS = list(dict.fromkeys(action for _, action in EXPECTED))


@pytest.fixture
def world(db):
    """A draft with two revisions, a published country, and a deleted one to recover."""
    draft = CountryFactory(
        name="Atlantis",
        slug="atlantis",
        status=Country.Status.DRAFT,
        vision="First vision.",
        region=Country.Region.EUROPE_CENTRAL_ASIA,
    )
    GoalFactory(country=draft, position=1, title="Sunken cities", tags=["heritage"])
    save_revision(draft, comment="First.")
    draft.vision = "Second vision."
    draft.save()
    save_revision(draft, comment="Second.")
    published = CountryFactory(
        name="Freedonia",
        slug="freedonia",
        vision="Old vision.",
        region=Country.Region.NORTH_AMERICA,
    )
    GoalFactory(country=published, position=1, title="Free markets", tags=["trade"])
    working = drafts.open_draft(published)
    working.vision = "Drafted vision."
    working.draft_edited = True
    working.save()
    lost = CountryFactory(name="Lemuria", slug="lemuria")
    GoalFactory(country=lost, position=1, title="Lost goal")
    save_revision(lost, comment="Before deletion.")
    lost.delete()
    superuser = make_user("root", superuser=True)
    return {
        "draft": draft,
        "published": published,
        "admin": logged_in(superuser),
        "first_revision": Version.objects.get_for_object(draft).order_by("pk").first(),
        "lost_version": Version.objects.get_deleted(Country).get(),
    }


def client_for(role):
    if role == "anonymous":
        return Client()
    if role == "staff-no-group":
        return logged_in(make_user("staff"))
    if role == "superuser":
        return logged_in(make_user("boss", superuser=True))
    return logged_in(make_user(role.lower(), group=role.replace("-", " ")))


def change_url(country):
    return reverse("admin:strategy_country_change", args=[country.pk])


def refused(response):
    """The refusals an unauthorised request may get: sign in, forbidden, not found."""
    if response.status_code == HTTPStatus.FOUND:
        return response["Location"].startswith(reverse("admin:login"))
    return response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}


# Each action returns (allowed, response): allowed is read from its effect.


def view(client, world):
    response = client.get(change_url(world["draft"]))
    form = parse(response).find("form", id="country_form")
    return response.status_code == HTTPStatus.OK and form is not None, response


def add(client, world):
    data = form_data(world["admin"].get(reverse("admin:strategy_country_add")), "country_form")
    data.update(name="Newland", slug="newland", vision="A new vision.")
    response = client.post(reverse("admin:strategy_country_add"), data)
    return Country.objects.filter(slug="newland").exists(), response


def change(client, world):
    url = change_url(world["published"])
    data = form_data(world["admin"].get(url), "country_form")
    data["vision"] = "Changed vision."
    response = client.post(url, data)
    world["published"].refresh_from_db()
    assert world["published"].vision == "Old vision."  # never the public version
    return working_draft(world).vision == "Changed vision.", response


def working_draft(world):
    return Country.with_drafts.filter(draft_of=world["published"]).first()


def draft_page(world):
    return reverse("admin:strategy_country_draft", args=[world["published"].pk])


def draftpage(client, world):
    response = client.get(draft_page(world))
    comparison = parse(response).find(id="field-changes")
    return response.status_code == HTTPStatus.OK and comparison is not None, response


def submit(client, world):
    response = client.post(draft_page(world), {"step": "submit", "comment": "Please check."})
    return working_draft(world).review_state == Country.ReviewState.SUBMITTED, response


def approve(client, world):
    response = client.post(draft_page(world), {"step": "publish", "comment": ""})
    world["published"].refresh_from_db()
    return world["published"].vision == "Drafted vision.", response


def sendback(client, world):
    Country.with_drafts.filter(draft_of=world["published"]).update(
        review_state=Country.ReviewState.SUBMITTED
    )
    response = client.post(draft_page(world), {"step": "send-back", "comment": "Cite it."})
    return working_draft(world).review_state == Country.ReviewState.SENT_BACK, response


def schedule(client, world):
    data = {"step": "schedule", "go_live_at": "2030-01-01T09:00"}
    response = client.post(draft_page(world), data)
    return working_draft(world).go_live_at is not None, response


def discard(client, world):
    response = client.post(draft_page(world), {"step": "discard", "confirm": "on"})
    return working_draft(world) is None, response


def formpreview(client, world):
    url = reverse("admin:strategy_country_preview")
    data = {"name": "Freedonia", "slug": "freedonia", "vision": "Previewed vision."}
    response = client.post(url, data)
    shown = response.status_code == HTTPStatus.OK and b"Previewed vision." in response.content
    return shown, response


def themes(client, world):
    response = client.get(reverse("admin:taggit_tag_suggestions"), {"q": "her"})
    allowed = response.status_code == HTTPStatus.OK and response.json() == {"themes": ["heritage"]}
    return allowed, response


def goalpage(client, world):
    goal = world["published"].goals.get()
    url = reverse("admin:strategy_goal_change", args=[goal.pk])
    data = {
        "country": world["published"].pk, "position": 1, "title": "Changed on its page",
        "description": goal.description, "tags": "trade",
    }  # fmt: skip
    response = client.post(url, data)
    goal.refresh_from_db()
    return goal.title == "Changed on its page", response


def delete(client, world):
    url = reverse("admin:strategy_country_delete", args=[world["published"].pk])
    response = client.post(url, {"post": "yes"})
    return not Country.objects.filter(pk=world["published"].pk).exists(), response


def publish(client, world):
    response = client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "publish_selected", "_selected_action": [world["draft"].pk]},
    )
    world["draft"].refresh_from_db()
    return world["draft"].is_published, response


def publish_form(client, world):
    url = change_url(world["draft"])
    data = form_data(world["admin"].get(url), "country_form")
    data["status"] = Country.Status.PUBLISHED
    response = client.post(url, data)
    world["draft"].refresh_from_db()
    return world["draft"].is_published, response


def unpublish(client, world):
    response = client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "unpublish_selected", "_selected_action": [world["published"].pk]},
    )
    world["published"].refresh_from_db()
    return not world["published"].is_published, response


def history(client, world):
    response = client.get(reverse("admin:strategy_country_history", args=[world["draft"].pk]))
    table = parse(response).find("table", id="change-history")
    return response.status_code == HTTPStatus.OK and table is not None, response


def restore(client, world):
    version = world["first_revision"]
    url = reverse("admin:strategy_country_revision", args=[world["draft"].pk, version.pk])
    data = form_data(world["admin"].get(url), "country_form")
    response = client.post(url, data)
    world["draft"].refresh_from_db()
    return world["draft"].vision == "First vision.", response


def recover(client, world):
    url = reverse("admin:strategy_country_recover", args=[world["lost_version"].pk])
    data = form_data(world["admin"].get(url), "country_form")
    response = client.post(url, data)
    return Country.objects.filter(slug="lemuria").exists(), response


def preview(client, world):
    response = client.get("/countries/atlantis/")
    banner = parse(response).select_one(".draft-banner")
    allowed = response.status_code == HTTPStatus.OK and banner is not None
    return allowed, response


ACTION_FUNCTIONS = {
    "view": view,
    "add": add,
    "change": change,
    "delete": delete,
    "publish": publish,
    "status": publish_form,
    "unpub": unpublish,
    "history": history,
    "restore": restore,
    "recover": recover,
    "preview": preview,
    "draftpage": draftpage,
    "submit": submit,
    "approve": approve,
    "sendback": sendback,
    "schedule": schedule,
    "discard": discard,
    "goalpage": goalpage,
    "formpreview": formpreview,
    "themes": themes,
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, action):
    allowed, response = ACTION_FUNCTIONS[action](client_for(role), world)
    assert allowed == EXPECTED[role, action]
    if not allowed and action not in {"publish", "status", "unpub", "goalpage"}:
        # Refused outright (publishing as an editor is refused by the action
        # not being offered, or by the status field being read-only).
        assert refused(response), response.status_code
    if action == "preview" and not allowed:
        assert response.status_code == HTTPStatus.NOT_FOUND  # not 403: nothing disclosed


def test_editors_see_status_read_only_and_no_publish_actions(world):
    client = client_for("Editors")
    page = parse(client.get(change_url(world["draft"])))
    assert page.find("select", attrs={"name": "status"}) is None
    assert "Draft" in page.select_one(".field-status .readonly").get_text()
    changelist = parse(client.get(reverse("admin:strategy_country_changelist")))
    actions = {o["value"] for o in changelist.select("select[name=action] option") if o["value"]}
    assert actions == set()  # no delete, no publish, no unpublish


def test_managers_get_every_country_action(world):
    changelist = parse(
        client_for("Country-managers").get(reverse("admin:strategy_country_changelist"))
    )
    actions = {o["value"] for o in changelist.select("select[name=action] option") if o["value"]}
    assert actions == {"delete_selected", "publish_selected", "unpublish_selected"}


def test_editor_crafted_publish_saves_the_text_but_not_the_status(world):
    url = change_url(world["draft"])
    data = form_data(world["admin"].get(url), "country_form")
    data.update(status=Country.Status.PUBLISHED, vision="Edited by an editor.")
    response = client_for("Editors").post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    world["draft"].refresh_from_db()
    assert world["draft"].vision == "Edited by an editor."
    assert world["draft"].status == Country.Status.DRAFT
    assert Client().get("/countries/atlantis/").status_code == HTTPStatus.NOT_FOUND


def test_groups_have_exactly_the_documented_permissions(db):
    def permissions(name):
        group = Group.objects.get(name=name)
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }

    editors = {
        "strategy.view_country",
        "strategy.change_country",
        "strategy.view_goal",
        "strategy.change_goal",
        "strategy.add_goal",
        "strategy.delete_goal",
        "citations.view_citation",
        "citations.change_citation",
        "citations.add_citation",
        "taggit.view_tag",
        "taggit.change_tag",
    }
    assert permissions("Editors") == editors
    assert permissions("Country managers") == editors | {
        "strategy.add_country",
        "strategy.delete_country",
        "strategy.publish_country",
        "taggit.delete_tag",  # merging themes deletes the merged ones
    }
