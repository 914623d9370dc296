"""Two editors on one form: the second save is refused, and nothing either typed is lost."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from citations.models import Citation
from strategy.models import Country

from .admin_forms import (
    error_text,
    form_data,
    inline_index,
    logged_in,
    make_user,
    message_text,
    parse,
)

# Mexico is edited here as a country never published, directly; a published
# country's changes go through its working draft (test_working_drafts.py).
pytestmark = [pytest.mark.django_db, pytest.mark.mexico_as_draft]


@pytest.fixture
def alice(db):
    return logged_in(make_user("alice", group="Editors", full_name="Alice Moreno"))


@pytest.fixture
def bob(db):
    return logged_in(make_user("bob", group="Editors", full_name="Bob Tanaka"))


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def value(page, name):
    """The value a field shows in a re-rendered form."""
    field = page.find(["input", "textarea"], attrs={"name": name})
    return field.get_text() if field.name == "textarea" else field["value"]


def test_second_save_is_refused_and_keeps_what_was_typed(mexico, alice, bob):
    url = change_url(mexico)
    alice_data = form_data(alice.get(url), "country_form")
    bob_data = form_data(bob.get(url), "country_form")

    alice_data["vision"] = "Alice's vision."
    assert alice.post(url, alice_data).status_code == HTTPStatus.FOUND

    bob_data["conclusion"] = "Bob's conclusion."
    goal = inline_index(bob_data, "goals", "position", 2)
    bob_data[f"goals-{goal}-title"] = "Bob's goal title"
    bob_data[f"goals-{goal}-tags"] = "bob-theme"
    response = bob.post(url, bob_data)

    assert response.status_code == HTTPStatus.OK
    message = error_text(response)
    assert "Not saved: this country was saved by Alice Moreno (alice) on " in message
    assert "after you opened it" in message
    # When: the date of Alice's revision, as "4 March 2026 at 14:03 UTC".
    when = Version.objects.get_for_object(mexico).first().revision.date_created
    assert f"on {when:%-d %B %Y at %H:%M} UTC, after you opened it" in message
    page = parse(response)
    assert value(page, "conclusion") == "Bob's conclusion."
    assert value(page, f"goals-{goal}-title") == "Bob's goal title"
    assert value(page, f"goals-{goal}-tags") == "bob-theme"
    assert page.find("a", string="history")["href"] == reverse(
        "admin:strategy_country_history", args=[mexico.pk]
    )

    mexico.refresh_from_db()
    assert mexico.vision == "Alice's vision."
    assert mexico.conclusion != "Bob's conclusion."
    assert mexico.goals.get(position=2).title != "Bob's goal title"
    assert "bob-theme" not in mexico.goals.get(position=2).tags.names()

    # Bob reviews and saves the re-rendered form again, on purpose: it now
    # carries the current version, so his values replace Alice's.
    again = form_data(response, "country_form")
    response = bob.post(url, again)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    mexico.refresh_from_db()
    assert mexico.conclusion == "Bob's conclusion."
    assert mexico.goals.get(position=2).title == "Bob's goal title"


def test_an_unchanged_stale_form_is_refused_too(mexico, alice, bob):
    url = change_url(mexico)
    stale = form_data(bob.get(url), "country_form")
    data = form_data(alice.get(url), "country_form")
    data["vision"] = "Alice's vision."
    assert alice.post(url, data).status_code == HTTPStatus.FOUND

    response = bob.post(url, stale)
    assert response.status_code == HTTPStatus.OK
    assert "this country was saved by Alice Moreno (alice)" in error_text(response)
    mexico.refresh_from_db()
    assert mexico.vision == "Alice's vision."


def test_the_first_save_goes_through_and_the_next_form_is_fresh(mexico, alice):
    url = change_url(mexico)
    for vision in ("One.", "Two.", "Three."):
        data = form_data(alice.get(url), "country_form")
        data["vision"] = vision
        assert alice.post(url, data).status_code == HTTPStatus.FOUND, error_text(alice.get(url))
    mexico.refresh_from_db()
    assert mexico.vision == "Three."


def test_a_form_without_its_version_is_refused(mexico, alice):
    url = change_url(mexico)
    data = form_data(alice.get(url), "country_form")
    del data["loaded_version"]
    data["vision"] = "Sneaky."
    response = alice.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "does not say which version" in error_text(response)
    mexico.refresh_from_db()
    assert mexico.vision != "Sneaky."


def test_a_goal_saved_on_its_own_page_makes_open_country_forms_stale(mexico, alice, bob):
    url = change_url(mexico)
    bob_data = form_data(bob.get(url), "country_form")
    goal = mexico.goals.get(position=1)
    goal_url = change_url(goal)
    goal_data = form_data(alice.get(goal_url), "goal_form")
    goal_data["title"] = "Alice's goal"
    assert alice.post(goal_url, goal_data).status_code == HTTPStatus.FOUND

    response = bob.post(url, bob_data)  # still holds the old goal title
    assert response.status_code == HTTPStatus.OK
    assert "this country was saved by Alice Moreno (alice)" in error_text(response)
    assert mexico.goals.get(position=1).title == "Alice's goal"


def test_citation_conflict(mexico, alice, bob):
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = change_url(citation)
    alice_data = form_data(alice.get(url), "citation_form")
    bob_data = form_data(bob.get(url), "citation_form")
    alice_data["url"] = "https://example.org/alice.pdf"
    assert alice.post(url, alice_data).status_code == HTTPStatus.FOUND
    bob_data["publisher"] = "Bob's publisher"
    response = bob.post(url, bob_data)
    assert response.status_code == HTTPStatus.OK
    assert "this citation was saved by Alice Moreno (alice)" in error_text(response)
    assert value(parse(response), "publisher") == "Bob's publisher"
    citation.refresh_from_db()
    assert (citation.url, citation.publisher) == ("https://example.org/alice.pdf", "")


def test_a_country_deleted_meanwhile_is_reported(mexico, alice):
    url = change_url(mexico)
    data = form_data(alice.get(url), "country_form")
    Country.objects.filter(pk=mexico.pk).delete()
    response = alice.post(url, data, follow=True)
    # The admin says the country no longer exists; nothing is created.
    assert "doesn’t exist. Perhaps it was deleted?" in message_text(response)
    assert not Country.objects.exists()


def test_version_changes_on_every_save_and_never_repeats_after_a_restore(db):
    from .factories import CountryFactory

    country = CountryFactory()
    seen = {country.version}
    for _ in range(3):
        country.save()
        assert country.version not in seen
        seen.add(country.version)
    old = min(seen)
    Country.objects.filter(pk=country.pk).update(version=old)  # as a raw restore writes it
    country.refresh_from_db()
    country.save()
    assert country.version > max(seen - {old})


@pytest.mark.postgres
def test_the_version_is_read_under_a_row_lock_until_the_save_commits(mexico, alice):
    url = change_url(mexico)
    data = form_data(alice.get(url), "country_form")
    data["vision"] = "Locked in."
    with CaptureQueriesContext(connection) as captured:
        assert alice.post(url, data).status_code == HTTPStatus.FOUND
    locked = [q["sql"] for q in captured if q["sql"].rstrip().endswith("FOR UPDATE")]
    assert len(locked) == 1 and '"version"' in locked[0]
    # Taken before the country is written, in the same transaction.
    position = [q["sql"] for q in captured].index(locked[0])
    later = [q["sql"] for q in captured][position:]
    assert any(sql.startswith('UPDATE "strategy_country"') for sql in later)


def test_a_change_made_without_a_revision_is_reported_without_a_name(mexico, alice, bob):
    url = change_url(mexico)
    data = form_data(bob.get(url), "country_form")
    alice.post(url, {**form_data(alice.get(url), "country_form"), "vision": "Alice's."})
    later = timezone.now() + datetime.timedelta(hours=2)
    Country.objects.filter(pk=mexico.pk).update(updated_at=later, version=F("version") + 1)
    response = bob.post(url, data)
    assert "this country was saved by someone on " in error_text(response)
    assert "Alice" not in error_text(response)


def comparison(response):
    section = parse(response).find(id="conflict-comparison")
    assert section is not None, "no comparison on the refused form"
    return section


def test_the_conflict_message_leads_to_what_was_typed_against_what_was_saved(mexico, alice, bob):
    url = change_url(mexico)
    alice_data = form_data(alice.get(url), "country_form")
    bob_data = form_data(bob.get(url), "country_form")
    alice_data["vision"] = "Alice's vision."
    alice_data["goals-0-title"] = "Alice's goal"
    assert alice.post(url, alice_data).status_code == HTTPStatus.FOUND
    bob_data["conclusion"] = "Bob's conclusion."
    response = bob.post(url, bob_data)

    link = parse(response).find("a", string="Compare what you typed with what was saved")
    assert link["href"] == "#conflict-comparison"
    section = comparison(response)
    fields = dict(
        zip(
            [dt.get_text() for dt in section.select("#field-changes dt")],
            section.select("#field-changes dd"),
            strict=True,
        )
    )
    # Saved since (Alice): struck out; typed (Bob, from the older form): added.
    assert "Alice" in " ".join(d.get_text() for d in fields["Vision"].select("del"))
    assert "Bob" in " ".join(i.get_text() for i in fields["Conclusion"].select("ins"))
    goal = section.select_one("#goal-changes li.changed")
    assert "Alice" in " ".join(d.get_text() for d in goal.select("del"))


def test_a_citation_conflict_compares_too(mexico, alice, bob):
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = change_url(citation)
    alice_data = form_data(alice.get(url), "citation_form")
    bob_data = form_data(bob.get(url), "citation_form")
    alice_data["url"] = "https://example.org/alice.pdf"
    assert alice.post(url, alice_data).status_code == HTTPStatus.FOUND
    bob_data["publisher"] = "Bob's publisher"
    section = comparison(bob.post(url, bob_data))
    labels = [dt.get_text() for dt in section.select("#field-changes dt")]
    assert {"Publisher", "URL"} <= set(labels)
