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

Nothing rendered from content read during a change is kept: what a page
renders is stored only when the page is done (``store_kept``, called by
``PublicPageCacheMiddleware``) and only if the site's version is still the
one the middleware read before the page read anything, which every change
bumps in its own transaction. A page answered without that reading (a
signed-in editor's, a command's) uses what is kept and keeps nothing.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.translation import get_language

from .versions import current_content_version, page_version, scope_versions, stamp

# What the public page being answered has rendered and will keep, if the
# content did not change meanwhile (``store_kept``): {cache key: value}.
to_keep = ContextVar("to_keep", default=None)


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

    if not settings.FRAGMENT_CACHE_SECONDS:
        if prepare is not None:
            prepare(rows)
        return [render(row) for row in rows]
    versions = scope_versions({scope_of(row) for row in rows})
    language = get_language()
    keys = [
        f"row:{template_name}:{language}:{scope_of(row)}:{versions[scope_of(row)]}:{key_of(row)}"
        for row in rows
    ]
    found = {**cache.get_many(keys), **_pending(keys)}
    to_render = {key: row for key, row in zip(keys, rows, strict=True) if key not in found}
    if to_render and prepare is not None:
        prepare(list(to_render.values()))
    for key, row in to_render.items():
        found[key] = render(row)
        _keep(key, found[key])
    # Rendered HTML is a SafeString, and comes back from the cache as one.
    return [found[key] for key in keys]


def kept(name, compute):
    """
    ``compute()``, kept in the cache under ``name`` and the site's version:
    for what is worked out from all of the content (how many countries each
    theme has), which any change may alter and which many pages read. The
    value must pickle; ``name`` must hold everything it depends on besides
    the content (the language, a filter).
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return compute()
    number, changed_at = current_content_version()
    key = f"kept:{name}:{stamp(number, changed_at)}"
    pending = _pending([key])
    if pending:
        return pending[key]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        _keep(key, value)
    return value


_MISSING = object()


def _pending(keys):
    waiting = to_keep.get()
    return {key: waiting[key] for key in keys if key in waiting} if waiting else {}


def _keep(key, value):
    waiting = to_keep.get()
    if waiting is not None:
        waiting[key] = value


def store_kept(waiting, read_at):
    """
    Store what a page rendered (``waiting``, {key: value}) if the site's
    version is still ``read_at`` (version, changed_at), the one read before
    the page read any content: one query. Else nothing is stored, and the
    next page renders it again from what is then the content.
    """
    if not waiting:
        return
    number, changed_at, _ = page_version()
    if (number, changed_at) == read_at:
        cache.set_many(waiting, settings.FRAGMENT_CACHE_SECONDS)
