"""
Revision history of countries, kept by django-reversion.

A revision of a country holds, as they were at one moment, the country, its
goals and the themes of each goal (their django-taggit ``TaggedItem`` rows),
with who made it and a comment. The admin records one on every save,
publish, unpublish and delete, and shows them under "History", where an
editor can restore any of them (or recover a deleted country, goals and all).

Code that changes a country outside the admin — importing a chapter, loading
a fixture — calls ``save_revision()`` once it is done, inside the same
transaction, so that the change appears in the country's history as one step.
"""

from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from editing.diffs import field_changes

from . import languages
from .models import Country, Goal


def register():
    """
    Keep countries' and goals' revisions with django-reversion: a country
    with its goals, a goal with its themes (``TaggedItem`` rows, registered
    in ``strategy.models``); ``citations`` is worked out again from the text
    after a restore. Called by ``strategy.translation`` once
    django-modeltranslation has added the columns of every language:
    django-reversion takes the list of fields when a model is registered,
    and a revision must hold every language. (That module is loaded by
    modeltranslation's ``ready()``, which runs before the admin's, whose
    ``VersionAdmin`` would otherwise register the models its own way.)
    """
    reversion.register(Country, follow=["goals"], exclude=["citations"])
    reversion.register(Goal, follow=["tagged_items"], exclude=["tags"])


def save_revision(country, *, user=None, comment=""):
    """
    Record ``country`` as it now is in the database — its fields, its goals
    and their themes — as one revision by ``user`` (None for a command) with
    ``comment``, e.g. "Imported from mexico.md.". Inside an active
    ``reversion.create_revision()`` block the country joins that revision.
    """
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        reversion.add_to_revision(country)


def deleted_theme_ids(revision):
    """
    The themes (tags) that goals in ``revision`` carried and that have been
    deleted since. Tags are shared by every country and are not part of a
    country's revisions, so such a revision cannot be restored as it was.
    """
    tag_ids = {
        version.field_dict["tag_id"] for version in revision.version_set.get_for_model(TaggedItem)
    }
    return sorted(tag_ids - set(Tag.objects.filter(pk__in=tag_ids).values_list("pk", flat=True)))


# --- Comparing two revisions of a country --------------------------------------------

# Each translated field in every language, named as forms name them (the
# plain name is English; languages.as_editable names a revision's so).
COUNTRY_FIELDS = languages.labelled(
    [
        ("name", "name"),
        ("slug", "slug"),
        ("iso_code", "ISO code"),
        ("region", "region"),
        ("status", "status"),
        ("vision", "vision"),
        ("conclusion", "conclusion"),
    ],
    languages.COUNTRY_TEXTS,
)
GOAL_FIELDS = languages.labelled(
    [
        ("title", "title"),
        ("title_suggested", "title only suggested"),
        ("description", "description"),
    ],
    languages.GOAL_TEXTS,
)


@dataclass
class GoalComparison:
    """What happened to one goal between two revisions, matched by its identity."""

    kind: str  # "added", "removed", "changed" or "unchanged"
    title: str
    old_position: int | None
    new_position: int | None
    changes: list = field(default_factory=list)  # editing.diffs.FieldChange
    themes_added: list = field(default_factory=list)
    themes_removed: list = field(default_factory=list)
    other_country: str = ""  # for a goal moved here from, or away to, another country
    key: object = None  # the goal's identity in the compared states

    @property
    def moved(self):
        return None not in (self.old_position, self.new_position) and (
            self.old_position != self.new_position
        )


def revision_state(version):
    """
    A country as ``version`` (one of its versions) holds it: (its fields,
    {goal pk: goal fields}, {goal pk: set of theme names}).
    """
    goal_type = ContentType.objects.get_for_model(Goal)
    goals, tag_ids = {}, {}
    for item in version.revision.version_set.select_related("content_type"):
        if item.content_type_id == goal_type.pk:
            fields = item.field_dict
            if str(fields.get("country_id")) == str(version.object_id):
                goals[int(item.object_id)] = languages.as_editable(fields, languages.GOAL_TEXTS)
        elif item.content_type.model_class() is TaggedItem:
            fields = item.field_dict
            if fields.get("content_type_id") == goal_type.pk:
                tag_ids.setdefault(int(fields["object_id"]), set()).add(fields["tag_id"])
    names = dict(
        Tag.objects.filter(pk__in={i for ids in tag_ids.values() for i in ids}).values_list(
            "pk", "name_en"
        )
    )
    themes = {
        pk: {names.get(tag_id, f"(deleted theme {tag_id})") for tag_id in ids}
        for pk, ids in tag_ids.items()
        if pk in goals
    }
    return languages.as_editable(version.field_dict, languages.COUNTRY_TEXTS), goals, themes


def compare_revisions(old_version, new_version):
    """
    The country's fields that changed from ``old_version`` to
    ``new_version`` (FieldChanges), and each goal's GoalComparison, in the
    order of the newer page (removed goals last).
    """
    changes, goals = compare_states(revision_state(old_version), revision_state(new_version))
    _moved_between_countries(goals, new_version)
    return changes, goals


def compare_states(old_state, new_state, fields=COUNTRY_FIELDS):
    """
    What changed from one state of a country to another (each as
    ``revision_state`` or ``drafts.state`` gives it): the ``fields`` that
    changed (FieldChanges), and each goal's GoalComparison, matched by its
    key, in the order of the newer page (removed goals last).
    """
    old_fields, old_goals, old_themes = old_state
    new_fields, new_goals, new_themes = new_state
    changes = field_changes(fields, old_fields, new_fields)
    goals = []
    for key in sorted(new_goals, key=lambda key: new_goals[key]["position"]):
        new = new_goals[key]
        before_themes, after_themes = old_themes.get(key, set()), new_themes.get(key, set())
        if key not in old_goals:
            goals.append(
                GoalComparison(
                    "added", new["title"], None, new["position"],
                    field_changes(GOAL_FIELDS, {}, new), sorted(after_themes), key=key,
                )
            )  # fmt: skip
            continue
        old = old_goals[key]
        comparison = GoalComparison(
            "changed",
            new["title"],
            old["position"],
            new["position"],
            field_changes(GOAL_FIELDS, old, new),
            sorted(after_themes - before_themes),
            sorted(before_themes - after_themes),
            key=key,
        )
        if not (
            comparison.changes
            or comparison.moved
            or comparison.themes_added
            or comparison.themes_removed
        ):
            comparison.kind = "unchanged"
        goals.append(comparison)
    for key in sorted(set(old_goals) - set(new_goals), key=lambda key: old_goals[key]["position"]):
        old = old_goals[key]
        goals.append(
            GoalComparison(
                "removed", old["title"], old["position"], None,
                field_changes(GOAL_FIELDS, old, {}), [], sorted(old_themes.get(key, set())),
                key=key,
            )
        )  # fmt: skip
    return changes, goals


def _moved_between_countries(goals, new_version):
    """Mark added and removed goals that came from, or went to, another country."""
    country_id = str(new_version.object_id)
    removed = [goal.key for goal in goals if goal.kind == "removed"]
    moved_to = dict(
        Goal.objects.filter(pk__in=removed)
        .exclude(country_id=country_id)
        .values_list("pk", "country__name_en")
    )
    added = [goal.key for goal in goals if goal.kind == "added"]
    moved_from = {}
    earlier = Version.objects.get_for_model(Goal).filter(
        object_id__in=[str(pk) for pk in added],
        revision__date_created__lt=new_version.revision.date_created,
    )
    for version in earlier.order_by("-revision__date_created"):
        other = str(version.field_dict.get("country_id"))
        if other != country_id and int(version.object_id) not in moved_from:
            moved_from[int(version.object_id)] = other
    names = dict(Country.objects.filter(pk__in=moved_from.values()).values_list("pk", "name"))
    for goal in goals:
        if goal.kind == "removed" and goal.key in moved_to:
            goal.kind, goal.other_country = "moved away", moved_to[goal.key]
        elif goal.kind == "added" and goal.key in moved_from:
            goal.kind = "moved here"
            goal.other_country = names.get(int(moved_from[goal.key]), "another country")
