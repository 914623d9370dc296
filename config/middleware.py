"""
Middleware for the whole site: headers Django does not set itself, requests
that no view should see, and a friendly page when the database is down.
"""

import logging
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.views.defaults import bad_request

from editing.forms import is_lock_error

from .views import service_unavailable

logger = logging.getLogger(__name__)


class HostSpellingMiddleware:
    """
    Spell the request's Host header one way before anything reads it:
    lowercase, without a trailing dot or the scheme's default port. Hosts
    differ only in spelling (``Atlas.Example.org.:443``), and every address
    a page or feed builds from the request (Django's sitemaps and feeds
    among them) would otherwise repeat the first visitor's spelling to the
    visitors the page cache serves after (it keys pages by the host spelled
    this way). Validation against ALLOWED_HOSTS is Django's, unchanged: it
    already ignores case and a trailing dot.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.META.get("HTTP_HOST")
        if host:
            domain, port = split_domain_port(host)
            if domain:
                default = "443" if request.is_secure() else "80"
                spelled = domain if not port or port == default else f"{domain}:{port}"
                request.META["HTTP_HOST"] = spelled
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    django-csp's middleware, building the site's one policy once rather than
    for every response. A response that asks for a policy of its own (the
    ``csp_update``/``csp_replace``/``csp_override`` decorators), a request
    that used a nonce, report-only or excluded paths in the settings, and
    Django's debug pages all take django-csp's own way, unchanged.
    """

    OVERRIDES = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in self.OVERRIDES)
        ):
            return super().process_response(request, response)
        if policy is not getattr(self, "_built_for", None):  # settings changed (tests)
            self._header = build_policy()
            self._built_for = policy
        if (
            self._header
            and CSP_HEADER not in response
            and not getattr(response, "_csp_exempt", False)
        ):
            response[CSP_HEADER] = self._header
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class PermissionsPolicyMiddleware:
    """
    Set the Permissions-Policy header from ``settings.PERMISSIONS_POLICY``, a
    dict of feature name to allow-list (``[]`` turns the feature off,
    ``["self"]`` allows the site's own pages).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RejectNullCharactersMiddleware:
    """
    Answer 400 Bad Request to a path, query string or cookie holding a null
    character.

    No address or cookie of the site contains one, and PostgreSQL refuses to
    compare text with it, so such a value reaching a query (a session key
    looked up, say: a cookie's ``\\000`` escape is decoded into one) would
    fail with a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote_to_bytes(request.META.get("QUERY_STRING", ""))
        if (
            "\x00" in request.path_info
            or b"\x00" in query
            or any("\x00" in f"{name}{value}" for name, value in request.COOKIES.items())
        ):
            return bad_request(request, exception=None)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """
    Turn "the database cannot be reached" into a 503 page that says so,
    instead of a 500. The next request tries the database again, so the site
    recovers by itself when the database is back.

    A change (POST) that found SQLite's database locked for longer than its
    timeout is not an outage: the editor is sent back to the page they came
    from, with a message that nothing was changed. (Change forms answer with
    the form as typed; see ``editing.admin.BusyDatabaseAdmin``.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if request.method == "POST" and is_lock_error(exception):
            logger.warning("Change refused, the database is locked: %s", exception)
            messages.error(
                request,
                "Nothing was changed: the database was busy with another change and did "
                "not answer in time. Try again in a moment.",
            )
            response = redirect(request.get_full_path())
            response.status_code = HTTPStatus.SEE_OTHER
            return response
        logger.warning("Database unavailable, answering 503: %s", exception)
        return service_unavailable(request)
