"""Site-wide views that belong to no app: health check, outage and lockout pages."""

import logging
from http import HTTPStatus

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from pagecache.backends import cache_health

logger = logging.getLogger(__name__)

# How long a client should wait before retrying while the database is down.
RETRY_AFTER_SECONDS = 30


@csrf_exempt  # GET and HEAD only: nothing to forge
@require_safe
@never_cache
def healthz(request):
    """
    For load balancers and monitoring::

        200 {"status": "ok", "database": "ok", "cache": "ok"}
        200 {"status": "degraded", "database": "ok", "cache": "degraded"}
        503 {"status": "unavailable", "database": "unavailable", "reason": "database unavailable"}

    The site works without its cache (pages are rendered instead of served
    from it), so a failing cache is "degraded" and still 200; without the
    database it does not, so that is 503.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check failed, database unavailable: %s", error)
        return JsonResponse(
            {"status": "unavailable", "database": "unavailable", "reason": "database unavailable"},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    cache = cache_health()
    status = "ok" if cache == "ok" else "degraded"
    return JsonResponse({"status": status, "database": "ok", "cache": cache})


def service_unavailable(request):
    """The page shown while the database cannot be reached. Uses no database."""
    response = render(
        request,
        "503.html",
        {"retry_after": RETRY_AFTER_SECONDS},
        status=HTTPStatus.SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """
    django-axes' lockout response: what happened and when to try again.

    Every failed attempt during a lockout restarts the cool-off, so the
    username is free again one cool-off after this attempt.
    """
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": round(cool_off.total_seconds() / 60),
        "retry_at": timezone.now() + cool_off,
    }
    response = render(
        request, "registration/locked_out.html", context, status=HTTPStatus.TOO_MANY_REQUESTS
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response
