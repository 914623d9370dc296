"""
Rows of long lists kept rendered, each under the version of the content it
shows ("Russian doll" caching, the inner dolls).

A list of 50 countries renders 50 cards that each show one country only; when
one country changes, the other 49 cards are as they were. ``rendered_rows``
keeps each row's HTML in the cache under its template, the language, and the
version of its scope (``pagecache.versions``: a country's scope is bumped by
every change to what its page shows, the same rule the page cache keys a
country's page by), reads every row of a page in one ``get_many`` and renders
only the rows it does not find. A row whose scope has no version row yet, or
every row while scopes are off (``settings.PAGE_CACHE_SCOPES`` unset), is kept
under the site's version, which every change bumps.

A row's template is rendered with the row alone (and ``context``), without the
request or context processors: it must show nothing but what its scope holds.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.translation import get_language

from .versions import current_content_version, scope_versions


def rendered_rows(template_name, rows, *, name, scope_of, key_of, prepare=None, context=None):
    """
    The HTML of ``template_name`` rendered for each of ``rows`` (as ``name``
    in its context, with ``context``), in order. ``scope_of(row)`` is the
    scope whose version the row's content follows; ``key_of(row)`` tells
    rows of one scope apart (a goal's pk among its country's goals).
    ``prepare(rows)``, when given, is called with the rows about to be
    rendered (none when every row was found), to read what only rendering
    needs.
    """
    rows = list(rows)
    if not rows:
        return []
    template = get_template(template_name)
    context = context or {}

    def render(row):
        return template.render({**context, name: row})

    seconds = settings.FRAGMENT_CACHE_SECONDS
    if not seconds:
        if prepare is not None:
            prepare(rows)
        return [render(row) for row in rows]
    versions = scope_versions({scope_of(row) for row in rows})
    language = get_language()
    keys = [
        f"row:{template_name}:{language}:{scope_of(row)}:{versions[scope_of(row)]}:{key_of(row)}"
        for row in rows
    ]
    found = cache.get_many(keys)
    to_render = {key: row for key, row in zip(keys, rows, strict=True) if key not in found}
    if to_render and prepare is not None:
        prepare(list(to_render.values()))
    missing = {key: render(row) for key, row in to_render.items()}
    if missing:
        cache.set_many(missing, seconds)
    # Rendered HTML is a SafeString, and comes back from the cache as one.
    return [found[key] if key in found else missing[key] for key in keys]


def kept(name, compute):
    """
    ``compute()``, kept in the cache under ``name`` and the site's version:
    for what is worked out from all of the content (how many countries each
    theme has), which any change may alter and which many pages read. The
    value must pickle; ``name`` must hold everything it depends on besides
    the content (the language, a filter).
    """
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if not seconds:
        return compute()
    number, changed_at = current_content_version()
    key = f"kept:{name}:{number}.{changed_at.timestamp():.6f}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, seconds)
    return value


_MISSING = object()
