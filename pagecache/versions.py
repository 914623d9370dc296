"""
The content version: one database row (``ContentVersion``) that counts
changes to public content, which the page cache (``pagecache``) keys pages by.
Every save, delete, publish, import or restore that can change what a page
shows bumps it, in the same transaction as the change (``bump_content_version``,
wired to the content models' signals in ``pagecache.apps``, so the domain
apps need not know the cache exists; code that writes with
``QuerySet.update()`` or ``bulk_create()`` calls it itself).
"""

from datetime import UTC, datetime

from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import ContentVersion

ROW = 1  # the one ContentVersion row (made by its migration)


def current_content_version():
    """
    (version, changed_at) of public content: one query. Written as plain SQL,
    since on a cached page building an ORM query would be the largest cost.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('version')}, {quote('changed_at')} "  # noqa: S608 -- no user input
            f"FROM {quote(ContentVersion._meta.db_table)} WHERE {quote('id')} = %s",
            [ROW],
        )
        row = cursor.fetchone()
    if row is None:
        return 0, timezone.now().replace(microsecond=0)
    version, changed_at = row
    if isinstance(changed_at, str):  # SQLite hands back text
        changed_at = datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):  # stored in UTC (USE_TZ)
        changed_at = changed_at.replace(tzinfo=UTC)
    return version, changed_at


def bump_content_version(**signal_arguments):
    """Record that public content changed. Also a receiver for model signals."""
    updated = ContentVersion.objects.filter(pk=ROW).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:  # a database emptied since its migration made the row
        ContentVersion.objects.create(pk=ROW)
