"""
Content versions, which the page cache (``pagecache``) keys pages by.

* The site's version: one database row (``ContentVersion``) that counts
  changes to public content. Every save, delete, publish, import or restore
  that can change what a page shows bumps it, in the same transaction as the
  change (``bump_content_version``, wired to the content models' signals in
  ``pagecache.apps``, so the domain apps need not know the cache exists;
  code that writes with ``QuerySet.update()`` or ``bulk_create()`` calls it
  itself).
* A scope's version (``ScopeVersion``): pages that show one part of the
  content only (a country's page) are keyed by that part's version instead,
  which the same changes bump when they touch that part
  (``settings.PAGE_CACHE_SCOPES`` names the module that says which scopes a
  changed row touches: ``scopes_changed_by(instance)``, and
  ``remember_previous``, a pre_save receiver that notes what a save may
  change away from).
  A page whose scope has no row yet is keyed by the site's version.
"""

import functools
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import import_module

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import ContentVersion, ScopeVersion

ROW = 1  # the one ContentVersion row (made by its migration)


# The site's version as the page cache read it for the public page being
# answered (``PublicPageCacheMiddleware``), so that what the page keeps
# under it (``pagecache.fragments``) reads the same version without asking
# the database again.
answering_at = ContextVar("answering_at", default=None)


def current_content_version():
    """
    (version, changed_at) of the whole site's public content: one query, or
    none while a public page read at that version is being answered.
    """
    known = answering_at.get()
    if known is not None:
        return known
    number, changed_at, _ = page_version()
    return number, changed_at


def page_version(scope=None):
    """
    (version, changed_at, scoped) of the public content a page shows: of its
    scope when it has one with a row (``scoped``), else of the whole site.
    One query, written as plain SQL, since on a cached page building an ORM
    query would be the largest cost.
    """
    site, scoped = version_queries(connection.vendor)
    with connection.cursor() as cursor:
        if scope is None:
            cursor.execute(site, [ROW])
        else:
            cursor.execute(scoped, [ROW, scope])
        rows = sorted(cursor.fetchall())
    if not rows:
        return 0, timezone.now().replace(microsecond=0), False
    scoped, version, changed_at = rows[-1]  # the scope's row when there is one
    if isinstance(changed_at, str):  # SQLite hands back text
        changed_at = datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):  # stored in UTC (USE_TZ)
        changed_at = changed_at.replace(tzinfo=UTC)
    return version, changed_at, bool(scoped)


def stamp(version, changed_at, scoped=False):
    """
    A version as cache keys name it: the counter and the change time (so a
    database restored from a backup, with an older counter, never meets
    stale copies), a scope's told apart from the site's ("s").
    """
    return f"{'s' if scoped else ''}{version}.{changed_at.timestamp():.6f}"


def scope_versions(scopes):
    """
    {scope: its stamp} for each of ``scopes``, in one query (and one for the
    site's version, unless the page read it already), spelled as the page
    cache stamps pages: "s<version>.<changed>" of the scope's own row
    where it has one and scopes are on (``settings.PAGE_CACHE_SCOPES``), else
    "<version>.<changed>" of the whole site.
    """
    number, changed_at = current_content_version()
    site = stamp(number, changed_at)
    own = {}
    if settings.PAGE_CACHE_SCOPES and scopes:
        own = {
            scope: stamp(version, changed_at, scoped=True)
            for scope, version, changed_at in ScopeVersion.objects.filter(
                scope__in=scopes
            ).values_list("scope", "version", "changed_at")
        }
    return {scope: own.get(scope, site) for scope in scopes}


@functools.cache
def version_queries(vendor):
    """The SQL of ``page_version``: for the site, and for a scope or the site."""
    quote = connection.ops.quote_name
    # Only names are formatted in; the values are parameters.
    columns = f"{quote('version')}, {quote('changed_at')}"
    site = (
        f"SELECT 0, {columns} FROM {quote(ContentVersion._meta.db_table)} WHERE {quote('id')} = %s"  # noqa: S608
    )
    table = quote(ScopeVersion._meta.db_table)
    scoped = f"{site} UNION ALL SELECT 1, {columns} FROM {table} WHERE {quote('scope')} = %s"  # noqa: S608
    return site, scoped


def bump_content_version(sender=None, instance=None, **signal_arguments):
    """
    Record that public content changed: the site's version and those of the
    scopes the change touches (``instance``'s; for an m2m change, the side it
    was made from, before and after: every action sends one). Also a receiver
    for model signals. Called without an instance (after a bulk write, which
    sends no signal), it bumps every scope: any page may have changed.
    """
    now = timezone.now()
    updated = ContentVersion.objects.filter(pk=ROW).update(version=F("version") + 1, changed_at=now)
    if not updated:  # a database emptied since its migration made the row
        ContentVersion.objects.create(pk=ROW)
    if instance is None:
        ScopeVersion.objects.update(version=F("version") + 1, changed_at=now)
    else:
        bump_scopes(changed_scopes(instance), now)


def version_row_loaded(sender, instance, raw=False, **signal_arguments):
    """
    post_save of a version row: one loaded from a dump (``loaddata``, raw)
    counts as a change, made now. A dump's older stamp is never put back:
    the content loaded with it may be merged with rows added since, and
    pages cached under that stamp before would be served again.
    """
    if raw:
        sender.objects.filter(pk=instance.pk).update(
            version=F("version") + 1, changed_at=timezone.now()
        )


def scopes_module():
    return import_module(settings.PAGE_CACHE_SCOPES) if settings.PAGE_CACHE_SCOPES else None


def changed_scopes(instance):
    module = scopes_module()
    return set(module.scopes_changed_by(instance)) if module else set()


def bump_scopes(scopes, now=None):
    """Bump the versions of ``scopes``, making the rows of those that have none."""
    if not scopes:
        return
    now = now or timezone.now()
    bumped = ScopeVersion.objects.filter(scope__in=scopes).update(
        version=F("version") + 1, changed_at=now
    )
    if bumped < len(scopes):
        # The rows missing are made; those bumped above are left as they are
        # (a conflict), and a row made at the same moment by another change
        # is just as new.
        ScopeVersion.objects.bulk_create(
            [ScopeVersion(scope=scope, changed_at=now) for scope in sorted(scopes)],
            ignore_conflicts=True,
        )
