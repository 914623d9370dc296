"""
The search index follows every save and delete that can change what the
public sees: a country (published, unpublished, edited, restored, renamed),
a goal, a goal's themes, a source, and which sources a country cites.
Handlers run inside the change's own transaction, so a change and its index
entries are committed, or rolled back, together.
"""

import threading

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import TaggedItem

from citations.models import Citation
from strategy.models import Country, Goal

from . import index

# Countries being deleted right now, in this thread: their goals' deletions
# must not write the country's documents again just before it goes.
_deleting = threading.local()


def _being_deleted():
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    return _deleting.ids


def country_changed(sender, instance, **kwargs):
    if instance.draft_of_id is None and instance.pk not in _being_deleted():
        index.index_country(instance.pk)


def country_deleting(sender, instance, **kwargs):
    _being_deleted().add(instance.pk)


def country_deleted(sender, instance, **kwargs):
    _being_deleted().discard(instance.pk)
    index.index_sources()


def goal_changed(sender, instance, **kwargs):
    if instance.country_id not in _being_deleted():
        index.index_country(instance.country_id)


def goal_themes_changed(sender, instance, **kwargs):
    if ContentType.objects.get_for_id(instance.content_type_id).model_class() is not Goal:
        return
    country_id = Goal.objects.filter(pk=instance.object_id).values_list("country_id", flat=True)
    country_id = country_id.first()
    if country_id is not None and country_id not in _being_deleted():
        index.index_country(country_id)


def goal_themes_set(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Goal):
        goal_changed(Goal, instance)


def citation_changed(sender, instance, **kwargs):
    index.index_sources([instance.pk])


def citations_cited_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        index.index_sources()


def connect():
    uid = "search-index"
    post_save.connect(country_changed, sender=Country, dispatch_uid=uid)
    pre_delete.connect(country_deleting, sender=Country, dispatch_uid=uid)
    post_delete.connect(country_deleted, sender=Country, dispatch_uid=uid)
    post_save.connect(goal_changed, sender=Goal, dispatch_uid=uid)
    post_delete.connect(goal_changed, sender=Goal, dispatch_uid=uid)
    post_save.connect(goal_themes_changed, sender=TaggedItem, dispatch_uid=uid)
    post_delete.connect(goal_themes_changed, sender=TaggedItem, dispatch_uid=uid)
    m2m_changed.connect(goal_themes_set, sender=TaggedItem, dispatch_uid=uid)
    post_save.connect(citation_changed, sender=Citation, dispatch_uid=uid)
    m2m_changed.connect(citations_cited_changed, sender=Country.citations.through, dispatch_uid=uid)
