"""
Absolute addresses of public pages, for what is read away from the site:
``<link rel="canonical">``, link previews (OpenGraph), citations.

The site's address is ``SITE_URL`` when it is set (one address for the
site, whatever host name a visitor used), else the request's scheme and
host, spelled one way (lowercase, no trailing dot, no default port).
"""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.request import split_domain_port
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def site_address(request):
    """
    The site's address without the trailing slash: ``https://atlas.example.org``.
    Worked out once a request (an API page gives two for each of its items).
    """
    if settings.SITE_URL:
        return settings.SITE_URL
    try:
        return request._site_address
    except AttributeError:
        pass
    domain, port = split_domain_port(request.get_host())
    default_port = "443" if request.is_secure() else "80"
    host = f"{domain}:{port}" if port and port != default_port else domain
    request._site_address = f"{request.scheme}://{host}"
    return request._site_address


def absolute_url(request, path):
    """``path`` (``/countries/mexico/``) as an absolute address."""
    return site_address(request) + path


def page_address(viewname, **kwargs):
    """
    ``reverse(viewname, kwargs=kwargs)``, remembered: lists show hundreds of
    links to pages of one kind (a country's, a theme's, a source's), and
    resolving each again costs more than the rest of its row. An address
    depends on the URL patterns, the language (``/es/``) and the script
    prefix only, so those are the key with the view and its arguments.
    """
    return _address(
        viewname,
        tuple(sorted(kwargs.items())),
        get_language(),
        get_script_prefix(),
        get_urlconf(),
    )


@functools.lru_cache(maxsize=20_000)
def _address(viewname, kwargs, language, script_prefix, urlconf):
    return reverse(viewname, kwargs=dict(kwargs), urlconf=urlconf)


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _address.cache_clear()


def view_parameters(func):
    """
    The query parameters the public view ``func`` reads, and those of them it
    reads with every value (``public_view(repeated=...)``); (None, empty) for
    a view that is no public view.
    """
    names = getattr(func, "query_parameters", None)
    if names is None:
        names = getattr(getattr(func, "view_class", None), "query_parameters", None)
    return names, getattr(func, "repeated_query_parameters", frozenset())


def view_scope(func, kwargs):
    """
    The scope of the content the public view ``func`` shows at a URL with
    ``kwargs`` (``public_view(scope=...)``), or None: it may show any of it.
    """
    scope = getattr(func, "content_scope", None)
    return scope(kwargs) if scope is not None else None


def query_as_read(query, names, repeated):
    """
    The (name, value) pairs of ``query`` (a QueryDict) that a view reading
    ``names`` sees, in one order: each parameter's last value, as
    ``QueryDict.get`` reads it, or every value, in order, for those of
    ``repeated`` (``getlist``); empty values left off. The page cache's key,
    the canonical link and the print footer all say the query this way, so
    that no value the view ignores reaches a page kept for others.
    """
    pairs = []
    for name in sorted(names & query.keys()):
        values = query.getlist(name) if name in repeated else [query[name]]
        pairs += [(name, value) for value in values if value]
    return pairs


def canonical_url(request):
    """
    The page's canonical address: its path and the query parameters its view
    reads (``?page=``, a list's filters), in one order; tracking tags and
    anything else left off, as the page cache leaves them off. None when no
    public view answers the request.
    """
    match = getattr(request, "resolver_match", None)
    names, repeated = view_parameters(match.func) if match else (None, ())
    if names is None:
        return None
    query = urlencode(query_as_read(request.GET, names, repeated))
    return absolute_url(request, request.path) + (f"?{query}" if query else "")
