"""
The Wayback Machine, as the link checker uses it: the availability API for
the snapshot closest to a date, and Save Page Now to ask for a capture.
Both base addresses are settings (``WAYBACK_AVAILABILITY_URL``,
``WAYBACK_SAVE_URL``) so that tests answer with a server of their own.

The availability API answers, for ``?url=example.com&timestamp=20060101``::

    {"url": "example.com", "archived_snapshots": {"closest": {"available": true,
     "url": "http://web.archive.org/web/20060101064348/http://www.example.com:80/",
     "timestamp": "20060101064348", "status": "200"}}}

and ``"archived_snapshots": {}`` when it has none.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import validate_web_url

# The API's answer is a few hundred bytes; anything past this is no answer of it.
MAX_ANSWER_BYTES = 64 * 1024
# Snapshots are served from the archive's own hosts.
ARCHIVE_HOSTS = ("archive.org", "web.archive.org")


def snapshot_host_allowed(address):
    host = (urlsplit(address).hostname or "").lower()
    api_host = (urlsplit(settings.WAYBACK_AVAILABILITY_URL).hostname or "").lower()
    return host in ARCHIVE_HOSTS or host.endswith(".archive.org") or host == api_host


def closest(http, url, when):
    """
    The address of the archived snapshot of ``url`` closest to the date
    ``when`` that was captured with status 200, or "". Raises httpx errors and
    ValueError for an answer that is not the API's JSON.
    """
    with http.stream(
        "GET",
        settings.WAYBACK_AVAILABILITY_URL,
        params={"url": url, "timestamp": when.strftime("%Y%m%d")},
    ) as response:
        response.raise_for_status()
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise ValueError("the archive's answer is far longer than the API's")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ValueError("the archive's answer is not JSON") from None
    snapshots = data.get("archived_snapshots") if isinstance(data, dict) else None
    snapshot = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(snapshot, dict) or snapshot.get("available") is not True:
        return ""
    if str(snapshot.get("status", "200")) != "200":
        return ""
    address = str(snapshot.get("url", ""))[:1000]
    try:
        validate_web_url(address)
    except ValidationError:
        raise ValueError(
            f"the archive's snapshot address is no web address: {address[:100]!r}"
        ) from None
    if not snapshot_host_allowed(address):
        raise ValueError(f"the archive's snapshot is not on the archive: {address[:100]!r}")
    return address


def save(http, url):
    """Ask the archive to capture ``url`` now (Save Page Now)."""
    response = http.get(settings.WAYBACK_SAVE_URL + url)
    response.raise_for_status()
