"""Template context every page gets."""

from urllib.parse import urlencode

from django.core.exceptions import DisallowedHost, SuspiciousOperation

from .addresses import absolute_url, canonical_url, query_as_read, view_parameters

# A query longer than any the site links to is not repeated on the page.
MAX_QUERY = 600


def page_address(request):
    """
    ``page_address``: the page's full address, as the print footer shows it,
    with only the query parameters its view reads, as it reads them (a
    search's words, a list's filters; never a tracking tag), on the site's
    address (``web.addresses``). A request whose Host header is not allowed
    (answered with the 400 page) gets the path alone: the host it named is
    neither trusted nor repeated, and asking for it again would fail the
    error page itself; so does a request with too many parameters.
    """
    match = getattr(request, "resolver_match", None)
    names, repeated = view_parameters(match.func) if match else (None, ())
    try:
        query = urlencode(query_as_read(request.GET, names or frozenset(), repeated))
    except SuspiciousOperation:
        query = ""
    path = request.path + (f"?{query}" if query and len(query) <= MAX_QUERY else "")
    try:
        return {"page_address": absolute_url(request, path)}
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
