"""
Absolute addresses of public pages, for what is read away from the site:
``<link rel="canonical">``, link previews (OpenGraph), citations.

The site's address is ``SITE_URL`` when it is set (one address for the
site, whatever host name a visitor used), else the request's scheme and
host, spelled one way (lowercase, no trailing dot, no default port).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http.request import split_domain_port


def site_address(request):
    """The site's address without the trailing slash: ``https://atlas.example.org``."""
    if settings.SITE_URL:
        return settings.SITE_URL
    domain, port = split_domain_port(request.get_host())
    default_port = "443" if request.is_secure() else "80"
    host = f"{domain}:{port}" if port and port != default_port else domain
    return f"{request.scheme}://{host}"


def absolute_url(request, path):
    """``path`` (``/countries/mexico/``) as an absolute address."""
    return site_address(request) + path


def view_query_parameters(request):
    """The query parameters the public view answering ``request`` reads; None for others."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    names = getattr(match.func, "query_parameters", None)
    if names is None:
        names = getattr(getattr(match.func, "view_class", None), "query_parameters", None)
    return names


def canonical_url(request):
    """
    The page's canonical address: its path and the query parameters its view
    reads (``?page=``, a list's filters), in one order; tracking tags and
    anything else left off, as the page cache leaves them off. None when no
    public view answers the request.
    """
    names = view_query_parameters(request)
    if names is None:
        return None
    # Every value of a repeated parameter (the countries of /compare/).
    query = urlencode(
        [(name, value) for name in sorted(names) for value in request.GET.getlist(name) if value]
    )
    return absolute_url(request, request.path) + (f"?{query}" if query else "")
