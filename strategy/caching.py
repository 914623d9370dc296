"""
Public page caching with correct invalidation on every server.

* One database row (``ContentVersion``) counts changes to public content.
  Every save, delete, publish, import or restore that can change what a page
  shows bumps it, in the same transaction as the change (``bump_content_version``,
  wired to model signals in ``apps.py``; code that writes with
  ``QuerySet.update()`` or ``bulk_create()`` calls it itself).
* ``PublicPageCacheMiddleware`` reads the row (one query), answers a matching
  ``If-None-Match``/``If-Modified-Since`` with 304, serves a cached copy keyed
  by the version, or renders and stores the page. The rendered pages live in
  Django's cache: local memory by default, Redis (shared by all servers) when
  ``REDIS_URL`` is set. Since the version lives in the database, even
  per-process local-memory caches never serve a page older than the last change.
* Requests that carry a session cookie (editors, previews) bypass the cache
  both ways, and responses that are not a plain public 200 (cookies,
  ``private``/``no-store``, errors) are never stored.
"""

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .models import ContentVersion

CACHE_ALIAS = "default"
ROW = 1  # the one ContentVersion row (made by its migration)
# The query parameters public pages read: pagination and the country filters.
CACHED_QUERY_PARAMETERS = {"page", "region", "theme"}
MAX_CACHED_QUERY = 200


def current_content_version():
    """
    (version, changed_at) of public content: one query. Written as plain SQL,
    since on a cached page building an ORM query would be the largest cost.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('version')}, {quote('changed_at')} "  # noqa: S608 -- no user input
            f"FROM {quote(ContentVersion._meta.db_table)} WHERE {quote('id')} = %s",
            [ROW],
        )
        row = cursor.fetchone()
    if row is None:
        return 0, timezone.now().replace(microsecond=0)
    version, changed_at = row
    if isinstance(changed_at, str):  # SQLite hands back text
        changed_at = datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):  # stored in UTC (USE_TZ)
        changed_at = changed_at.replace(tzinfo=UTC)
    return version, changed_at


def bump_content_version(**signal_arguments):
    """Record that public content changed. Also a receiver for model signals."""
    updated = ContentVersion.objects.filter(pk=ROW).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:  # a database emptied since its migration made the row
        ContentVersion.objects.create(pk=ROW)


class PublicPageCacheMiddleware:
    """Conditional GET and a version-keyed page cache for anonymous visitors."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
        self.timeout = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)

        try:
            version, changed_at = current_content_version()
        except (OperationalError, InterfaceError):
            # The database is down: no version to trust, so no cache; the
            # view's own failure becomes the 503 page (config.middleware).
            return self.get_response(request)
        # The change time goes into the key with the counter, so a database
        # restored from a backup (an older counter) never meets stale pages.
        etag = self.etag(request, f"{version}.{changed_at.timestamp():.6f}")
        timestamp = int(changed_at.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if not_modified is not None:
            return not_modified

        key = f"atlas:page:{etag}"
        cache = caches[CACHE_ALIAS]
        response = cache.get(key) if self.timeout else None
        if response is None:
            response = self.get_response(request)
            if not self.cacheable(response):
                return response
            self.add_validators(response, etag, http_date(timestamp))
            if self.timeout:
                cache.set(key, response, self.timeout)
        return response

    def applies_to(self, request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.excluded)
            and self.known_query(request)
        )

    @staticmethod
    def known_query(request):
        """
        Only addresses the site itself links to are cached: query parameters
        the pages read, of a sensible length. Anything else is rendered afresh,
        so junk query strings cannot fill the shared cache.
        """
        query = request.META.get("QUERY_STRING", "")
        return len(query) <= MAX_CACHED_QUERY and set(request.GET) <= CACHED_QUERY_PARAMETERS

    @staticmethod
    def etag(request, version):
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.blake2b(address.encode(), digest_size=8).hexdigest()
        return f'W/"{version}-{digest}"'

    @staticmethod
    def cacheable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    @staticmethod
    def add_validators(response, etag, last_modified):
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        # Browsers and proxies may keep the page but must ask before reusing it;
        # a matching ETag is answered with 304 at the cost of one query.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
