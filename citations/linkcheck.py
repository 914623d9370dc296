"""
Checking the URLs of sources, politely, and recording what was found.

``check(citations)`` checks each citation's URL and records the outcome in
its ``LinkCheck`` (``record``). The rules, each a setting (config/settings.py):

- robots.txt is read once per host and obeyed (``urllib.robotparser``), for
  the user agent ``LINK_CHECK_USER_AGENT``, which names the atlas and its
  contact address; a robots.txt that answers 5xx forbids everything there
  (RFC 9309), one that answers 4xx allows everything.
- One request at a time per host, ``LINK_CHECK_DELAY_SECONDS`` apart (longer
  if robots.txt asks with Crawl-delay, up to ``LINK_CHECK_MAX_WAIT_SECONDS``),
  at most ``LINK_CHECK_CONCURRENCY`` hosts at once.
- ``HEAD`` first, ``GET`` (the body not read) where a server refuses ``HEAD``;
  redirects followed and the final address kept; ``LINK_CHECK_TIMEOUT_SECONDS``
  per request; a 429 or 503 with ``Retry-After`` waited for once when the wait
  is short, else the host is left for the next run.
- A link is called broken (or unreachable) only when it failed on two checks
  at least ``LINK_CHECK_INTERVAL_HOURS`` apart; links checked more recently
  than that are skipped unless forced.
- Each link is leased while it is checked, so checkers on several servers
  never check the same link at once.
- No request goes to a private or loopback address, or, with
  ``LINK_CHECK_LOOPBACK_ONLY`` (the tests), to anything else.

For a link found dead without an archived copy, the Wayback Machine's
availability API (``WAYBACK_AVAILABILITY_URL``) is asked for the snapshot
closest to the access date (``citations.wayback``).
"""

import datetime
import ipaddress
import logging
import queue
import socket
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import wayback
from .models import Citation, LinkCheck, LinkEvent, validate_web_url
from .signals import link_shown_changed

logger = logging.getLogger(__name__)
# One line per request is for debugging, not for cron's mail.
logging.getLogger("httpx").setLevel(logging.WARNING)

Status = LinkCheck.Status
# A run stops waiting for hosts at this share of its lease, so that it ends
# (and releases its links) before another run may take them.
RUN_SHARE_OF_LEASE = 0.9
# Servers that refuse HEAD say so with one of these; GET is tried then.
HEAD_REFUSED = {400, 403, 405, 406, 501}
MAX_REDIRECTS = 10
ROBOTS_MAX_BYTES = 500 * 1024
ROBOTS_MAX_REDIRECTS = 5


class CheckRefused(Exception):
    """The checker will not send a request to an address (see ``address_problem``)."""


@dataclass
class Outcome:
    """What one check of one URL found."""

    status: str
    http_status: int | None = None
    final_url: str = ""
    reason: str = ""
    # A failure (broken or unreachable) is confirmed only on a second check.
    failed: bool = False
    # The host asked to be left alone for the rest of this run.
    host_resting: bool = False


def user_agent():
    return settings.LINK_CHECK_USER_AGENT


def robots_agent():
    """The product token robots.txt rules name: the user agent's first word, without version."""
    return user_agent().split("/")[0].split()[0]


def _loopback(host):
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def address_problem(url):
    """
    Why the checker must not request ``url``, or "". With
    ``LINK_CHECK_LOOPBACK_ONLY`` anything but a loopback address is refused
    (without a lookup); otherwise private, loopback, link-local and reserved
    addresses are (the checker is no way into the server's own network).
    """
    host = urlsplit(url).hostname or ""
    if settings.LINK_CHECK_LOOPBACK_ONLY:
        return "" if _loopback(host) else f"{host or url} is not a loopback address"
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return ""  # the request itself will say the host is not found
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return f"{host} is a private or local network address"
    return ""


def _guard(request):
    """httpx request hook: redirects and robots.txt pass the same address check."""
    problem = address_problem(str(request.url))
    if problem:
        raise CheckRefused(problem)


def client():
    return httpx.Client(
        headers={"User-Agent": user_agent()},
        timeout=settings.LINK_CHECK_TIMEOUT_SECONDS,
        follow_redirects=False,  # followed one by one, each taking its turn (Host.fetch)
        event_hooks={"request": [_guard]},
    )


def retry_after(response):
    """Seconds a Retry-After header asks to wait (capped at a day), or None if it says none."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return min(float(value[:6]), 86400.0)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000": a time in UTC
            when = when.replace(tzinfo=datetime.UTC)
        return min(max(0.0, (when - timezone.now()).total_seconds()), 86400.0)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


class Host:
    """One host's requests, one at a time with a pause between them."""

    def __init__(self, http, origin):
        self.http = http
        self.origin = origin
        self.delay = settings.LINK_CHECK_DELAY_SECONDS
        self.last_request = None
        self.robots = None
        self.robots_problem = None  # an Outcome every URL on the host gets
        self.resting = False

    def wait_turn(self):
        if self.last_request is not None:
            pause = self.last_request + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self.last_request = time.monotonic()

    def request(self, method, url):
        self.wait_turn()
        if method == "HEAD":
            return self.http.head(url)
        with self.http.stream("GET", url) as response:
            return response  # the body is never read

    def fetch(self, method, url):
        """(last response, whether redirected) for ``url``; each redirect a request of its own."""
        redirected = False
        for _ in range(MAX_REDIRECTS + 1):
            response = self.request(method, url)
            if not response.has_redirect_location or response.next_request is None:
                return response, redirected
            redirected = True
            url = str(response.next_request.url)
            method = response.next_request.method
        raise httpx.TooManyRedirects("too many redirects", request=response.request)

    def read_robots(self):
        robots_url = urljoin(self.origin, "/robots.txt")
        try:
            response = self._fetch_robots(robots_url)
        except CheckRefused as error:
            self.robots_problem = Outcome(Status.NOT_CHECKED, reason=str(error))
            return
        except httpx.InvalidURL as error:
            self.robots_problem = Outcome(
                Status.NOT_CHECKED, reason=f"the address cannot be asked for: {error}"
            )
            return
        except httpx.HTTPError as error:
            self.robots_problem = network_failure(error)
            return
        self.robots = RobotFileParser(robots_url)
        if response is None:
            self.robots.allow_all = True
        elif response.status_code >= 500:
            self.robots_problem = Outcome(
                Status.NOT_CHECKED,
                reason=f"robots.txt answered HTTP {response.status_code}, which forbids all",
            )
        elif response.status_code >= 400:
            self.robots.allow_all = True
        else:
            try:
                self.robots.parse(response.robots_text.splitlines())
                crawl_delay = self.robots.crawl_delay(robots_agent())
            except ValueError:  # a rule Python's parser cannot read ("Crawl-delay: ²")
                self.robots = RobotFileParser(robots_url)
                self.robots.allow_all = True
                crawl_delay = None
            if crawl_delay:
                self.delay = min(
                    max(self.delay, float(crawl_delay)), settings.LINK_CHECK_MAX_WAIT_SECONDS
                )

    def _fetch_robots(self, robots_url):
        """
        The robots.txt response, redirects followed (five at most, as RFC 9309
        asks; past them, None: no rules), its text read up to
        ROBOTS_MAX_BYTES (as Google reads it) into ``robots_text``.
        """
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            self.wait_turn()
            with self.http.stream("GET", robots_url) as response:
                if response.has_redirect_location and response.next_request is not None:
                    robots_url = str(response.next_request.url)
                    continue
                body = b""
                if response.status_code < 400:
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) >= ROBOTS_MAX_BYTES:
                            break
                response.robots_text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
                return response
        return None

    def check_safely(self, url):
        """``check``, with whatever else a server's answer raises said as the outcome."""
        try:
            return self.check(url)
        except Exception as error:
            logger.warning("Checking %s failed: %r", url[:200], error)
            return Outcome(
                Status.NOT_CHECKED,
                reason=f"could not be checked ({type(error).__name__}: {str(error)[:150]})",
            )

    def check(self, url):
        if self.robots is None and self.robots_problem is None:
            self.read_robots()
        if self.robots_problem is not None:
            return self.robots_problem
        if self.resting:
            return Outcome(Status.NOT_CHECKED, reason="its server asked to wait", host_resting=True)
        if not self.robots.can_fetch(robots_agent(), url):
            return Outcome(Status.NOT_CHECKED, reason="robots.txt forbids checking it")
        try:
            return self._check(url)
        except CheckRefused as error:
            return Outcome(Status.NOT_CHECKED, reason=str(error))
        except httpx.InvalidURL as error:
            return Outcome(Status.NOT_CHECKED, reason=f"the address cannot be asked for: {error}")
        except httpx.HTTPError as error:
            return network_failure(error)

    def _check(self, url, waited=False):
        response, redirected = self.fetch("HEAD", url)
        if response.status_code in HEAD_REFUSED:
            response, redirected = self.fetch("GET", url)
        wait = retry_after(response) if response.status_code in (429, 503) else None
        if response.status_code == 429 and wait is None:
            wait = float("inf")  # asked to slow down, without saying how long: next run
        if wait is not None:
            if waited or wait > settings.LINK_CHECK_MAX_WAIT_SECONDS:
                self.resting = True
                asked = f"{wait:.0f} s (Retry-After)" if wait != float("inf") else "(HTTP 429)"
                return Outcome(
                    Status.NOT_CHECKED,
                    http_status=response.status_code,
                    reason=f"its server asked to wait {asked}",
                    host_resting=True,
                )
            time.sleep(wait)
            return self._check(url, waited=True)
        final = str(response.url)
        if response.status_code >= 400:
            return Outcome(
                Status.BROKEN,
                http_status=response.status_code,
                final_url=final if final != url else "",
                reason=f"HTTP {response.status_code}",
                failed=True,
            )
        if redirected and final != url:
            return Outcome(Status.REDIRECTED, http_status=response.status_code, final_url=final)
        return Outcome(Status.LIVE, http_status=response.status_code)


def network_failure(error):
    if isinstance(error, httpx.TimeoutException):
        reason = f"no answer within {settings.LINK_CHECK_TIMEOUT_SECONDS:g} s"
    elif isinstance(error, httpx.TooManyRedirects):
        reason = "too many redirects"
    elif isinstance(error, httpx.ConnectError):
        reason = f"could not connect ({str(error)[:200] or 'connection failed'})"
    else:
        reason = f"{type(error).__name__}: {str(error)[:200]}"
    return Outcome(Status.UNREACHABLE, reason=reason, failed=True)


# --- Recording -------------------------------------------------------------------


def shown(citation):
    """What a public page shows of the link's health (see ``Citation.shown_archive_url``)."""
    return (citation.dead_since, citation.shown_archive_url)


def record(check, outcome, now):
    """
    Write ``outcome`` into ``check`` by the two-check rule, with an event
    when the status changes.
    """
    if outcome.host_resting:
        return  # not checked this time: the record stays as the last check left it
    interval = timedelta(hours=settings.LINK_CHECK_INTERVAL_HOURS)
    before = check.status
    check.checked_at = now
    check.http_status = outcome.http_status
    check.reason = outcome.reason[:300]
    outcome.final_url = outcome.final_url[:1000]
    if outcome.failed:
        if check.first_failed_at is None:
            check.first_failed_at = now
            event = f"failed ({outcome.reason}); called {outcome.status} if it fails again"
            LinkEvent.objects.create(link=check, at=now, status=check.status, detail=event[:400])
        elif now - check.first_failed_at >= interval:
            check.status = outcome.status
        check.final_url = outcome.final_url
    elif outcome.status == Status.NOT_CHECKED:
        check.status = Status.NOT_CHECKED
        check.first_failed_at = None
    else:
        check.status = outcome.status
        check.final_url = outcome.final_url
        check.first_failed_at = None
        check.last_live_on = timezone.localdate(now)
    check.save()
    if check.status != before:
        detail = {
            Status.REDIRECTED: f"to {check.final_url}",
            Status.BROKEN: outcome.reason,
            Status.UNREACHABLE: outcome.reason,
            Status.NOT_CHECKED: outcome.reason,
        }.get(check.status, "")
        LinkEvent.objects.create(link=check, at=now, status=check.status, detail=detail[:400])


# --- A run ------------------------------------------------------------------------


@dataclass
class Progress:
    done: int
    total: int
    citation: object
    outcome: object


def due(citations, now, *, force=False):
    """The citations of ``citations`` with a web address whose check is due."""
    if force:
        return citations
    since = now - timedelta(hours=settings.LINK_CHECK_INTERVAL_HOURS)
    return citations.filter(
        Q(link__isnull=True) | Q(link__checked_at__isnull=True) | Q(link__checked_at__lte=since)
    )


def lease(citations, now, owner):
    """
    The citations of ``citations`` (a list) this run may check: each link's
    record is leased to ``owner`` until the run could have checked it, or
    left out when another run holds it.
    """
    until = now + timedelta(minutes=settings.LINK_CHECK_LEASE_MINUTES)
    leased = []
    for citation in citations:
        check, _ = LinkCheck.objects.get_or_create(
            citation=citation, defaults={"url": citation.url}
        )
        free = Q(leased_until__isnull=True) | Q(leased_until__lt=now) | Q(leased_by=owner)
        claimed = (
            LinkCheck.objects.filter(pk=check.pk)
            .filter(free)
            .update(leased_until=until, leased_by=owner)
        )
        if claimed:
            if check.url != citation.url:  # the editor changed the address: start afresh
                forget_other_url(check, citation.url, now)
            citation.link = LinkCheck.objects.get(pk=check.pk)
            leased.append(citation)
    return leased


def forget_other_url(check, url, now):
    """Make ``check`` the record of ``url``: nothing found at the old address carries over."""
    old = check.url
    LinkCheck.objects.filter(pk=check.pk).update(
        url=url,
        status=Status.NOT_CHECKED,
        http_status=None,
        final_url="",
        reason="",
        checked_at=None,
        first_failed_at=None,
        last_live_on=None,
        found_archive_url="",
        archive_looked_up_at=None,
    )
    LinkEvent.objects.create(
        link=check, at=now, status=Status.NOT_CHECKED, detail=f"address changed from {old}"[:400]
    )


def release(owner):
    LinkCheck.objects.filter(leased_by=owner).update(leased_until=None, leased_by="")


def check(citations, *, save_live=False, progress=None):
    """
    Check the URL of each citation of ``citations`` (a queryset), record the
    outcomes, look up archived copies for dead links (and with
    ``save_live``, ask the archive to capture live links it has no copy of).
    ``progress(Progress)`` is called after each link. Returns a Counter of
    outcomes by status, with "skipped (…)" for links another run holds and
    "no URL" for citations without a web address.
    """
    now = timezone.now()
    owner = uuid.uuid4().hex
    summary = Counter()
    with_url = []
    for citation in citations:
        try:
            validate_web_url(citation.url)
        except Exception:
            summary["no URL"] += 1
            continue
        with_url.append(citation)
    refuse_outside_loopback([c.url for c in with_url])
    leased = lease(with_url, now, owner)
    summary["skipped (another run is checking them)"] += len(with_url) - len(leased)
    deadline = time.monotonic() + settings.LINK_CHECK_LEASE_MINUTES * 60 * RUN_SHARE_OF_LEASE
    try:
        by_host = defaultdict(list)
        for citation in leased:
            parts = urlsplit(citation.url)
            by_host[f"{parts.scheme}://{parts.netloc.lower()}"].append(citation)
        results = queue.Queue()
        slots = threading.BoundedSemaphore(settings.LINK_CHECK_CONCURRENCY)
        with client() as http:

            def work(origin, items):
                with slots:
                    host = Host(http, origin)
                    for citation in items:
                        results.put((citation, host.check_safely(citation.url)))

            # Daemon threads: a server that never finishes answering holds
            # its own host's thread, never the end of the run.
            for origin, items in by_host.items():
                threading.Thread(target=work, args=(origin, items), daemon=True).start()
            done = 0
            while done < len(leased):
                try:
                    citation, outcome = results.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    summary["unfinished at the run's deadline"] += len(leased) - done
                    logger.warning(
                        "check_links stopped at its deadline with %s links unchecked",
                        len(leased) - done,
                    )
                    break
                done += 1
                _record_one(citation, outcome, summary)
                if progress:
                    progress(Progress(done, len(leased), citation, outcome))
            archive(leased, http, save_live=save_live, summary=summary, deadline=deadline)
    finally:
        release(owner)
    return summary


def _record_one(citation, outcome, summary):
    before = shown(citation)
    with transaction.atomic():
        record(citation.link, outcome, timezone.now())
    if outcome.host_resting:
        summary["deferred"] += 1
    elif outcome.failed and not citation.link.is_dead:
        summary["failed once"] += 1
    else:
        summary[citation.link.status] += 1
    if shown(citation) != before:
        link_shown_changed.send(sender=Citation, citation=citation)


def archive(citations, http, *, save_live, summary, deadline):
    """
    Find archived copies of dead links that have none; optionally save live
    ones. Each link's archive is asked at most once an interval.
    """
    pause = settings.LINK_CHECK_DELAY_SECONDS
    recently = timezone.now() - timedelta(hours=settings.LINK_CHECK_INTERVAL_HOURS)
    first = True
    for citation in citations:
        check = citation.link
        if time.monotonic() > deadline:
            break
        if check.archive_looked_up_at and check.archive_looked_up_at > recently:
            continue
        dead_without_copy = (
            check.is_dead and not citation.archive_url and not check.found_archive_url
        )
        live_to_save = (
            save_live and check.status in LinkCheck.ANSWERING and not check.found_archive_url
        )
        if not (dead_without_copy or live_to_save):
            continue
        if not first:
            time.sleep(pause)
        first = False
        before = shown(citation)
        when = citation.accessed_on or check.last_live_on or timezone.localdate()
        try:
            found = wayback.closest(http, check.url, when)
            if not found and live_to_save:
                time.sleep(pause)
                wayback.save(http, check.url)
                summary["archive asked to save"] += 1
        except (httpx.HTTPError, httpx.InvalidURL, CheckRefused, ValueError) as error:
            check.archive_looked_up_at = timezone.now()
            check.save(update_fields=["archive_looked_up_at"])
            summary["archive lookup failed"] += 1
            LinkEvent.objects.create(
                link=check,
                at=timezone.now(),
                status=check.status,
                detail=f"archive lookup failed: {str(error)[:200]}",
            )
            continue
        check.archive_looked_up_at = timezone.now()
        if found:
            check.found_archive_url = found
            summary["archived copies found"] += 1
            LinkEvent.objects.create(
                link=check, at=timezone.now(), status=check.status, detail=f"archived copy {found}"
            )
        check.save(update_fields=["archive_looked_up_at", "found_archive_url"])
        if shown(citation) != before:
            link_shown_changed.send(sender=Citation, citation=citation)


def refuse_outside_loopback(urls):
    """With LINK_CHECK_LOOPBACK_ONLY, refuse the whole run if any address is elsewhere."""
    if not settings.LINK_CHECK_LOOPBACK_ONLY:
        return
    for url in [*urls, settings.WAYBACK_AVAILABILITY_URL, settings.WAYBACK_SAVE_URL]:
        problem = address_problem(url)
        if problem:
            raise CheckRefused(
                f"LINK_CHECK_LOOPBACK_ONLY is set and {problem}: nothing was checked."
            )
