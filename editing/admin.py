"""
Admin bases for every model editors change.

* ``BusyDatabaseAdmin``: a save that meets a locked database (SQLite, one
  writer at a time) answers with the form as typed and a message.
* ``SafeEditingAdmin``: django-reversion's ``VersionAdmin`` (history,
  restore, recover) with a conflict-checked form, a last revision taken
  just before any delete, and revision pages that restore only their own
  object (``editing.history.revision_problems``).
"""

import copy
import logging
import re
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import OperationalError, router, transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import add_to_revision, create_revision, set_comment, set_user

from .diffs import field_changes
from .forms import ConflictCheckForm, is_lock_error, refusing_saves
from .history import revision_problems

logger = logging.getLogger(__name__)


def is_id(value):
    """Whether ``value`` (from a request) can be a primary key: digits, as many as fit."""
    return re.fullmatch(r"[0-9]{1,18}", value) is not None


class SelectionCheck:
    """
    Admin actions refuse, with a 400, a selection that holds anything but
    primary keys (Django's own handling fails on it with a server error).
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_id(value) for value in selected):
            return HttpResponseBadRequest("The selection holds something that is not an id.")
        return super().response_action(request, queryset)


class BusyDatabaseAdmin(SelectionCheck, admin.ModelAdmin):
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


@dataclass
class Restore:
    """
    A restore (or recover) in progress: ``keep`` holds the fields the object
    keeps (or gets) whatever the revision says, ``before`` the object as it
    was (None when recovering), ``saved`` whether the restored form was saved,
    ``request`` and ``version`` the request and the version being restored.
    """

    keep: dict
    before: object = None
    saved: bool = False
    request: object = None
    version: object = None


class SafeEditingAdmin(BusyDatabaseAdmin, VersionAdmin):
    """
    History, restore and recover (django-reversion), edit-conflict checks, and
    a revision of the last state before any delete, so a delete can be undone.

    A restore runs in one transaction, kept only if the restored form is
    saved, on a copy of the admin made for its one request, which holds the
    restore's state in ``restore`` (None on the registered admin). Set
    ``restore_keeps`` to the fields an object keeps from before when one of
    its revisions is restored, ``recover_sets`` to the fields a recovered
    object gets, and override ``prepare_restore`` for work before the
    revision is put back.
    """

    form = ConflictCheckForm
    history_latest_first = True
    restore_keeps = ()
    recover_sets = {}
    restore = None

    def prepare_restore(self, obj):
        """Hook: ``obj`` is about to have one of its revisions put back."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and self.restore is not None:
            for name, value in self.restore.keep.items():
                setattr(obj, name, value)
        return obj

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.restore is not None:
            self.restore.saved = True

    def restoring(self, restore):
        """A copy of this admin for one restore's request, holding ``restore``."""
        restoring = copy.copy(self)
        restoring.restore = restore
        return restoring

    def run_restore(self, obj, view):
        """
        Run django-reversion's restore or recover ``view`` in one transaction
        that is kept only if the restored object was saved. Showing the form
        (GET), a refused form and a failed restore all leave nothing behind.
        """
        with transaction.atomic(using=router.db_for_write(self.model)):
            if obj is not None:
                self.prepare_restore(obj)
            response = view()
            if not self.restore.saved:
                transaction.set_rollback(True)
        return response

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
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # django-reversion would put a deleted object back from its history
            # page too; that is recovering, which needs the add permission.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        version = self.get_revision_version(object_id, version_id)
        refusal = self.restore_refusal(request, version)
        if refusal:
            return refusal
        keep = {name: getattr(obj, name) for name in self.restore_keeps}
        restoring = self.restoring(Restore(keep=keep, before=obj, request=request, version=version))
        return restoring.run_restore(
            obj,
            lambda: VersionAdmin.revision_view(
                restoring, request, object_id, version_id, extra_context
            ),
        )

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        refusal = self.restore_refusal(request, self.get_recover_version(version_id))
        if refusal:
            return refusal
        restoring = self.restoring(Restore(keep=dict(self.recover_sets)))
        return restoring.run_restore(
            None,
            lambda: VersionAdmin.recover_view(restoring, request, version_id, extra_context),
        )

    # Comparing two revisions: each one against the one before it, or any two
    # chosen in the history, field by field with the words that changed.

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="{}_{}_compare".format(*info),
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        actions = getattr(response, "context_data", {}).get("action_list")
        if actions:
            versions = self._reversion_order_version_queryset(
                request, Version.objects.get_for_object_reference(self.model, unquote(object_id))
            )
            ids = list(versions.values_list("pk", flat=True))
            # Newest first: each revision's previous one is the next in the list.
            for index, (action, version_id) in enumerate(zip(actions, ids, strict=False)):
                action["version_id"] = version_id
                action["previous_id"] = ids[index + 1] if index + 1 < len(ids) else None
        return response

    def compare_fields(self):
        """(name, label) of the fields a comparison shows: the form's own by default."""
        return [
            (model_field.name, str(model_field.verbose_name))
            for model_field in self.model._meta.concrete_fields
            if model_field.editable and not model_field.primary_key
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context.get("adminform") and context["adminform"].form
        if obj is not None and form is not None and form.has_error(NON_FIELD_ERRORS, "conflict"):
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            changes, parts = self.compare_submitted(obj, form, formsets)
            context.update(conflict_changes=changes, conflict_parts=parts)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def compare_submitted(self, obj, form, formsets):
        """
        After an edit conflict: (the fields, the parts) that differ between
        ``obj`` as saved since and what the editor submitted in ``form``.
        """
        saved = type(obj)._base_manager.get(pk=obj.pk)
        fields = [(name, label) for name, label in self.compare_fields() if name in form.fields]
        submitted = {name: form.cleaned_data.get(name) for name, _ in fields}
        return field_changes(
            fields, {name: getattr(saved, name) for name, _ in fields}, submitted
        ), []

    def compare(self, old_version, new_version):
        """(the fields that changed, the parts that changed) from one version to the other."""
        return field_changes(
            self.compare_fields(), old_version.field_dict, new_version.field_dict
        ), []

    def compare_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        ids = [request.GET.get("from", ""), request.GET.get("to", "")]
        if not all(is_id(value) for value in ids):
            return HttpResponseBadRequest("Give two revisions to compare: ?from=<id>&to=<id>.")
        wanted = {int(value) for value in ids}
        if self.get_object(request, unquote(object_id)) is None:
            # A deleted object's revisions are for recovering (Recover deleted ...).
            raise Http404(f"No such {self.opts.verbose_name}.")
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        found = list(versions.filter(pk__in=wanted).select_related("revision", "revision__user"))
        if len(found) != 2:
            raise Http404(f"No such pair of revisions of this {self.opts.verbose_name}.")
        old, new = sorted(found, key=lambda version: (version.revision.date_created, version.pk))
        changes, parts = self.compare(old, new)
        info = self.opts.app_label, self.opts.model_name
        return TemplateResponse(
            request,
            "admin/compare_revisions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Compare two revisions of %(object)s") % {"object": new.object_repr},
                "object_id": object_id,
                "object_repr": new.object_repr,
                "revisions": [
                    {
                        "version": version,
                        "restore_url": reverse(
                            "admin:{}_{}_revision".format(*info), args=[object_id, version.pk]
                        ),
                    }
                    for version in (old, new)
                ],
                "changes": changes,
                "parts": parts,
                "history_url": reverse("admin:{}_{}_history".format(*info), args=[object_id]),
            },
        )

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
            _(
                "This revision cannot be restored: %(problems)s. Restore another revision, or "
                "edit the %(name)s by hand."
            )
            % {"problems": "; ".join(problems), "name": self.opts.verbose_name},
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
