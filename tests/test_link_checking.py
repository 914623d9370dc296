"""
manage.py check_links against servers of the tests' own on 127.0.0.1: each
case ends in the right status, politely, by the two-check rule, with
archived copies from a fake of the Wayback Machine's availability API.
"""

import datetime
import io
import itertools
import statistics
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from citations import linkcheck
from citations.models import Citation, LinkCheck, LinkEvent
from pagecache.versions import current_content_version as current_version

from .factories import CitationFactory, CountryFactory
from .helpers import parse
from .linkservers import SaveRoutes, Server, ok, source_site, wayback_api

pytestmark = pytest.mark.django_db

DELAY = 0.05
TIMEOUT = 0.5

CASES = {
    # key: (path, status after two failed checks, or after one good one)
    "ok": ("/ok", LinkCheck.Status.LIVE),
    "moved": ("/moved", LinkCheck.Status.REDIRECTED),
    "gone-404": ("/gone-404", LinkCheck.Status.BROKEN),
    "gone-410": ("/gone-410", LinkCheck.Status.BROKEN),
    "error": ("/error", LinkCheck.Status.BROKEN),
    "slow": ("/slow", LinkCheck.Status.UNREACHABLE),
    "no-head": ("/no-head", LinkCheck.Status.LIVE),
    "busy": ("/busy", LinkCheck.Status.LIVE),
    "private": ("/private/report", LinkCheck.Status.NOT_CHECKED),
}


@pytest.fixture
def site():
    server = Server(source_site(slow_seconds=TIMEOUT * 3))
    yield server
    server.close()


@pytest.fixture
def archive():
    snapshots = {}
    server = Server(SaveRoutes(wayback_api(snapshots)))
    server.snapshots = snapshots
    yield server
    server.close()


@pytest.fixture(autouse=True)
def polite_and_quick(settings, archive):
    settings.LINK_CHECK_DELAY_SECONDS = DELAY
    settings.LINK_CHECK_TIMEOUT_SECONDS = TIMEOUT
    settings.LINK_CHECK_MAX_WAIT_SECONDS = 2
    settings.LINK_CHECK_INTERVAL_HOURS = 20
    settings.LINK_CHECK_CONTACT = "atlas-team@example.org"
    settings.LINK_CHECK_USER_AGENT = (
        "AIStrategyAtlas-LinkChecker/1.0 (+https://atlas.example.org; atlas-team@example.org)"
    )
    settings.WAYBACK_AVAILABILITY_URL = archive.url("/wayback/available")
    settings.WAYBACK_SAVE_URL = archive.url("/save/")


def cite(site, key, path, **fields):
    citation = CitationFactory(key=key, url=site.url(path), **fields)
    country = CountryFactory(vision=f"A vision.[^{key}]")
    country.sync_citations()
    return citation


def run(*args):
    out = io.StringIO()
    call_command("check_links", *args, stdout=out)
    return out.getvalue()


def status_of(key):
    return LinkCheck.objects.get(citation__key=key)


def age_checks(hours):
    """Move every check ``hours`` into the past, as if the last run was that long ago."""
    for check in LinkCheck.objects.all():
        check.checked_at -= timedelta(hours=hours)
        if check.first_failed_at:
            check.first_failed_at -= timedelta(hours=hours)
        check.save()


def test_each_case_ends_with_the_right_status(site):
    for key, (path, _) in CASES.items():
        cite(site, key, path)
    output = run()
    assert "[1/9]" in output and "[9/9]" in output
    # After one run, failures are only suspected: nothing is called broken yet.
    first = {key: status_of(key) for key in CASES}
    for key in ["gone-404", "gone-410", "error", "slow"]:
        assert first[key].status == LinkCheck.Status.NOT_CHECKED
        assert first[key].failing and first[key].first_failed_at is not None
    assert "4 failed once" in output
    age_checks(21)
    run()
    for key, (_, expected) in CASES.items():
        assert status_of(key).status == expected, key
    moved = status_of("moved")
    assert moved.final_url == site.url("/new-home") and moved.http_status == 200
    assert status_of("gone-404").http_status == 404
    assert status_of("gone-410").http_status == 410
    assert status_of("error").http_status == 500
    assert status_of("slow").reason == f"no answer within {TIMEOUT:g} s"
    assert status_of("private").reason == "robots.txt forbids checking it"
    assert status_of("gone-404").summary == "broken (HTTP 404)"
    assert status_of("moved").summary == f"redirected to {site.url('/new-home')}"


def test_the_checker_is_polite(site):
    for key, (path, _) in CASES.items():
        cite(site, key, path)
    run()
    # robots.txt first, and once; the page it forbids never asked for.
    assert site.paths()[0] == "/robots.txt" and site.paths().count("/robots.txt") == 1
    assert "/private/report" not in site.paths()
    # One request at a time, with the pause between them.
    assert site.most_in_flight == 1
    times = [at for at, *_ in site.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # The checker spaces the requests it sends; their arrival here jitters by a
    # few milliseconds on a busy machine, one gap shorter and the next longer.
    # Without the pause, every gap would be well under a millisecond.
    assert statistics.median(gaps) >= DELAY * 0.9
    assert min(gaps) >= DELAY * 0.5
    # HEAD first; GET only where HEAD was refused.
    assert site.paths("HEAD").count("/no-head") == 1 and site.paths("GET").count("/no-head") == 1
    assert "/ok" not in site.paths("GET")
    # The Retry-After of /busy was waited for (one second) and the link asked again.
    busy = [at for at, _, path, _ in site.requests if path == "/busy"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.9
    for _, _, _, headers in site.requests:
        assert headers["User-Agent"].startswith("AIStrategyAtlas-LinkChecker/1.0")
        assert "atlas-team@example.org" in headers["User-Agent"]


def test_a_long_retry_after_leaves_the_host_for_the_next_run(site):
    cite(site, "resting", "/resting")
    cite(site, "then-ok", "/ok")
    output = run()
    assert "resting: its server asked to wait 3600 s (Retry-After)" in output
    # Neither link has an outcome, and both are due on the next run; the
    # other link on that host was not asked for.
    for key in ["resting", "then-ok"]:
        assert status_of(key).checked_at is None
    assert "/ok" not in site.paths()
    assert "2 deferred" in output


@pytest.mark.parametrize(
    "header", [None, "soon", "1.5", "Wed, 21 Oct 2015 07:28:00 -0000", "\u00b2", "9" * 400]
)
def test_a_rate_limit_is_never_a_failure_whatever_its_retry_after(site, header):
    site.routes["/limited"] = lambda h, m: (429, {"Retry-After": header} if header else {}, b"")
    cite(site, "limited", "/limited")
    output = run()
    assert "1 deferred" in output
    check = status_of("limited")
    assert check.first_failed_at is None and check.checked_at is None


def test_checks_are_skipped_until_due_and_a_key_forces_one(site):
    cite(site, "ok", "/ok")
    run()
    asked = len(site.requests)
    assert "nothing was due" in run()
    assert len(site.requests) == asked
    run("--key", "ok")
    assert len(site.requests) > asked
    with pytest.raises(CommandError, match=r"no citation with the key “nope”"):
        run("--key", "nope")


def test_uncited_sources_are_checked_with_all(site):
    CitationFactory(key="uncited", url=site.url("/ok"))
    run()
    assert not LinkCheck.objects.filter(citation__key="uncited").exists()
    run("--all")
    assert status_of("uncited").status == LinkCheck.Status.LIVE


def test_a_link_that_recovers_is_not_called_broken(site):
    citation = cite(site, "flaky", "/gone-404")
    run()
    assert status_of("flaky").failing
    Citation.objects.filter(pk=citation.pk).update(url=site.url("/ok"))
    age_checks(21)
    run()
    check = status_of("flaky")
    assert check.status == LinkCheck.Status.LIVE and check.first_failed_at is None


def test_two_failures_close_together_are_not_enough(site):
    cite(site, "gone", "/gone-404")
    run()
    age_checks(2)
    run("--key", "gone")
    assert status_of("gone").failing and status_of("gone").status != LinkCheck.Status.BROKEN


def test_a_link_another_run_holds_is_left_alone(site):
    citation = cite(site, "held", "/ok")
    LinkCheck.objects.create(
        citation=citation,
        url=citation.url,
        leased_until=timezone.now() + timedelta(minutes=30),
        leased_by="another-server",
    )
    output = run()
    assert "1 skipped (another run is checking them)" in output and site.requests == []
    check = status_of("held")
    assert check.leased_by == "another-server"  # its lease is not ours to end
    assert check.checked_at is None


def test_leases_end_with_the_run(site):
    cite(site, "ok", "/ok")
    run()
    check = status_of("ok")
    assert check.leased_until is None and check.leased_by == ""


def test_history_records_each_change_of_status(site):
    cite(site, "gone", "/gone-404")
    run()
    age_checks(21)
    run()
    events = [(e.status, e.detail) for e in LinkEvent.objects.order_by("at", "pk")]
    assert events[0][1].startswith("failed (HTTP 404)")
    assert (LinkCheck.Status.BROKEN, "HTTP 404") in events


# --- Archived copies ----------------------------------------------------------------


def break_link(site, key, **fields):
    citation = cite(site, key, "/gone-404", **fields)
    run()
    age_checks(21)
    return citation


def test_a_dead_link_gets_the_snapshot_closest_to_its_access_date(site, archive):
    snapshot = "http://web.archive.org/web/20190305120000/" + site.url("/gone-404")
    archive.snapshots[site.url("/gone-404")] = ("20190305120000", snapshot)
    break_link(site, "gone", accessed_on=datetime.date(2019, 3, 5))
    output = run()
    check = status_of("gone")
    assert check.status == LinkCheck.Status.BROKEN
    assert check.found_archive_url == snapshot
    asked = [path for path in archive.paths() if path.startswith("/wayback/available")]
    assert len(asked) == 1 and "timestamp=20190305" in asked[0]
    assert "1 archived copies found" in output
    assert check.citation.shown_archive_url == snapshot


def test_an_editors_archive_url_is_kept_and_no_lookup_made(site, archive):
    mine = "https://web.archive.org/web/2018/https://example.org/report.pdf"
    break_link(site, "gone", archive_url=mine)
    run()
    assert [p for p in archive.paths() if "available" in p] == []
    assert Citation.objects.get(key="gone").shown_archive_url == mine


def test_no_snapshot_means_no_archived_copy(site, archive):
    break_link(site, "gone")
    run()
    assert status_of("gone").found_archive_url == ""
    assert Citation.objects.get(key="gone").shown_archive_url == ""


def test_a_down_archive_is_noted_and_the_check_kept(site, archive, settings):
    settings.WAYBACK_AVAILABILITY_URL = "http://127.0.0.1:9/wayback/available"  # nothing there
    break_link(site, "gone")
    output = run()
    assert status_of("gone").status == LinkCheck.Status.BROKEN
    assert "1 archive lookup failed" in output
    assert LinkEvent.objects.filter(detail__startswith="archive lookup failed").exists()


def test_save_asks_the_archive_to_capture_live_links_without_a_copy(site, archive):
    cite(site, "ok", "/ok")
    output = run("--save")
    saved = [path for path in archive.paths() if path.startswith("/save/")]
    assert saved == ["/save/" + site.url("/ok")]
    assert "1 archive asked to save" in output


# --- What visitors see --------------------------------------------------------------


def test_visitors_see_the_archived_copy_of_a_dead_source_and_nothing_for_live_ones(
    client, site, archive
):
    snapshot = "http://web.archive.org/web/20190305120000/" + site.url("/gone-404")
    archive.snapshots[site.url("/gone-404")] = ("20190305120000", snapshot)
    dead = cite(site, "gone", "/gone-404", accessed_on=datetime.date(2019, 3, 5))
    live = cite(site, "ok", "/ok")
    run()
    page = parse(client.get(dead.get_absolute_url()))
    assert page.select(".link-dead") == []  # one failure is not enough
    country_url = dead.countries.get().get_absolute_url()
    assert client.get(country_url).status_code == 200  # cached, under the country's version
    before = current_version()
    age_checks(21)
    run()
    assert current_version() != before  # the cached pages that show it are stale now
    page = parse(client.get(dead.get_absolute_url()))
    reference = page.select_one(".reference")
    assert "[Accessed 5 March 2019]" in reference.get_text()
    note = reference.select_one(".link-dead")
    found_on = status_of("gone").first_failed_at.date()
    assert note.get_text(" ", strip=True) == (
        f"The link no longer works (found broken on {found_on.day} {found_on:%B} "
        f"{found_on.year}): read the archived copy ."
    )
    assert note.a["href"] == snapshot
    country_page = parse(client.get(country_url))
    assert country_page.select_one(".notes .archive-link")["href"] == snapshot
    live_page = parse(client.get(live.get_absolute_url()))
    assert live_page.select(".link-dead") == [] and live_page.select(".archive-link") == []


def test_a_check_that_changes_nothing_shown_leaves_the_cache_alone(site):
    cite(site, "ok", "/ok")
    cite(site, "gone", "/gone-404")
    before = current_version()
    run()
    assert current_version() == before


# --- Nothing leaves the machine -----------------------------------------------------


def test_the_checker_refuses_to_run_with_an_address_outside_loopback(site):
    cite(site, "ok", "/ok")
    CitationFactory(key="outside", url="https://example.org/report.pdf")
    with pytest.raises(CommandError, match=r"example\.org is not a loopback address"):
        run("--all")
    assert site.requests == [] and not LinkCheck.objects.exists()


def test_the_checker_refuses_an_archive_outside_loopback(site, settings):
    settings.WAYBACK_AVAILABILITY_URL = "https://archive.org/wayback/available"
    cite(site, "ok", "/ok")
    with pytest.raises(CommandError, match=r"archive\.org is not a loopback address"):
        run()
    assert site.requests == []


def test_a_redirect_out_of_loopback_is_not_followed(site):
    cite(site, "leaves", "/leaves")
    run()
    check = status_of("leaves")
    assert check.status == LinkCheck.Status.NOT_CHECKED
    assert check.reason == "example.com is not a loopback address"


def test_outside_the_tests_private_addresses_are_refused(settings):
    settings.LINK_CHECK_LOOPBACK_ONLY = False
    assert linkcheck.address_problem("http://127.0.0.1:8000/") == (
        "127.0.0.1 is a private or local network address"
    )
    assert "private" in linkcheck.address_problem("http://10.0.0.5/report")
    assert "private" in linkcheck.address_problem("http://169.254.169.254/latest/meta-data")
    assert linkcheck.address_problem("http://[::1]/") != ""


def test_robots_txt_is_followed_through_redirects_and_read_up_to_500_kb(site):
    site.routes["/robots.txt"] = lambda h, m: (301, {"Location": "/robots-moved.txt"}, b"")
    padding = b"# " + b"x" * 600_000 + b"\n"
    site.routes["/robots-moved.txt"] = lambda h, m: (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n" + padding + b"Disallow: /ok\n",
    )
    cite(site, "private", "/private/report")
    cite(site, "ok", "/ok")
    run()
    assert status_of("private").reason == "robots.txt forbids checking it"
    # The rule past the first 500 KB is not read: /ok is checked.
    assert status_of("ok").status == LinkCheck.Status.LIVE
    assert site.paths()[:2] == ["/robots.txt", "/robots-moved.txt"]


# --- Servers that misbehave -----------------------------------------------------------


def test_a_redirect_to_no_web_address_is_not_checked_and_the_run_goes_on(site):
    site.routes["/to-script"] = lambda h, m: (302, {"Location": "javascript:alert(1)"}, b"")
    cite(site, "to-script", "/to-script")
    cite(site, "ok", "/ok")
    run()
    assert status_of("to-script").status == LinkCheck.Status.NOT_CHECKED
    assert status_of("to-script").reason.startswith(("the address cannot", "could not be checked"))
    assert status_of("ok").status == LinkCheck.Status.LIVE


@pytest.mark.parametrize("rule", ["Crawl-delay: \u00b2", "Request-rate: \u00b2/\u00b3"])
def test_robots_rules_python_cannot_read_allow_everything(site, rule):
    site.routes["/robots.txt"] = lambda h, m: (
        200,
        {"Content-Type": "text/plain; charset=utf-8"},
        f"User-agent: *\n{rule}\nDisallow: /private/\n".encode(),
    )
    cite(site, "ok", "/ok")
    run()
    assert status_of("ok").status == LinkCheck.Status.LIVE


def test_an_overlong_final_address_is_kept_short(site):
    long_path = "/new-home?" + "x" * 3000
    site.routes["/far"] = lambda h, m: (301, {"Location": long_path}, b"")
    cite(site, "far", "/far")
    run()
    check = status_of("far")
    assert check.status == LinkCheck.Status.REDIRECTED and len(check.final_url) == 1000


def test_a_server_that_never_finishes_answering_does_not_hold_the_run(site, settings):
    def drip(handler, method):
        for _ in range(40):
            handler.wfile.write(b"")  # the status line never comes
            time.sleep(0.25)
        return ok(handler, method)

    other = Server({"/robots.txt": drip})
    try:
        settings.LINK_CHECK_LEASE_MINUTES = 0.03  # the run stops at 90 %: about 1.6 s
        settings.LINK_CHECK_TIMEOUT_SECONDS = 30
        cite(site, "ok", "/ok")
        CitationFactory(key="stuck", url=other.url("/report"))
        started = time.monotonic()
        output = run("--all")
        assert time.monotonic() - started < 8
        assert "1 unfinished at the run's deadline" in output
        assert status_of("ok").status == LinkCheck.Status.LIVE
        assert status_of("stuck").leased_until is None  # released for the next run
    finally:
        other.close()


# --- The address changes --------------------------------------------------------------


def test_an_edited_address_starts_afresh(client, site, archive):
    snapshot = "http://web.archive.org/web/2019/" + site.url("/gone-404")
    archive.snapshots[site.url("/gone-404")] = ("20190305120000", snapshot)
    citation = break_link(site, "moving")
    run()
    assert Citation.objects.get(key="moving").shown_archive_url == snapshot
    # The editor puts the new address in: nothing of the old one is shown any more.
    citation.refresh_from_db()
    citation.url = site.url("/gone-410")
    citation.save()
    page = parse(client.get(citation.get_absolute_url()))
    assert page.select(".link-dead") == []
    run("--key", "moving")
    check = status_of("moving")
    assert check.url == site.url("/gone-410")
    # One failure of the new address is one failure, whatever the old one did.
    assert check.failing and check.status == LinkCheck.Status.NOT_CHECKED
    assert check.found_archive_url == ""
    assert LinkEvent.objects.filter(detail__startswith="address changed from").exists()


def test_a_removed_address_shows_nothing(client, site):
    citation = break_link(site, "dropped")
    run()
    assert Citation.objects.get(key="dropped").dead_since is not None
    Citation.objects.filter(pk=citation.pk).update(url="")
    fresh = Citation.objects.get(pk=citation.pk)
    assert fresh.dead_since is None and fresh.shown_archive_url == ""


# --- The archive misbehaving ----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "failed"),
    [
        (b"[" * 100_000 + b"]" * 100_000, True),
        (b"{" + b" " * 100_000 + b"}", True),
        (
            b'{"archived_snapshots": {"closest": {"available": "false", "url": "http://web.archive.org/web/1/x"}}}',
            False,
        ),
        (
            b'{"archived_snapshots": {"closest": {"available": true, "url": "http://evil.example/phish"}}}',
            True,
        ),
    ],
)
def test_an_odd_archive_answer_finds_no_copy(site, archive, answer, failed):
    archive.routes["/wayback/available"] = lambda h, m: (
        200,
        {"Content-Type": "application/json"},
        answer,
    )
    break_link(site, "gone")
    output = run()
    assert status_of("gone").status == LinkCheck.Status.BROKEN
    assert status_of("gone").found_archive_url == ""
    assert ("1 archive lookup failed" in output) == failed
