"""
Safe editing in the admin, shared by every model that editors change.

- ``fields.EditVersionField`` changes on every save of a row.
- ``ConflictCheckForm`` carries the version the editor loaded as a hidden field
  and refuses the save when someone else saved in between, saying who and when.
- ``SafeEditingAdmin`` is django-reversion's ``VersionAdmin`` (history, restore,
  recover) with that form, plus a last revision taken just before a delete.

It lives in ``citations``, the lowest layer, so that ``strategy`` can build on it.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import add_to_revision, create_revision, set_comment, set_user

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


class ConflictCheckForm(forms.ModelForm):
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


class SafeEditingAdmin(VersionAdmin):
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

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion would put a deleted object back from its history
        # page too; that is recovering, which needs the add permission.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().revision_view(request, object_id, version_id, extra_context)

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
