"""
Conditional GET and a version-keyed page cache for anonymous visitors.

* One database row (``pagecache.models.ContentVersion``) counts changes to
  public content; every change that can alter a public page bumps it in the
  same transaction (``pagecache.versions``). The middleware reads it (one
  query), answers a matching ``If-None-Match``/``If-Modified-Since`` with 304,
  serves a cached copy keyed by the version, or renders and stores the page.
  Since the version lives in the database, even per-process local-memory
  caches never serve a page older than the last change.
* Only public views are cached: those that declare the query parameters
  they read (``web.views.public_view``, ``PublicListView``). A copy is keyed by
  the address's path and those parameters alone, so a tracking tag or junk
  parameter is served the cached page: it can neither fill the cache nor
  force a render. Values a view does not know (a region that does not exist,
  a page out of range) are answered 404 by the view, and errors are never
  stored, so only pages the site itself links to fill the cache.
* A signed-in editor (a session that really is signed in, not any cookie
  named ``sessionid``) bypasses the cache both ways. Responses that are not a
  plain public 200 (cookies, ``private``/``no-store``, errors) are never stored.
* A cache that fails is a miss (``pagecache.backends``); a database that
  cannot be reached answers the 503 page at once, without trying again in
  the view.
"""

import functools
import hashlib
import logging
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from web import addresses

from .fragments import store_kept, to_keep
from .versions import answering_at, page_version, stamp

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"


def query_parameters(path):
    """
    The query parameters the public view at ``path`` reads, or None when no
    public view answers there (an admin page, a 404, a redirect).
    """
    return view_parameters(path)[0]


def view_parameters(path):
    """
    The query parameters the public view at ``path`` reads, and those of
    them it reads with every value (``public_view(repeated=...)``); (None,
    empty) when no public view answers there.
    """
    return public_view_at(path)[:2]


def public_view_at(path):
    """
    (query parameters, repeated parameters, content scope) of the public
    view at ``path`` (``web.addresses``); (None, empty, None) when no public
    view answers there. Remembered for the most recent paths (in the active
    language, which the address's prefix is read in): resolving a path is
    the largest cost of serving a cached page.
    """
    return _public_view_at(translation.get_language(), path)


@receiver(setting_changed)
def _forget_public_views(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "PAGE_CACHE_SCOPES"):
        _public_view_at.cache_clear()


@functools.lru_cache(maxsize=4096)
def _public_view_at(language, path):
    try:
        match = resolve(path)
    except Resolver404:
        return None, frozenset(), None
    names, repeated = addresses.view_parameters(match.func)
    if names is None:
        return None, frozenset(), None
    # Without scopes (PAGE_CACHE_SCOPES unset) no change bumps them: every
    # page is keyed by the site's version.
    scope = addresses.view_scope(match.func, match.kwargs) if settings.PAGE_CACHE_SCOPES else None
    return names, repeated, scope


def canonical_host(request):
    """
    The host a page is for, spelled one way (lowercase, no trailing dot, no
    default port), or None when the Host header names a port the site is
    not served on: such a request is answered, but not from the cache and
    not into it, so that ports and spellings cannot multiply the entries.
    Raises DisallowedHost for a host the site does not serve.
    """
    domain, port = split_domain_port(request.get_host())
    if not domain:
        return None
    if not port or port == ("443" if request.is_secure() else "80"):
        return domain
    if port == request.META.get("SERVER_PORT"):
        return f"{domain}:{port}"
    return None


def signed_in(request):
    """
    Whether the request carries the session of a signed-in user. Made-up or
    signed-out session cookies are not: they get the public, cached page.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return SESSION_KEY in session


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
        self.timeout = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(self.excluded):
            return self.get_response(request)
        names, repeated, scope = public_view_at(request.path_info)
        if names is None:
            return self.get_response(request)
        try:
            host = canonical_host(request)
        except DisallowedHost:
            return self.get_response(request)  # the 400 page, from CommonMiddleware
        if host is None:
            return self.get_response(request)

        try:
            if signed_in(request):
                return self.get_response(request)
            version, changed_at, scoped = page_version(scope)
        except (OperationalError, InterfaceError) as error:
            # The database is down: one attempt per request, then the 503 page.
            from config.views import service_unavailable

            logger.warning("Database unavailable, answering 503: %s", error)
            return service_unavailable(request)

        # The key names the version (``versions.stamp``); the view may key
        # the parts it renders by it too (fragment caching).
        content_stamp = request.content_stamp = stamp(version, changed_at, scoped)
        etag = self.etag(request, host, names, repeated, content_stamp)
        timestamp = int(changed_at.timestamp())
        key = f"atlas:page:{etag}"
        cache = caches[CACHE_ALIAS]
        response = cache.get(key) if self.timeout else None
        if response is None:
            answering = answering_at.set(None if scoped else (version, changed_at))
            # What the page keeps of its parts waits for the page to be done
            # (pagecache.fragments): a site-wide page only, whose version
            # was read here before anything else.
            keeping = to_keep.set(None if scoped else {})
            try:
                response = self.get_response(request)
                if not scoped:
                    store_kept(to_keep.get(), (version, changed_at))
            finally:
                to_keep.reset(keeping)
                answering_at.reset(answering)
            if not self.cacheable(response):
                return response  # a 404, a private page: no precondition applies
            self.add_validators(response, etag, http_date(timestamp))
            if self.timeout:
                cache.set(key, response, self.timeout)
        # Only a page known to be a public 200 is answered 304, and the 304
        # carries its validators and caching headers (RFC 9110, 15.4.5).
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )
        if not_modified is not None and not_modified is not response:
            for header in ("Access-Control-Allow-Origin", "Vary"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
        return response

    @staticmethod
    def etag(request, host, names, repeated, version):
        """
        A weak ETag for the address as the view sees it, in this release of
        the site (``config.release``): the language it is
        answered in (web.languages: the address's own, but said here so
        that no page is ever served in another), scheme, host, path and the
        query parameters the view reads, as it reads them
        (``web.addresses.query_as_read``).
        """
        query = urlencode(addresses.query_as_read(request.GET, names, repeated))
        language = translation.get_language()
        address = f"{settings.RELEASE} {language} {request.scheme}://{host}{request.path}?{query}"
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
