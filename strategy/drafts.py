"""
Working drafts of published countries.

A published country keeps serving its live version while editors change a
working draft of it: a second row of the country table whose ``draft_of``
is the country, with goals of its own (each goal's ``origin`` the live goal
it is a draft of, None for a goal the draft adds), their themes and the
sources its text cites. Everything public reads the countries themselves:
``Country.objects`` leaves working drafts out and ``published()`` holds
live rows only, so nothing saved in a draft shows on the site, in the API,
the exports or the feeds. Publishing (``publishing.publish_draft``) writes
the draft into the country in one transaction, as one revision, and deletes
the draft.

Drafts are rows rather than a serialized copy so that a draft is edited in
the same admin form, with the same validation, goal formset and edit-
conflict check as any country, checked for publication by the same rules
(``readiness.missing_for``) and previewed by the same view and template as
the public page. A draft's saves are not revisions of the country: its
history records what was published, and the review steps.

A country that has never been published has no working draft: it is
edited directly, as it is not public.
"""

import re

import reversion
from django.db import transaction

from . import languages
from .languages import in_english
from .models import Country, Goal
from .revisions import COUNTRY_FIELDS, compare_states

# What a draft changes of its country; the rest (status, publication dates,
# old addresses, history) belongs to the country. Translated texts in every
# language, named as forms name them (read and written inside ``english()``).
CONTENT_FIELDS = languages.editable(
    ["name", "slug", "iso_code", "region", "vision", "conclusion"], languages.COUNTRY_TEXTS
)
GOAL_FIELDS = languages.editable(
    ["position", "title", "title_suggested", "description"], languages.GOAL_TEXTS
)


def not_recorded():
    """Inside it, saves are not added to any revision being recorded."""
    return reversion.create_revision(manage_manually=True)


def working_draft(country):
    """The working draft ``country`` has, edited since it was made, or None."""
    draft = Country.with_drafts.filter(draft_of=country).first()
    return draft if draft is not None and draft.draft_edited else None


def current_draft(country):
    """
    The working draft the form of ``country`` shows: one edited, or one
    made from its current version; None (the form shows the published
    version) otherwise. Only reads.
    """
    draft = Country.with_drafts.filter(draft_of=country).first()
    if draft is not None and (draft.draft_edited or draft.based_on_version == country.version):
        return draft
    return None


def form_data_for_draft(data, country, draft):
    """
    The change form's POST ``data``, if it was loaded from ``country``'s
    published version (its edit version says so), made to apply to the
    working ``draft`` that version was copied into: its goals' ids, the
    goals' country and the edit version become the draft's. A form loaded
    from an older version, or after someone else saved the draft, is left
    as it is, for the edit-conflict check to refuse.
    """
    rows = draft.goals.values_list("pk", "origin_id")
    goal_ids = {str(origin): str(pk) for pk, origin in rows if origin is not None}
    own = {str(pk) for pk, _ in rows}
    data = data.copy()
    # The goals always: a form refused for a conflict then shows the draft's
    # goals. A goal of a draft replaced since is found by its published goal.
    for key in list(data):
        if re.fullmatch(r"goals-[0-9]+-id", key) and data[key] not in own:
            live_goal = data.get(key.removesuffix("-id") + "-live_goal", "")
            data[key] = goal_ids.get(data[key]) or goal_ids.get(live_goal) or data[key]
        elif re.fullmatch(r"goals-[0-9]+-country", key):
            # The country, or a draft of it replaced since: the form's goals are the draft's.
            data[key] = str(draft.pk)
    if (
        data.get("loaded_version") == str(country.version)
        and not draft.draft_edited
        and draft.based_on_version == country.version
    ):
        data["loaded_version"] = str(draft.version)
    return data


def open_draft(country):
    """
    The working draft of the published ``country``, made from its live
    version if it has none. A draft nobody has saved yet is made again when
    the country changed since (so that it never undoes a change it did not
    make).
    """
    with transaction.atomic(), not_recorded():
        draft = Country.with_drafts.select_for_update().filter(draft_of=country).first()
        if draft is not None:
            if draft.draft_edited or draft.based_on_version == country.version:
                return draft
            draft.delete()
        return write_draft(country, snapshot(country), edited=False)


@in_english
def snapshot(country):
    """``country``'s content as it is now, in memory: (fields, [(goal pk, fields, tags)])."""
    country = Country.with_drafts.get(pk=country.pk)
    goals = [
        (goal.pk, {name: getattr(goal, name) for name in GOAL_FIELDS}, list(goal.tags.all()))
        for goal in country.goals.prefetch_related("tags")
    ]
    return {name: getattr(country, name) for name in CONTENT_FIELDS}, goals


@in_english
def write_draft(country, content, *, edited=True, summary=""):
    """
    Make ``content`` (as ``snapshot`` gives it) the working draft of the
    published ``country``, replacing any draft it had. Goals that are
    ``country``'s own goals become drafts of them; others are new.
    """
    fields, goals = content
    with transaction.atomic(), not_recorded():
        Country.with_drafts.filter(draft_of=country).delete()
        draft = Country(
            draft_of=country,
            based_on_version=country.version,
            draft_edited=edited,
            change_summary=summary,
            status=Country.Status.DRAFT,
            published_at=country.published_at,
            last_published_change=country.last_published_change,
            **fields,
        )
        draft.save()
        own = set(country.goals.values_list("pk", flat=True))
        for pk, goal_fields, tags in goals:
            goal = Goal.objects.create(
                country=draft, origin_id=pk if pk in own else None, **goal_fields
            )
            goal.tags.set(tags)
        draft.sync_citations()
    return draft


# The state of a draft's review and schedule (``strategy.review``).
REVIEW_FIELDS = [
    "review_state",
    "review_comment",
    "submitted_by",
    "go_live_at",
    "go_live_waived",
    "scheduled_by",
]
# A draft's own editorial state, which passes to its country when the
# country is unpublished.
EDITORIAL_FIELDS = ["change_summary", *REVIEW_FIELDS]


def clear_review(row):
    """End the review and schedule of ``row`` (a draft, or a country never published)."""
    for name in REVIEW_FIELDS:
        setattr(row, name, row._meta.get_field(name).get_default())


def discard_unedited(country):
    """Delete a working draft of ``country`` that nobody has saved."""
    with not_recorded():
        Country.with_drafts.filter(draft_of=country, draft_edited=False).delete()


def discard(draft):
    """Throw ``draft`` away; its country stays as it is."""
    with transaction.atomic(), not_recorded():
        draft.delete()


@in_english
def apply(draft, country):
    """
    Write ``draft``'s content into ``country`` (saved), goal by goal: a
    goal the draft has of one of the country's goals changes that goal
    (same identity, same history), a goal the draft adds is added, and a
    goal the draft removed is deleted. Run inside the transaction and
    revision that publishes it.
    """
    for name in CONTENT_FIELDS:
        setattr(country, name, getattr(draft, name))
    country.save()
    live = {goal.pk: goal for goal in country.goals.all()}
    drafted = list(draft.goals.prefetch_related("tags").order_by("position"))
    kept = {goal.origin_id for goal in drafted if goal.origin_id in live}
    Goal.objects.filter(pk__in=set(live) - kept).delete()
    Goal.objects.filter(pk__in=kept).park()
    for drafted_goal in drafted:
        goal = live.get(drafted_goal.origin_id) or Goal(country=country)
        for name in GOAL_FIELDS:
            setattr(goal, name, getattr(drafted_goal, name))
        goal.save()
        goal.tags.set(drafted_goal.tags.all())
    country.sync_citations()


# --- What a draft changes ----------------------------------------------------


@in_english
def state(country):
    """
    ``country`` (a country or a working draft) as the comparisons read it:
    (its fields, {goal key: goal fields}, {goal key: set of theme names}).
    A goal's key is its identity on the live page: a draft's goal has the
    key of the goal it is a draft of; a goal the draft adds, a key of its own.
    """
    fields = {name: getattr(country, name) for name in CONTENT_FIELDS}
    goals, themes = {}, {}
    for goal in country.goals.prefetch_related("tags"):
        key = goal_key(country, goal)
        goals[key] = {name: getattr(goal, name) for name in GOAL_FIELDS}
        themes[key] = {tag.name for tag in goal.tags.all()}
    return fields, goals, themes


def goal_key(country, goal):
    """``goal``'s identity on ``country``'s live page (see ``state``)."""
    if not country.is_working_draft:
        return goal.pk
    return goal.origin_id or f"new-{goal.pk}"


@in_english
def submitted_state(saved, form, formsets):
    """
    What an editor submitted in ``saved``'s change form (``form`` and its
    goal ``formsets``, validated), in the shape of ``state``: goals the form
    adds have keys of their own.
    """
    fields = {name: form.cleaned_data.get(name, getattr(saved, name)) for name in CONTENT_FIELDS}
    goals, themes = {}, {}
    for formset in formsets:
        for index, goal_form in enumerate(formset.forms):
            data = getattr(goal_form, "cleaned_data", None)
            if not data or formset._should_delete_form(goal_form):
                continue
            goal = goal_form.instance
            key = goal_key(saved, goal) if goal.pk else f"submitted-{index}"
            goals[key] = {name: data.get(name, getattr(goal, name)) for name in GOAL_FIELDS}
            themes[key] = set(data.get("tags") or ())
    return fields, goals, themes


def compare_with_live(draft):
    """The draft's changes to its country: (FieldChanges, GoalComparisons)."""
    return compare_states(state(draft.draft_of), state(draft), fields=DRAFT_FIELDS)


# The fields a draft's comparison shows: its status is not the country's.
DRAFT_FIELDS = [(name, label) for name, label in COUNTRY_FIELDS if name != "status"]
