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

A published country changes through its working draft (``strategy.drafts``):
``publish`` (and so the admin's action, the review's approval and the
schedule) makes the draft live as one revision, moving "Last updated" and
keeping the old address when the slug changed.
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import drafts, readiness, versions
from .models import Country, CountrySlugRedirect


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


def publish(country, *, user=None, waived=frozenset(), how="Published"):
    """
    Make ``country`` public, or, if it is public, its working draft.
    Returns False, changing nothing, if there is nothing to publish (it is
    published and has no working draft). Raise ``readiness.NotReady`` if
    what would go live lacks anything (``readiness``) whose code is not in
    ``waived``; what was waived goes into the revision's comment, with the
    draft's summary of the change. ``how`` starts the comment.
    """
    with transaction.atomic():
        country = Country.objects.select_for_update().get(pk=country.pk)
        draft = drafts.working_draft(country) if country.is_published else None
        if country.is_published and draft is None:
            return False
        source = draft or country
        items = readiness.missing_for(source)
        refused = [item for item in items if item.code not in waived]
        if refused:
            raise readiness.NotReady(country, refused)
        summary = source.change_summary.strip()
        comment = " ".join(
            [
                f"{how}{' the working draft' if draft else ''}{': ' + summary if summary else '.'}",
                *([readiness.waiver_note(items)] if items else []),
            ]
        )
        with reversion.create_revision():
            if draft is not None:
                clashes = draft._clash_with_other_countries()
                if clashes:
                    raise ValidationError(clashes)
                previous_slug = country.slug
                drafts.apply(draft, country)
                CountrySlugRedirect.objects.record_slug_change(country, previous_slug)
                with drafts.not_recorded():
                    draft.delete()
            country.status = Country.Status.PUBLISHED
            country.change_summary = ""
            drafts.clear_review(country)
            record_change(country)
            country.save()
            versions.record(country, summary)
            if user is not None:
                reversion.set_user(user)
            reversion.set_comment(comment)
    return True


def unpublish(country, *, user=None, how="Unpublished"):
    """
    Take ``country`` off the public site. Returns False if it was not
    published. A working draft it had becomes its content (it is a draft
    itself now, edited directly), with its review and schedule.
    """
    with transaction.atomic():
        country = Country.objects.select_for_update().get(pk=country.pk)
        if not country.is_published:
            return False
        draft = drafts.working_draft(country)
        with reversion.create_revision():
            if draft is not None:
                drafts.apply(draft, country)
                for name in drafts.EDITORIAL_FIELDS:
                    setattr(country, name, getattr(draft, name))
                with drafts.not_recorded():
                    draft.delete()
            else:
                drafts.discard_unedited(country)
            country.status = Country.Status.DRAFT
            country.expire_at = None
            country.save()
            if user is not None:
                reversion.set_user(user)
            reversion.set_comment(
                f"{how}: back to draft"
                + (", with its working draft's changes." if draft is not None else ".")
            )
    return True
