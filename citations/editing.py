"""
Safe editing in the admin, shared by every model that editors change.

- ``fields.EditVersionField`` changes on every save of a row.
- ``ConflictCheckForm`` carries the version the editor loaded as a hidden field
  and refuses the save when someone else saved in between, saying who and when.
- ``SafeEditingAdmin`` is django-reversion's ``VersionAdmin`` (history, restore,
  recover) with that form, plus a last revision taken just before a delete.

It lives in ``citations``, the lowest layer, so that ``strategy`` can build on it.
"""

import contextvars
import datetime
import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, router, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import (
    _get_options,
    add_to_revision,
    create_revision,
    set_comment,
    set_user,
)

logger = logging.getLogger(__name__)

# "4 March 2026 at 14:03 UTC"
WHEN_FORMAT = r"j F Y \a\t H:i T"
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
    if revision is not None and (
        updated_at is None or updated_at - revision.date_created < UNRECORDED_AFTER
    ):
        when = revision.date_created
        user = revision.user
        who = "someone" if user is None else user.get_username()
        if user is not None and user.get_full_name():
            who = f"{user.get_full_name()} ({who})"
    else:
        when, who = updated_at, "someone"
    if when is None:
        return who
    return f"{who} on {date_format(timezone.localtime(when), WHEN_FORMAT)}"


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
        problems.insert(0, f"it also holds {held}, which a restore would change too")
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
    return [f"its {model._meta.verbose_name} “{child.object_repr}” is now part of {owner}"]


# --- A database too busy to save ----------------------------------------------

BUSY_MESSAGE = (
    "Not saved: the database was busy with another change and did not answer in time. "
    "What you typed is kept below; save again in a moment."
)
# Set while a form is shown again after its save met a locked database.
_save_refused = contextvars.ContextVar("save_refused", default="")


def is_lock_error(error):
    """Whether ``error`` is SQLite's "database is locked" (another writer held on too long)."""
    return isinstance(error, OperationalError) and "locked" in str(error)


class RefusableForm(forms.BaseForm):
    """A form that refuses to validate, with ``BUSY_MESSAGE``, while its save is refused."""

    def clean(self):
        refusal = _save_refused.get()
        if refusal:
            raise ValidationError(refusal, code="busy")
        return super().clean()


class BusyDatabaseAdmin(admin.ModelAdmin):
    """
    A save that finds the database locked for longer than its timeout (SQLite,
    one writer at a time) answers with the form as the editor typed it and
    ``BUSY_MESSAGE``, instead of an error page. Its form must be a
    ``RefusableForm``.
    """

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except OperationalError as error:
            return self.busy_view(error, request, None, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except OperationalError as error:
            return self.busy_view(error, request, object_id, form_url, extra_context)

    def busy_view(self, error, request, object_id, form_url, extra_context):
        if request.method != "POST" or not is_lock_error(error):
            raise error
        logger.warning("Save refused, the database is locked: %s", error)
        token = _save_refused.set(BUSY_MESSAGE)
        try:
            # Django's change form without its transaction: it only reads,
            # which SQLite allows while another connection writes.
            return admin.ModelAdmin._changeform_view(
                self, request, object_id, form_url, extra_context
            )
        finally:
            _save_refused.reset(token)


class ConflictCheckForm(RefusableForm, forms.ModelForm):
    """
    A model form that refuses to save over a change the editor has not seen.

    The model needs an ``EditVersionField`` named ``version``. The form
    carries the version it was loaded from; on save it reads the row's
    current version, locked until the save commits (``SELECT ... FOR
    UPDATE`` on PostgreSQL), and if they differ the save is refused with a
    message naming who saved and when. Everything the editor typed stays in
    the re-rendered form, which now carries the current version, so saving
    it again (after review) replaces that version with theirs.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding:
            return cleaned_data
        current = self._current_version()
        loaded = cleaned_data.get("loaded_version")
        name = self.instance._meta.verbose_name
        if current is None:
            raise ValidationError(
                f"This {name} was deleted while you were editing it, so it cannot be saved. "
                "Copy anything you typed that you want to keep.",
                code="deleted",
            )
        if loaded is None:
            self._carry_version(current)
            raise ValidationError(
                f"This form does not say which version of the {name} it was loaded from, so "
                "it was not saved. Check the values below and save again.",
                code="no_version",
            )
        if loaded != current:
            self._carry_version(current)
            history = reverse(
                f"admin:{self.instance._meta.app_label}_{self.instance._meta.model_name}_history",
                args=[self.instance.pk],
            )
            raise ValidationError(
                format_html(
                    "Not saved: this {} was saved by {}, after you opened it. What you "
                    "typed is kept below. Compare it with the current version (see its "
                    '<a href="{}" target="_blank" rel="noopener">history</a>), then save '
                    "again to replace that version with yours.",
                    name,
                    describe_change(self.instance),
                    history,
                ),
                code="conflict",
            )
        return cleaned_data

    def _current_version(self):
        model = type(self.instance)
        using = router.db_for_write(model, instance=self.instance)
        rows = model._default_manager.using(using).filter(pk=self.instance.pk)
        if transaction.get_connection(using).in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def _carry_version(self, current):
        """Re-render the form with the current version, so that saving again is deliberate."""
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = str(current)


class SafeEditingAdmin(BusyDatabaseAdmin, VersionAdmin):
    """
    History, restore and recover (django-reversion), edit-conflict checks, and
    a revision of the last state before any delete, so a delete can be undone.
    """

    form = ConflictCheckForm
    history_latest_first = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = [*options["fields"], "loaded_version"]
        return [(name, {**options, "fields": fields}), *rest]

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin runs the whole change list in one revision, so an action
        # on several objects would make one revision of all of them, and
        # restoring any one would restore them all. Actions here record their
        # own revisions, one per object.
        context = {"has_change_permission": self.has_change_permission(request)}
        context.update(extra_context or {})
        return admin.ModelAdmin.changelist_view(self, request, context)

    # django-reversion finds a revision page's version by its id and the object
    # id in the address, whatever its model, and its recover page takes any
    # version at all; both then revert the version's whole revision. Here a
    # page takes only versions of its own model (and object), and refuses
    # revisions that hold anything besides that object and what it follows.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion would put a deleted object back from its history
        # page too; that is recovering, which needs the add permission.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        version = self.get_revision_version(object_id, version_id)
        refusal = self.restore_refusal(request, version)
        if refusal:
            return refusal
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self.get_recover_version(version_id)
        refusal = self.restore_refusal(request, version)
        if refusal:
            return refusal
        return super().recover_view(request, version_id, extra_context)

    def get_revision_version(self, object_id, version_id):
        """The version ``version_id`` of this admin's object ``object_id``, or 404."""
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        version = versions.filter(pk=version_id).select_related("revision").first()
        if version is None:
            raise Http404(f"No such version of this {self.opts.verbose_name}.")
        return version

    def get_recover_version(self, version_id):
        """The version ``version_id`` of a deleted object of this admin's model, or 404."""
        versions = Version.objects.get_for_model(self.model)
        version = versions.filter(pk=version_id).select_related("revision").first()
        if version is None or self.model._default_manager.filter(pk=version.object_id).exists():
            raise Http404(f"No such deleted {self.opts.verbose_name}.")
        return version

    def restore_refusal(self, request, version):
        """
        A redirect with a message saying why ``version`` cannot be restored
        (or recovered), or None when it can.
        """
        problems = revision_problems(version)
        if not problems:
            return None
        self.message_user(
            request,
            f"This revision cannot be restored: {'; '.join(problems)}. Restore another "
            f"revision, or edit the {self.opts.verbose_name} by hand.",
            messages.ERROR,
        )
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def delete_model(self, request, obj):
        self.save_revision_before_delete(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            self.save_revision_before_delete(request, list(queryset))
            super().delete_queryset(request, queryset)

    def save_revision_before_delete(self, request, objs):
        for obj in objs:
            with create_revision():
                set_user(request.user)
                set_comment("Deleted. This is its last state, from which it can be recovered.")
                add_to_revision(obj)
