"""
What editors see of the sources' links in the admin: a column and a filter
in the citation list, the check and its history on each citation, the
access date a live check suggests (confirmed by an action, with a
revision), and the "Source health" report.
"""

import datetime
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from citations.models import Citation, LinkCheck, LinkEvent

from .admin_forms import logged_in, make_user, message_text, parse
from .factories import CitationFactory, CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db

Status = LinkCheck.Status
LIST = "/admin/citations/citation/"
HEALTH = "/admin/citations/citation/health/"


def checked(key, status, *, failed_days_ago=None, **fields):
    citation = CitationFactory(key=key, url=f"https://example.org/{key}")
    now = timezone.now()
    check = LinkCheck.objects.create(
        citation=citation,
        url=citation.url,
        status=status,
        checked_at=now,
        first_failed_at=now - timedelta(days=failed_days_ago) if failed_days_ago else None,
        **fields,
    )
    return citation, check


@pytest.fixture
def links(db):
    dead, _ = checked("dead", Status.BROKEN, failed_days_ago=3, http_status=404, reason="HTTP 404")
    gone, _ = checked(
        "gone-away",
        Status.UNREACHABLE,
        failed_days_ago=9,
        reason="could not connect",
        found_archive_url="https://web.archive.org/web/2019/https://example.org/gone-away",
    )
    flaky, _ = checked("flaky", Status.LIVE, failed_days_ago=1, reason="HTTP 500", http_status=500)
    checked("moved", Status.REDIRECTED, http_status=200, final_url="https://example.org/new-home")
    live, _ = checked(
        "fine", Status.LIVE, http_status=200, last_live_on=datetime.date(2026, 11, 30)
    )
    Citation.objects.filter(pk=live.pk).update(accessed_on=datetime.date(2019, 3, 5))
    CitationFactory(key="unchecked", url="https://example.org/unchecked")
    country = CountryFactory(
        name="Avalon",
        vision="A vision.[^dead]",
        conclusion="In short.[^gone-away][^dead]",
    )
    GoalFactory(country=country, position=2, title="Clinics online", description="Text.[^dead]")
    country.sync_citations()
    return {"dead": dead, "gone": gone, "flaky": flaky, "live": live}


def listed(client, **query):
    page = parse(client.get(LIST, query))
    rows = {}
    for tr in page.select("#result_list tbody tr"):
        key = tr.select_one("th a").get_text(strip=True)
        rows[key] = tr.select_one("td.field-link_health").get_text(strip=True)
    return rows


def test_the_list_shows_each_links_health_and_filters_the_broken_ones(editor_client, links):
    rows = listed(editor_client)
    assert rows["dead"] == "broken (HTTP 404)"
    assert rows["gone-away"] == "unreachable: could not connect"
    assert rows["moved"] == "redirected to https://example.org/new-home"
    assert rows["fine"] == "live"
    assert rows["unchecked"] == "never checked"
    assert rows["flaky"].startswith("live; failed once on")
    assert set(listed(editor_client, link="broken")) == {"dead", "gone-away"}
    assert set(listed(editor_client, link="failing")) == {"flaky"}
    assert set(listed(editor_client, link="never")) == {"unchecked"}
    assert set(listed(editor_client, link="redirected")) == {"moved"}


def test_a_citation_shows_its_check_and_history(editor_client, links):
    check = links["gone"].link
    LinkEvent.objects.create(
        link=check, at=timezone.now(), status=Status.UNREACHABLE, detail="could not connect"
    )
    page = parse(editor_client.get(f"{LIST}{links['gone'].pk}/change/"))
    report = page.select_one(".field-link_report .readonly").get_text(" ", strip=True)
    assert report.startswith("unreachable: could not connect (checked")
    assert "First seen failing" in report
    assert page.select_one(".field-link_report a")["href"] == check.found_archive_url
    history = page.select_one(".field-link_history .readonly").get_text(" ", strip=True)
    assert "unreachable: could not connect" in history
    # The editor's own archived copy is a field of the citation.
    assert page.select_one("input[name=archive_url]") is not None


def test_a_live_check_suggests_an_access_date_that_the_editor_confirms(editor_client, links):
    citation = links["live"]
    page = parse(editor_client.get(f"{LIST}{citation.pk}/change/"))
    report = page.select_one(".field-link_report .readonly").get_text(" ", strip=True)
    assert "Suggested access date: 30 November 2026" in report
    assert Citation.objects.get(pk=citation.pk).accessed_on == datetime.date(2019, 3, 5)
    response = editor_client.post(
        LIST,
        {"action": "confirm_access_dates", "_selected_action": [citation.pk, links["dead"].pk]},
        follow=True,
    )
    assert "Access date updated for 1: fine." in message_text(response)
    assert Citation.objects.get(pk=citation.pk).accessed_on == datetime.date(2026, 11, 30)
    latest = Version.objects.get_for_object(citation).first()
    assert latest.revision.comment == (
        "Access date set to 30 November 2026, when its link was found live."
    )
    assert latest.revision.user.username == "ana"
    # Nothing left to suggest.
    page = parse(editor_client.get(f"{LIST}{citation.pk}/change/"))
    assert "Suggested access date" not in page.select_one(".field-link_report").get_text()


def test_the_action_needs_the_right_to_change_citations(links):
    viewer = make_user("vera")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_citation"))
    client = logged_in(viewer)
    response = client.post(
        LIST, {"action": "confirm_access_dates", "_selected_action": [links["live"].pk]}
    )
    assert Citation.objects.get(pk=links["live"].pk).accessed_on == datetime.date(2019, 3, 5)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_the_source_health_report_puts_the_broken_ones_first(editor_client, links):
    page = parse(editor_client.get(LIST))
    assert page.find("a", string="Source health")["href"] == HEALTH
    response = editor_client.get(HEALTH)
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    counts = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in page.select("table.health-counts tbody tr")
    }
    assert counts["Broken"] == "1" and counts["Unreachable"] == "1"
    assert counts["Live"] == "1" and counts["Redirected"] == "1"
    assert counts["Failed once"] == "1" and counts["Not checked (with a reason)"] == "0"
    assert counts["Never checked"] == "1"
    sections = page.select("section.health-section")
    first = sections[0]
    assert first.h2.get_text(strip=True) == "Broken or unreachable (2)"
    keys = [tr.th.a.get_text(strip=True) for tr in first.select("tbody tr")]
    assert keys == ["gone-away", "dead"]  # the longest dead first
    dead_row = first.select("tbody tr")[1]
    assert dead_row.th.a["href"] == f"{LIST}{links['dead'].pk}/change/"
    cited = dead_row.select("td")[-1].get_text(" ", strip=True)
    assert cited == "Avalon : vision, goal 2 “Clinics online”, conclusion"
    archived = first.select("tbody tr")[0].select("td")[1]
    assert archived.a["href"] == links["gone"].link.found_archive_url
    assert sections[1].h2.get_text(strip=True) == "Failed once, to be checked again (1)"


def test_the_report_is_for_staff_who_may_see_citations(links):
    assert Client().get(HEALTH).status_code == HTTPStatus.FOUND  # to the login page
    nobody = logged_in(make_user("nemo"))
    assert nobody.get(HEALTH).status_code == HTTPStatus.FORBIDDEN
