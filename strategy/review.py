"""
Review and scheduling of changes before they go public.

What is reviewed is a country's working draft (``strategy.drafts``) or, for
a country never published, the country itself: the "candidate". An Editor
submits it for review with a comment; a Country manager approves it (which
publishes it, ``publishing.publish``) or sends it back with a comment. A
Country manager can also give it a go-live time: ``manage.py
publish_scheduled`` publishes what is due, and unpublishes countries whose
expiry time has passed.

Each step is a revision in the country's history, with who, when and the
comment, and the people involved are told by email (``notify``): Country
managers when a change is submitted, whoever submitted it when it is
approved, sent back or published on schedule.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import drafts, publishing, readiness
from .models import Country
from .revisions import save_revision

logger = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 2000
# A time given for going live or expiring may be this far in the past (the
# minute being typed); earlier is refused as a mistake.
PAST_TOLERANCE = datetime.timedelta(minutes=5)


class ReviewError(Exception):
    """A review step that cannot be taken now; the message says why."""


def candidate(country):
    """What would go live if ``country`` were published now: its working draft, or itself."""
    if country.is_published:
        return drafts.working_draft(country)
    return country


def submit(country, *, user, comment=""):
    with transaction.atomic():
        target = _locked_candidate(country)
        if target.is_submitted:
            raise ReviewError(_("This change is already awaiting review."))
        target.review_state = Country.ReviewState.SUBMITTED
        target.review_comment = comment
        target.submitted_by = user
        _save_state(target)
        save_revision(country, user=user, comment=_step("Submitted for review", comment, target))
    notify(
        reviewers(),
        _("To review: %(country)s") % {"country": country.name},
        _paragraphs(
            _("%(user)s submitted a change to %(country)s for review.")
            % {"user": _name(user), "country": country.name},
            _their_comment(comment),
            _("Compare it with the published version, then approve or send it back:")
            + "\n"
            + draft_page_url(country),
        ),
    )


def send_back(country, *, user, comment):
    if not comment.strip():
        raise ReviewError(_("Say what needs changing: sending back needs a comment."))
    with transaction.atomic():
        target = _locked_candidate(country)
        if not target.is_submitted:
            raise ReviewError(_("This change is not awaiting review."))
        submitter = target.submitted_by
        target.review_state = Country.ReviewState.SENT_BACK
        target.review_comment = comment
        _save_state(target)
        save_revision(country, user=user, comment=_step("Sent back", comment, target))
    notify(
        [submitter] if submitter else [],
        _("Sent back: %(country)s") % {"country": country.name},
        _paragraphs(
            _("%(user)s sent your change to %(country)s back.")
            % {"user": _name(user), "country": country.name},
            _("Their comment: %(comment)s") % {"comment": comment},
            draft_page_url(country),
        ),
    )


def approve(country, *, user, waived=frozenset(), comment=""):
    """Publish what was submitted; raise ``readiness.NotReady`` as ``publish`` does."""
    target = candidate(country)
    if target is None:
        raise ReviewError(_("There is no change to approve."))
    submitter = target.submitted_by
    how = "Approved and published" + (f" (“{comment}”)" if comment else "")
    if not publishing.publish(country, user=user, waived=waived, how=how):
        raise ReviewError(_("There is no change to approve."))
    if submitter is not None and submitter != user:
        notify(
            [submitter],
            _("Published: %(country)s") % {"country": country.name},
            _paragraphs(
                _("%(user)s approved your change to %(country)s; it is now public.")
                % {"user": _name(user), "country": country.name},
                _their_comment(comment),
                public_url(country),
            ),
        )


def schedule(country, *, user, go_live_at, waived=frozenset()):
    """
    Give the candidate a go-live time. What it lacks for publication must
    be fixed or waived now (``waived``, kept for when it goes live).
    """
    with transaction.atomic():
        target = _locked_candidate(country)
        if go_live_at < timezone.now() - PAST_TOLERANCE:
            raise ReviewError(_("That time is in the past: give a time from now on."))
        if target.is_working_draft:
            clashes = target._clash_with_other_countries()
            if clashes:
                raise ValidationError(clashes)
        items = readiness.missing_for(target)
        refused = [item for item in items if item.code not in waived]
        if refused:
            raise readiness.NotReady(country, refused)
        target.go_live_at = go_live_at
        target.go_live_waived = " ".join(item.code for item in items)
        target.scheduled_by = user
        _save_state(target)
        when = timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M %Z")
        save_revision(country, user=user, comment=_step(f"Scheduled to go live {when}", "", target))


def unschedule(country, *, user):
    with transaction.atomic():
        target = _locked_candidate(country)
        if target.go_live_at is None:
            raise ReviewError(_("This change is not scheduled."))
        target.go_live_at = None
        target.go_live_waived = ""
        target.scheduled_by = None
        _save_state(target)
        save_revision(
            country, user=user, comment="Schedule removed: it will not go live by itself."
        )


def set_expiry(country, *, user, expire_at):
    if expire_at is not None and expire_at < timezone.now() - PAST_TOLERANCE:
        raise ReviewError(_("That time is in the past: give a time from now on."))
    with transaction.atomic():
        country = Country.objects.select_for_update().get(pk=country.pk)
        country.expire_at = expire_at
        country.save(update_fields=["expire_at"])
        when = expire_at and timezone.localtime(expire_at).strftime("%Y-%m-%d %H:%M %Z")
        save_revision(
            country,
            user=user,
            comment=f"To be unpublished {when}." if when else "Expiry removed.",
        )


def publish_due(now=None):
    """
    Publish every candidate whose go-live time has come, and unpublish every
    country whose expiry has come: what ``manage.py publish_scheduled`` does.
    Each one in its own transaction, locked, and checked again under the
    lock, so that servers running this at once publish each exactly once.
    Returns [(country name, what happened)].
    """
    now = now or timezone.now()
    done = []
    due = Country.with_drafts.filter(go_live_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        outcome = _publish_scheduled(pk, now)
        if outcome:
            done.append(outcome)
    expiring = Country.objects.published().filter(expire_at__lte=now).values_list("pk", flat=True)
    for pk in list(expiring):
        with transaction.atomic():
            country = _locked_if_due(Country.objects, pk, expire_at__lte=now)
            if country is None:
                continue  # done by another server meanwhile
            publishing.unpublish(country, how="Unpublished as scheduled (its expiry time came)")
            done.append((country.name, "unpublished"))
    return done


def _locked_if_due(rows, pk, **due):
    """Row ``pk`` of ``rows``, locked, if it is still ``due``; None if not, or locked by another."""
    return rows.select_for_update(skip_locked=True).filter(pk=pk, **due).first()


def _publish_scheduled(pk, now):
    with transaction.atomic():
        target = _locked_if_due(Country.with_drafts, pk, go_live_at__lte=now)
        if target is None:
            return None  # published by another server meanwhile, or unscheduled
        country = target.draft_of or target
        waived = frozenset(target.go_live_waived.split())
        scheduler, submitter = target.scheduled_by, target.submitted_by
        try:
            publishing.publish(country, user=scheduler, waived=waived, how="Published as scheduled")
        except (readiness.NotReady, ValidationError) as error:
            problem = "; ".join(
                map(str, error.items) if isinstance(error, readiness.NotReady) else error.messages
            )
            target.go_live_at = None
            target.go_live_waived = ""
            _save_state(target)
            save_revision(
                country,
                user=scheduler,
                comment=f"Not published as scheduled: {problem}. The schedule is removed.",
            )
            logger.warning("%s was not published as scheduled: %s", country.name, problem)
            outcome = (country.name, f"not published: {problem}")
        else:
            outcome = (country.name, "published")
    if outcome[1] == "published":
        people = {person for person in (scheduler, submitter) if person is not None}
        notify(
            people,
            _("Published as scheduled: %(country)s") % {"country": country.name},
            _paragraphs(
                _("The change to %(country)s went live as scheduled.") % {"country": country.name},
                public_url(country),
            ),
        )
    return outcome


# --- Who is told, and how -------------------------------------------------------


def reviewers():
    """Active users who may publish countries (Country managers, superusers)."""
    permission = Permission.objects.filter(
        content_type__app_label="strategy", codename="publish_country"
    ).first()
    may_publish = Q(is_superuser=True)
    if permission is not None:
        may_publish |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return get_user_model().objects.filter(may_publish, is_active=True).distinct()


def notify(users, subject, body):
    """
    Email ``users`` (those with an address). A mail server that fails is
    logged and reported (returns False); the step it tells of stands.
    """
    addresses = sorted({user.email for user in users if user.email})
    if not addresses:
        return True
    messages = [
        (
            _("AI Strategy Atlas: %(subject)s") % {"subject": subject},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
        for address in addresses
    ]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # a mail server that is down or refuses: the step stands
        logger.exception("Could not send “%s” to %s", subject, ", ".join(addresses))
        return False
    return True


def draft_page_url(country):
    return _absolute(reverse("admin:strategy_country_draft", args=[country.pk]))


def public_url(country):
    return _absolute(country.get_absolute_url())


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


def _name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else _("Someone")


def _their_comment(comment):
    """The email's paragraph quoting ``comment``; empty when there is none."""
    return _("Their comment: %(comment)s") % {"comment": comment} if comment else ""


def _paragraphs(*paragraphs):
    """An email's body: the paragraphs that are not empty, a blank line between them."""
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _locked_candidate(country):
    country = Country.objects.select_for_update().get(pk=country.pk)
    target = candidate(country)
    if target is None:
        raise ReviewError(_("There is no change to review: the working draft is as published."))
    return Country.with_drafts.select_for_update().get(pk=target.pk)


def _save_state(target):
    with drafts.not_recorded():
        target.save(update_fields=drafts.REVIEW_FIELDS)


def _step(what, comment, target):
    summary = target.change_summary.strip()
    parts = [what + (f" (change: {summary})" if summary else "") + "."]
    if comment:
        parts.append(f"Comment: {comment}")
    return " ".join(parts)
