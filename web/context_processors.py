"""Template context every page gets."""

from urllib.parse import urlencode

from django.core.exceptions import DisallowedHost, SuspiciousOperation

from .addresses import canonical_url, view_query_parameters

# A query longer than any the site links to is not repeated on the page.
MAX_QUERY = 600


def page_address(request):
    """
    ``page_address``: the page's full address, as the print footer shows it,
    with only the query parameters its view reads (a search's words, a list's
    filters; never a tracking tag). A request whose Host header is not allowed
    (answered with the 400 page) gets the path alone: the host it named is
    neither trusted nor repeated, and asking for it again would fail the
    error page itself; so does a request with too many parameters.
    """
    names = view_query_parameters(request) or ()
    try:
        query = urlencode(
            [
                (name, value)
                for name, values in request.GET.lists()
                if name in names
                for value in values
            ]
        )
    except SuspiciousOperation:
        query = ""
    path = request.path + (f"?{query}" if query and len(query) <= MAX_QUERY else "")
    try:
        return {"page_address": request.build_absolute_uri(path)}
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
    except (DisallowedHost, SuspiciousOperation):  # a Host not served; too many parameters
        return {"canonical_address": ""}
