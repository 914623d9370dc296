"""
What the revision history (django-reversion) says about an object: who
changed it last, and whether one of its revisions may be restored from its
own page.
"""

import datetime

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version
from reversion.revisions import _get_options

# "4 March 2026 at 14:03 UTC"
# Translators: a date format (Django's "date" filter); backslashes keep letters as they are.
WHEN_FORMAT = gettext_lazy(r"j F Y \a\t H:i T")
# A revision is dated when its request starts; a save this much later than
# the latest revision was made without one (in a shell, say).
UNRECORDED_AFTER = datetime.timedelta(minutes=1)


def latest_revision(obj):
    """The newest django-reversion revision that holds ``obj``, or None."""
    version = Version.objects.get_for_object(obj).select_related("revision__user").first()
    return version.revision if version else None


def describe_change(obj):
    """
    “Ana Ruiz (ana) on 4 March 2026 at 14:03 UTC”: who last saved ``obj``
    (as loaded now), and when, from its latest revision; just “someone” and
    the time of the save if that save made no revision.
    """
    revision = latest_revision(obj)
    updated_at = getattr(obj, "updated_at", None)
    # A model whose saves are not all revisions may say who saved it last.
    saver = getattr(obj, "last_saved_by", None)
    if saver is not None and revision is None:
        who = saver.get_username()
        if saver.get_full_name():
            who = f"{saver.get_full_name()} ({who})"
        return _saved_on(who, updated_at)
    if revision is not None and (
        updated_at is None or updated_at - revision.date_created < UNRECORDED_AFTER
    ):
        when = revision.date_created
        user = revision.user
        who = _("someone") if user is None else user.get_username()
        if user is not None and user.get_full_name():
            who = f"{user.get_full_name()} ({who})"
    else:
        when, who = updated_at, _("someone")
    if when is None:
        return who
    return _saved_on(who, when)


def _saved_on(who, when):
    """“Ana Ruiz (ana) on 4 March 2026 at 14:03 UTC”."""
    return _("%(who)s on %(when)s") % {
        "who": who,
        "when": date_format(timezone.localtime(when), WHEN_FORMAT),
    }


def revision_problems(version):
    """
    Why ``version``'s whole revision cannot be restored from its object's
    page: django-reversion reverts every object in the revision, so it may
    hold only the object itself and what the object follows (a country's
    goals and their themes), and nothing it follows may belong to another
    object by now (a goal moved to another country since). [] when it can.
    """
    versions = list(version.revision.version_set.select_related("content_type"))
    owned, parents, problems = {version.pk}, [version], []
    while parents:
        parent = parents.pop()
        for name in _get_options(parent._model).follow:
            relation = parent._model._meta.get_field(name)
            for child in versions:
                if child.pk in owned or child._model is not relation.related_model:
                    continue
                if _follows(relation, parent, child):
                    owned.add(child.pk)
                    parents.append(child)
                    problems += _moved_since(relation, parent, child)
    outsiders = [
        f"{child.object_repr} ({child._model._meta.verbose_name})"
        for child in versions
        if child.pk not in owned
    ]
    if outsiders:
        held = ", ".join(outsiders)
        problems.insert(
            0, _("it also holds %(held)s, which a restore would change too") % {"held": held}
        )
    return problems


def _follows(relation, parent, child):
    """Whether ``child`` (a version) is held by ``parent`` (a version) through ``relation``."""
    data = child.field_dict
    if isinstance(relation, GenericRelation):
        content_type = ContentType.objects.get_for_model(parent._model)
        return (
            str(data.get(relation.object_id_field_name)) == parent.object_id
            and data.get(f"{relation.content_type_field_name}_id") == content_type.pk
        )
    if relation.one_to_many and relation.auto_created:  # a reverse foreign key: goals
        return str(data.get(relation.field.attname)) == parent.object_id
    return False


def _moved_since(relation, parent, child):
    """A problem if the object ``child`` is a version of now belongs to another parent."""
    if isinstance(relation, GenericRelation) or not relation.one_to_many:
        return []
    model, attname = relation.related_model, relation.field.attname
    now = model._default_manager.filter(pk=child.object_id).values_list(attname, flat=True).first()
    if now is None or str(now) == parent.object_id:
        return []
    owner = relation.field.related_model._default_manager.filter(pk=now).first()
    return [
        _("its %(kind)s “%(object)s” is now part of %(owner)s")
        % {"kind": model._meta.verbose_name, "object": child.object_repr, "owner": owner}
    ]
