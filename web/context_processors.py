"""Template context every page gets."""

from django.core.exceptions import DisallowedHost

from .addresses import canonical_url


def page_address(request):
    """
    ``page_address``: the page's full address without its query string, as
    the print footer shows it. A request whose Host header is not allowed
    (answered with the 400 page) gets the path alone: the host it named is
    neither trusted nor repeated, and asking for it again would fail the
    error page itself.
    """
    try:
        return {"page_address": request.build_absolute_uri(request.path)}
    except DisallowedHost:
        return {"page_address": request.path}


def canonical_address(request):
    """
    ``canonical_address``: the page's canonical address (``web.addresses``)
    for ``<link rel="canonical">``; empty on pages no public view answers
    (the admin, error pages) and for a Host the site does not serve.
    """
    try:
        return {"canonical_address": canonical_url(request) or ""}
    except DisallowedHost:
        return {"canonical_address": ""}
