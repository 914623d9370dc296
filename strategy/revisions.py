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

import reversion
from taggit.models import Tag, TaggedItem


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
