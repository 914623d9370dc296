"""
Admin bases for every model editors change.

* ``BusyDatabaseAdmin``: a save that meets a locked database (SQLite, one
  writer at a time) answers with the form as typed and a message.
* ``SafeEditingAdmin``: django-reversion's ``VersionAdmin`` (history,
  restore, recover) with a conflict-checked form, a last revision taken
  just before any delete, and revision pages that restore only their own
  object (``editing.history.revision_problems``).
"""

import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, router, transaction
from django.http import Http404
from django.shortcuts import redirect
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import add_to_revision, create_revision, set_comment, set_user

from .forms import ConflictCheckForm, is_lock_error, refusing_saves
from .history import revision_problems

logger = logging.getLogger(__name__)


class BusyDatabaseAdmin(admin.ModelAdmin):
    """
    Editing forms on a database with one writer at a time (SQLite):

    * showing an add or change form only reads, so it runs without the
      transaction Django's admin opens for it, which on SQLite would queue
      for the write lock behind any long change (an import, say);
    * a save that finds the database locked for longer than its timeout
      answers with the form as the editor typed it and ``BUSY_MESSAGE``,
      instead of an error page. The form must be a ``RefusableForm``.
    """

    def add_view(self, request, form_url="", extra_context=None):
        if request.method in ("GET", "HEAD"):
            return self.show_form(request, None, form_url, extra_context)
        try:
            return super().add_view(request, form_url, extra_context)
        except OperationalError as error:
            return self.busy_view(error, request, None, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method in ("GET", "HEAD"):
            return self.show_form(request, object_id, form_url, extra_context)
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except OperationalError as error:
            return self.busy_view(error, request, object_id, form_url, extra_context)

    def show_form(self, request, object_id, form_url, extra_context):
        # Django's change form view without its transaction (it reads only).
        return admin.ModelAdmin._changeform_view(self, request, object_id, form_url, extra_context)

    def busy_view(self, error, request, object_id, form_url, extra_context):
        if request.method != "POST" or not is_lock_error(error):
            raise error
        logger.warning("Save refused, the database is locked: %s", error)
        with refusing_saves():
            return self.show_form(request, object_id, form_url, extra_context)


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
