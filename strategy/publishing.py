"""Publishing and unpublishing countries, each as a revision of its history."""

import reversion
from django.db import transaction
from django.utils import timezone

from .models import Country


def publish(country, *, user=None):
    """Make ``country`` public. Returns False, changing nothing, if it already was."""
    if country.is_published:
        return False
    now = timezone.now()
    country.status = Country.Status.PUBLISHED
    country.published_at = country.published_at or now
    country.last_published_change = now
    _save(country, user, "Published.")
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
