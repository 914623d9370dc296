"""Comparing two revisions of a country or a citation, in its history."""

import html
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from citations.models import Citation
from editing.diffs import word_diff
from strategy.revisions import save_revision

from .admin_forms import form_data, inline_index, logged_in, make_user, parse
from .factories import CountryFactory

# Mexico is edited here as a country never published, directly; a published
# country's changes go through its working draft (test_working_drafts.py).
pytestmark = [pytest.mark.django_db, pytest.mark.mexico_as_draft]

WORDS = st.lists(
    st.sampled_from(["AI", "data", "the", "of", " ", "  ", ",", ".", "<b>", "&", "é", "\n"]),
    max_size=30,
).map("".join)


def without(markup, tag):
    return re.sub(rf"<{tag}>.*?</{tag}>", "", markup, flags=re.S)


@settings(max_examples=300)
@given(WORDS, WORDS)
def test_a_word_diff_gives_back_both_texts_and_marks_every_change(old, new):
    markup = str(word_diff(old, new))
    # Without the insertions it reads as the old text; without the deletions, as the new.
    assert html.unescape(re.sub(r"</?del>", "", without(markup, "ins"))) == old
    assert html.unescape(re.sub(r"</?ins>", "", without(markup, "del"))) == new
    # Nothing else is markup: every "<" left is an escaped one.
    assert re.sub(r"</?(del|ins)>", "", markup).count("<") == 0


def history(client, country):
    return parse(client.get(reverse("admin:strategy_country_history", args=[country.pk])))


def compare_url(country, old, new):
    url = reverse("admin:strategy_country_compare", args=[country.pk])
    return f"{url}?from={old.pk}&to={new.pk}"


def test_a_country_s_revisions_compare_field_by_field_and_goal_by_goal(mexico, manager_client):
    save_revision(mexico, comment="As loaded.")
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(manager_client.get(url), "country_form")
    data["vision"] = data["vision"].replace("global leader", "world leader")
    first = inline_index(data, "goals", "position", 1)
    second = inline_index(data, "goals", "position", 2)
    third = inline_index(data, "goals", "position", 3)
    data[f"goals-{first}-position"], data[f"goals-{second}-position"] = "2", "1"  # swapped
    data[f"goals-{second}-title"] = "Automate routine work"
    data[f"goals-{first}-tags"] = data[f"goals-{first}-tags"] + ", entrepreneurship"
    data[f"goals-{third}-DELETE"] = "on"
    total = int(data["goals-TOTAL_FORMS"])
    data.update(
        {
            f"goals-{total}-position": "3",
            f"goals-{total}-title": "Open data",
            f"goals-{total}-description": "Publish the data.",
            f"goals-{total}-tags": "open data",
            "goals-TOTAL_FORMS": str(total + 1),
        }
    )
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND

    page = history(manager_client, mexico)
    link = page.find("a", string="Compare with the one before")
    assert link is not None
    response = manager_client.get(link["href"])
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    fields = {
        dt.get_text(strip=True): dt.find_next_sibling("dd")
        for dt in page.select("#field-changes dt")
    }
    assert list(fields) == ["Vision"]
    assert [d.get_text() for d in fields["Vision"].select("del")] == ["global"]
    assert [i.get_text() for i in fields["Vision"].select("ins")] == ["world"]

    goals = {
        item.select_one("h3").get_text(" ", strip=True): item
        for item in page.select("#goal-changes > li")
    }
    titles = list(goals)
    assert titles[0].startswith("Automate routine work (changed; moved from position 2 to 1)")
    assert titles[1].startswith("Digitise small businesses with Big Data, analytics and AI")
    assert "moved from position 1 to 2" in titles[1]
    assert titles[2] == "Open data (added as goal 3)"
    assert titles[3] == "Cheaper, more tailored public services (removed, was goal 3)"
    assert "Themes added: entrepreneurship" in goals[titles[1]].get_text()
    assert "Themes removed: education, health" in goals[titles[3]].get_text(" ")
    # Restore stays one click away from either revision.
    restore = [a["href"] for a in page.find_all("a", string="restore this revision")]
    assert len(restore) == 2 and all("/history/" in href for href in restore)


def test_any_two_revisions_compare_in_either_order(mexico, manager_client):
    save_revision(mexico, comment="One.")
    mexico.conclusion = "Two."
    mexico.save()
    save_revision(mexico, comment="Two.")
    mexico.conclusion = "Three."
    mexico.save()
    save_revision(mexico, comment="Three.")
    one, _, three = Version.objects.get_for_object(mexico).order_by("pk")
    page = parse(manager_client.get(compare_url(mexico, three, one)))  # reversed: still old → new
    conclusion = page.select_one("#field-changes dd")
    assert conclusion.select_one("ins").get_text() == "Three"  # the full stop is kept
    # The history's form chooses the pair.
    form = history(manager_client, mexico).select_one("#compare-form")
    assert {i["name"] for i in form.select("input[type=radio]")} == {"from", "to"}


def test_a_citation_s_revisions_compare(mexico, manager_client):
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    for title in ("Informe 2017", "Informe anual 2017"):
        data = form_data(manager_client.get(url), "citation_form")
        data["title"] = title
        assert manager_client.post(url, data).status_code == HTTPStatus.FOUND
    old, new = Version.objects.get_for_object(citation).order_by("pk")
    compare = reverse("admin:citations_citation_compare", args=[citation.pk])
    page = parse(manager_client.get(f"{compare}?from={old.pk}&to={new.pk}"))
    assert [dt.get_text(strip=True) for dt in page.select("#field-changes dt")] == ["Title"]
    assert page.select_one("#field-changes ins").get_text() == "anual "


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),  # to the login page
        ("staff-no-group", HTTPStatus.FORBIDDEN),
        ("Editors", HTTPStatus.OK),
        ("Country managers", HTTPStatus.OK),
        ("superuser", HTTPStatus.OK),
    ],
)
def test_who_may_compare(mexico, client, role, expected):
    save_revision(mexico, comment="One.")
    mexico.conclusion = "Two."
    mexico.save()
    save_revision(mexico, comment="Two.")
    old, new = Version.objects.get_for_object(mexico).order_by("pk")
    if role == "staff-no-group":
        client = logged_in(make_user("staff"))
    elif role == "superuser":
        client = logged_in(make_user("root", superuser=True))
    elif role != "anonymous":
        client = logged_in(make_user("someone", group=role))
    assert client.get(compare_url(mexico, old, new)).status_code == expected


def test_versions_of_another_object_or_malformed_ids_are_refused(mexico, manager_client):
    other = CountryFactory(name="Chile", slug="chile")
    save_revision(mexico, comment="Mexico.")
    save_revision(other, comment="Chile.")
    mine = Version.objects.get_for_object(mexico).get()
    theirs = Version.objects.get_for_object(other).get()
    assert manager_client.get(compare_url(mexico, mine, theirs)).status_code == 404
    assert manager_client.get(compare_url(mexico, mine, mine)).status_code == 404
    base = reverse("admin:strategy_country_compare", args=[mexico.pk])
    for query in ("", "?from=1", "?from=x&to=2", "?from=1&to=%00"):
        assert manager_client.get(base + query).status_code == HTTPStatus.BAD_REQUEST


def test_oversized_ids_and_forged_selections_are_bad_requests(mexico, manager_client):
    base = reverse("admin:strategy_country_compare", args=[mexico.pk])
    for query in ("?from=99999999999999999999999&to=1", "?from=٣&to=1", "?from= 1&to=2"):
        assert manager_client.get(base + query).status_code == HTTPStatus.BAD_REQUEST
    for url, action in (
        ("/admin/taggit/tag/", "merge_themes"),
        ("/admin/strategy/country/", "publish_selected"),
        ("/admin/strategy/goal/", "delete_selected"),
    ):
        for forged in ("abc", "9" * 30):
            response = manager_client.post(url, {"action": action, "_selected_action": [forged]})
            assert response.status_code == HTTPStatus.BAD_REQUEST, (url, forged)


def test_a_deleted_country_s_revisions_are_not_compared(mexico, manager_client):
    save_revision(mexico, comment="One.")
    save_revision(mexico, comment="Two.")
    old, new = Version.objects.get_for_object(mexico).order_by("pk")
    url = compare_url(mexico, old, new)
    mexico.goals.all().delete()
    mexico.citations.clear()
    mexico.delete()
    assert manager_client.get(url).status_code == 404


def test_a_goal_moved_between_countries_says_so(mexico, manager_client):
    chile = CountryFactory(name="Chile", slug="chile")
    save_revision(mexico, comment="Before.")
    save_revision(chile, comment="Before.")
    goal = mexico.goals.get(position=3)
    goal.country, goal.position = chile, 1
    goal.save()
    save_revision(mexico, comment="After.")
    save_revision(chile, comment="After.")
    for country, text in (
        (mexico, "moved to Chile, was goal 3"),
        (chile, "moved here from Mexico as goal 1"),
    ):
        old, new = Version.objects.get_for_object(country).order_by("pk")
        page = parse(manager_client.get(compare_url(country, old, new)))
        assert text in page.select_one("#goal-changes").get_text(" ")


def test_only_those_who_may_delete_themes_may_merge_them(mexico, editor_client, manager_client):
    from taggit.models import Tag

    ids = list(Tag.objects.order_by("pk").values_list("pk", flat=True)[:2])
    editor_client.post(
        "/admin/taggit/tag/",
        {"action": "merge_themes", "_selected_action": ids, "merge_into": ids[0]},
    )
    assert Tag.objects.filter(pk__in=ids).count() == 2
    manager_client.post(
        "/admin/taggit/tag/",
        {"action": "merge_themes", "_selected_action": ids, "merge_into": ids[0]},
    )
    assert Tag.objects.filter(pk__in=ids).count() == 1
