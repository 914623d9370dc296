"""
Publishing: the one place that sets a country's publication dates.

* ``published_at`` ("first published") is set the first time a country is
  saved as published, and never moves after.
* ``last_published_change`` ("Last updated" on its page) is set whenever
  what the public sees changes: the country is published, or saved with a
  change while published. Edits to a draft do not move it.

Everything that saves a country calls ``record_change`` first (the admin,
the importer, goal changes on their own page), and ``publish`` and
``unpublish`` make the change as a revision of the country's history.
``publish`` refuses a country that is not ready (``strategy.readiness``)
unless what it lacks is waived.
"""

import reversion
from django.db import transaction
from django.utils import timezone

from . import readiness
from .models import Country


def record_change(country, *, changed=True):
    """
    Before saving ``country``: if it is published, give it its first
    publication date if it has none, and move its "Last updated" date when
    what the public sees ``changed`` (publishing it is such a change).
    """
    if not country.is_published:
        return
    now = timezone.now()
    if country.published_at is None:
        country.published_at = now
    if changed or country.last_published_change is None:
        country.last_published_change = now


def save_change(country):
    """
    Save that ``country`` changed through its goals or sources only (its own
    fields unchanged): its publication dates as ``record_change`` sets them,
    and a new edit version, so that a form opened before is warned.
    """
    record_change(country)
    country.save(update_fields=["published_at", "last_published_change", "updated_at", "version"])


def publish(country, *, user=None, waived=frozenset()):
    """
    Make ``country`` public. Returns False, changing nothing, if it already
    was. Raise ``readiness.NotReady`` if it lacks anything (``readiness``)
    whose code is not in ``waived``; what was waived goes into the
    revision's comment.
    """
    if country.is_published:
        return False
    items = readiness.missing_for(country)
    refused = [item for item in items if item.code not in waived]
    if refused:
        raise readiness.NotReady(country, refused)
    country.status = Country.Status.PUBLISHED
    record_change(country)
    _save(
        country, user, " ".join(["Published.", *([readiness.waiver_note(items)] if items else [])])
    )
    return True


def unpublish(country, *, user=None):
    """Take ``country`` off the public site. Returns False if it was not published."""
    if not country.is_published:
        return False
    country.status = Country.Status.DRAFT
    _save(country, user, "Unpublished: back to draft.")
    return True


def _save(country, user, comment):
    with transaction.atomic(), reversion.create_revision():
        country.save()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
