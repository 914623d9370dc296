import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from taggit.admin import TagAdmin
from taggit.models import Tag

from citations.models import Citation
from editing.admin import BusyDatabaseAdmin, SafeEditingAdmin, SelectionCheck, is_id
from editing.forms import ConflictCheckForm, RefusableForm
from editing.translations import TranslatedFieldsForm

from . import drafts, languages, publishing, readiness, review, versions
from .draft_admin import ChangesFilter, WorkingDraftAdmin
from .models import MARKDOWN_HELP, Country, CountrySlugRedirect, Goal, markdown_help
from .revisions import compare_revisions, compare_states, deleted_theme_ids, save_revision
from .themes import english_names, theme_problems, validate_theme_name


def example_key():
    """A key the atlas has, for the Markdown help's example (None in an empty atlas)."""
    return Citation.objects.order_by("key").values_list("key", flat=True).first()


def give_markdown_help(form, field_names, key):
    """The Markdown help under ``field_names``, its example the citation key ``key``."""
    if key is None:
        return
    for name in field_names:
        if name in form.fields:
            form.fields[name].help_text = form.fields[name].help_text.replace(
                MARKDOWN_HELP, markdown_help(key)
            )


class GoalForm(TranslatedFieldsForm):
    class Media:
        js = ["js/theme_autocomplete.js"]

    def __init__(self, *args, markdown_example=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The goals' formset looks the example up once for all its forms.
        give_markdown_help(self, ["description"], markdown_example or example_key())
        if "tags" in self.fields:
            self.fields["tags"].widget.attrs.update(
                {
                    "data-theme-suggestions": reverse("admin:taggit_tag_suggestions"),
                    "autocomplete": "off",
                    "role": "combobox",
                    "aria-autocomplete": "list",
                    "aria-expanded": "false",
                }
            )

    def clean_tags(self):
        names = english_names(self.cleaned_data["tags"])
        problems = theme_problems(names)
        if problems:
            raise ValidationError(problems)
        return names

    def clean(self):
        cleaned_data = super().clean()
        # An editor who writes a title has confirmed it.
        if (
            "title_suggested" in self.fields
            and "title" in self.changed_data
            and "title_suggested" not in self.changed_data
        ):
            cleaned_data["title_suggested"] = False
        return cleaned_data

    def as_draft(self):
        """The goal as submitted, for the publication check (``strategy.readiness``)."""
        data = self.cleaned_data
        return readiness.GoalDraft(
            data.get("position") or 0,
            data.get("title", ""),
            data.get("title_suggested", False),
            tuple(data.get("tags") or ()),
            data.get("description", ""),
            {name: value for name, value in data.items() if name in self.translated_columns()},
        )


class CountryForm(ConflictCheckForm, TranslatedFieldsForm):
    """
    The country's form. Making it published checks, with the goals as
    submitted, what it still lacks (``strategy.readiness``): the status is
    refused with the list, unless "Publish anyway" waives it.
    """

    waive_missing = forms.BooleanField(
        label=gettext_lazy("Publish anyway"),
        required=False,
        help_text=gettext_lazy(
            "Publish even though the country lacks what the status check lists; the "
            "waiver is written into its history with your name."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" not in self.fields:
            del self.fields["waive_missing"]  # only for those who may publish
        give_markdown_help(self, ["vision", "conclusion"], example_key())

    @cached_property
    def changed_data(self):
        # Ticking "Publish anyway" changes nothing of the country by itself.
        return [name for name in super().changed_data if name != "waive_missing"]

    @property
    def goal_formsets(self):
        """The goal formsets submitted with this form (``CountryAdmin._create_formsets``)."""
        return getattr(self.instance, "_submitted_goal_formsets", ())

    def clean(self):
        cleaned_data = super().clean()
        becomes_public = (
            "status" in self.fields
            and cleaned_data.get("status") == Country.Status.PUBLISHED
            and (self.instance._state.adding or self.initial.get("status") != "published")
        )
        if not becomes_public:
            return cleaned_data
        goals = []
        for formset in self.goal_formsets:
            if not formset.is_valid():
                return cleaned_data  # its own errors first
            goals += [
                form.as_draft()
                for form in formset.forms
                if form.cleaned_data and not formset._should_delete_form(form)
            ]
        items = readiness.missing(
            region=cleaned_data.get("region", ""),
            goals=goals,
            texts=[cleaned_data.get("vision", ""), cleaned_data.get("conclusion", "")],
            translations={
                name: value
                for name, value in cleaned_data.items()
                if name in self.translated_columns()
            },
        )
        if items and not cleaned_data.get("waive_missing"):
            self.add_error(
                "status",
                ValidationError(
                    [
                        _("Not ready to publish: %(items)s.")
                        % {"items": "; ".join(map(str, items))},
                        _(
                            "Fix these (and save as a draft meanwhile), or tick “Publish "
                            "anyway” to waive them."
                        ),
                    ],
                    code="not_ready",
                ),
            )
        self.instance._waived_for_publication = items
        return cleaned_data


class GoalAdminForm(RefusableForm, GoalForm):
    """
    A goal's own change form: refused with a message when the database is
    too busy. Goals of published countries change in the country's working
    draft (its form), never here: a goal cannot be added to one, or moved
    to or from one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's country autocomplete fails drawing a posted value that is no id.
        name = self.add_prefix("country")
        if self.is_bound and self.data.get(name) and not is_id(self.data[name]):
            self.data = self.data.copy()
            self.data[name] = ""

    def clean_country(self):
        country = self.cleaned_data["country"]
        refusals = (
            (
                country,
                _(
                    "%(country)s is published: goals cannot be moved to it here. Change its "
                    "goals in its own form, which keeps them as a working draft until published."
                ),
            ),
            (
                self.instance_country(),
                _(
                    "%(country)s is published: goals cannot be moved from it here. Change its "
                    "goals in its own form, which keeps them as a working draft until published."
                ),
            ),
        )
        for name, refusal in refusals:
            if name is not None and name.is_published:
                raise ValidationError(refusal % {"country": name})
        return country

    def instance_country(self):
        if self.instance.pk is None:
            return None
        return Country.objects.filter(pk=self.instance.country_id).first()


class GoalInlineForm(GoalForm):
    # The published goal this form's goal is (or is a draft of): a form whose
    # working draft was replaced since it was loaded (published, discarded)
    # still finds its goal in the new draft (``drafts.form_data_for_draft``).
    live_goal = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = [
            "position",
            "title",
            "title_es",
            "title_suggested",
            "description",
            "description_es",
            "tags",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "description_es": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["live_goal"].initial = self.instance.origin_id or self.instance.pk

    def clean(self):
        cleaned_data = super().clean()
        if "id" in self.errors:  # a hidden field: say it where the editor sees it
            self.add_error(
                None,
                _(
                    "This goal is no longer in the country (it was removed, or the draft it "
                    "belonged to was published or discarded since you opened the form). Copy its "
                    "text into a new goal to keep it."
                ),
            )
        return cleaned_data

    def _get_validation_exclusions(self):
        # Positions are checked among the country's goals by the formset, so
        # that editors can swap two positions in one save.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class GoalInlineFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        self.markdown_example = example_key()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "markdown_example": self.markdown_example}

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            position = form.cleaned_data.get("position")
            if position is None:
                continue
            if position in seen:
                form.add_error(
                    "position",
                    _("Goal “%(title)s” already has position %(position)s.")
                    % {"title": seen[position], "position": position},
                )
            else:
                seen[position] = form.cleaned_data.get("title", "")

    def save(self, commit=True):
        moved = [
            form.instance.pk
            for form in self.initial_forms
            if "position" in form.changed_data and form not in self.deleted_forms
        ]
        deleted = [form.instance.pk for form in self.deleted_forms if form.instance.pk]
        if moved or deleted:
            # Free the positions being given up before any goal takes one.
            Goal.objects.filter(pk__in=moved + deleted).park()
        return super().save(commit)


class GoalInline(admin.StackedInline):
    model = Goal
    form = GoalInlineForm
    formset = GoalInlineFormSet
    extra = 0
    ordering = ["position"]
    show_change_link = True


@admin.register(Country)
class CountryAdmin(WorkingDraftAdmin, SafeEditingAdmin):
    form = CountryForm
    # Reversion's change list ("Recover deleted countries") plus "Import a chapter"
    # (chapters/admin.py).
    change_list_template = "admin/strategy/country/change_list.html"
    list_display = ["name", "iso_code", "region", "status", "changes", "goal_count", "updated_at"]
    list_filter = ["status", ChangesFilter, "region"]
    search_fields = [
        *languages.stored(["name", "vision", "conclusion"], languages.COUNTRY_TEXTS),
        "iso_code",
    ]
    # Explicit, as the goal-count annotation drops the model's default ordering
    # (the goal form's country autocomplete paginates this queryset).
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "translations",
        "cited_sources",
        "old_addresses",
        "published_at",
        "last_published_change",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": [("name", "name_es"), "slug", "iso_code", "region", "status"]}),
        # Each text beside its translation (strategy/translation.py).
        (
            gettext_lazy("Text"),
            {
                "fields": [
                    ("vision", "vision_es"),
                    ("conclusion", "conclusion_es"),
                    "translations",
                ],
                "classes": ["translated-texts"],
            },
        ),
        (gettext_lazy("Sources"), {"fields": ["cited_sources"]}),
        (
            gettext_lazy("Record"),
            {
                "fields": [
                    "old_addresses",
                    "published_at",
                    "last_published_change",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [GoalInline]
    actions = ["publish_selected", "unpublish_selected"]

    def has_publish_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.publish_country")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_publish_permission(request):
            return fieldsets
        first_name, first = fieldsets[0]
        fields = list(first["fields"])
        if "status" not in fields:  # a working draft's form
            return fieldsets
        fields.insert(fields.index("status") + 1, "waive_missing")
        return [(first_name, {**first, "fields": fields}), *fieldsets[1:]]

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        obj._submitted_goal_formsets = formsets  # for CountryForm's publication check
        return formsets, inline_instances

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        waived = getattr(obj, "_waived_for_publication", None)
        if waived and reversion.is_active():
            reversion.set_comment(f"{entry.get_change_message()} {readiness.waiver_note(waived)}")
        return entry

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            # Left out of the form, so a crafted POST cannot change it either.
            readonly.append("status")
        return readonly

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(goal_count=Count("goals"))
            .select_related("working_draft")
        )

    @admin.display(description=gettext_lazy("changes"))
    def changes(self, country):
        target = country if not country.is_published else getattr(country, "working_draft", None)
        if target is None or (target.is_working_draft and not target.draft_edited):
            return "—"
        words = [_("Working draft")] if target.is_working_draft else []
        if target.review_state:
            words.append(target.get_review_state_display().lower())
        if target.go_live_at:
            words.append(_("scheduled"))
        if not words:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:strategy_country_draft", args=[country.pk]),
            ", ".join(words).capitalize(),
        )

    @admin.display(description=gettext_lazy("goals"), ordering="goal_count")
    def goal_count(self, country):
        return country.goal_count

    @admin.display(description=gettext_lazy("translations"))
    def translations(self, country):
        """Which texts each other language still lacks (they show in English there)."""
        if not country.pk:
            return _("Write the Spanish texts beside the English ones, or leave them for later.")
        goals = list(country.goals.order_by("position"))
        lines = []
        for code in languages.other_codes():
            places = languages.missing_translations(country, goals, code)
            if places:
                lines.append(
                    _("%(language)s: not yet translated: %(places)s.")
                    % {"language": languages.name_of(code), "places": ", ".join(places)}
                )
            else:
                lines.append(_("%(language)s: complete.") % {"language": languages.name_of(code)})
        return " ".join(lines)

    @admin.display(description=gettext_lazy("cited sources"))
    def cited_sources(self, country):
        if not country.pk:
            return _("Filled in from the footnote markers when you save.")
        citations = country.citations.all()
        return ", ".join(citation.key for citation in citations) or _("None yet.")

    @admin.display(description=gettext_lazy("old addresses"))
    def old_addresses(self, country):
        country = country.draft_of or country  # a working draft has its country's
        redirects = country.slug_redirects.all() if country.pk else []
        if not redirects:
            return _("None: the country has always had this slug.")
        return format_html_join(
            ", ", "/countries/{}/", ((redirect.old_slug,) for redirect in redirects)
        )

    @admin.action(description=gettext_lazy("Publish selected countries"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        """
        Publish the selected countries that are ready; when some are not, first
        a page listing what each lacks, where a Country manager may waive
        items one by one. What is neither fixed nor waived keeps the country
        a draft.
        """
        countries = list(queryset.order_by("name_en"))
        checked = "publish_checked" in request.POST
        waived = {
            country.pk: frozenset(request.POST.getlist(f"waive-{country.pk}")) if checked else ()
            for country in countries
        }
        lacking = {
            country: readiness.missing_for(target)
            for country in countries
            if (target := review.candidate(country)) is not None
        }
        if not checked and any(lacking.values()):
            return TemplateResponse(
                request,
                "admin/strategy/country/publish_check.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": _("Ready to publish?"),
                    "countries": [(country, lacking.get(country, [])) for country in countries],
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "selected": [country.pk for country in countries],
                },
            )
        published, already, refused = [], [], []
        with transaction.atomic(using=router.db_for_write(Country)):
            for country in countries:
                try:
                    if publishing.publish(country, user=request.user, waived=waived[country.pk]):
                        self.log_change(request, country, "Published.")
                        published.append(country.name)
                    else:
                        already.append(country.name)
                except readiness.NotReady as error:
                    refused.append(f"{country.name} ({'; '.join(map(str, error.items))})")
        if published:
            self.message_user(
                request,
                _("Published: %(names)s.") % {"names": ", ".join(published)},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                _("Already published, with no working draft to publish: %(names)s.")
                % {"names": ", ".join(already)},
            )
        if refused:
            self.message_user(
                request,
                _("Left as drafts, as they lack what was not waived: %(names)s.")
                % {"names": "; ".join(refused)},
                messages.WARNING,
            )
        return None

    @admin.action(
        description=gettext_lazy("Unpublish selected countries (back to draft)"),
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        with_drafts = sorted(
            country.name for country in queryset if drafts.working_draft(country) is not None
        )
        self._change_status(
            request,
            queryset,
            publishing.unpublish,
            "Unpublished",
            changed_message=_("Unpublished: %(names)s."),
            unchanged_message=_("Already unpublished, left as they were: %(names)s."),
        )
        if with_drafts:
            self.message_user(
                request,
                _(
                    "%(names)s had a working draft: its changes are now the "
                    "country's content (a draft, not public). The published version is in the "
                    "history, to restore if wanted."
                )
                % {"names": ", ".join(with_drafts)},
                messages.WARNING,
            )

    def _change_status(
        self, request, queryset, change, done, *, changed_message, unchanged_message
    ):
        """
        ``change`` each country of ``queryset``; ``done`` is the history's word
        for it, the messages (with ``%(names)s``) what the editor is told.
        """
        changed, unchanged = [], []
        with transaction.atomic(using=router.db_for_write(Country)):
            for country in queryset.order_by("name_en"):
                if change(country, user=request.user):
                    self.log_change(request, country, f"{done}.")
                    changed.append(country.name)
                else:
                    unchanged.append(country.name)
        if changed:
            self.message_user(
                request, changed_message % {"names": ", ".join(changed)}, messages.SUCCESS
            )
        if unchanged:
            self.message_user(request, unchanged_message % {"names": ", ".join(unchanged)})

    # Restoring a revision brings back content, never publication: the
    # country keeps its status and dates; a recovered country is a draft.
    restore_keeps = [
        "status",
        "published_at",
        "last_published_change",
        *drafts.EDITORIAL_FIELDS,
        "expire_at",
    ]
    recover_sets = {"status": Country.Status.DRAFT}

    def save_model(self, request, obj, form, change):
        if obj.is_working_draft:
            return self.save_draft(request, obj)
        if self.restore is not None:
            before = self.restore.before
            previous_slug = before.slug if before is not None else None
        else:
            previous_slug = form.initial.get("slug") if change else None
        # Published before this save (a slug it had only as a draft was never public).
        was_public = (
            change and Country.objects.filter(pk=obj.pk).exclude(published_at=None).exists()
        )
        obj._published_now = (
            obj.is_published and form.initial.get("status") != Country.Status.PUBLISHED
        )
        if obj._published_now:
            drafts.clear_review(obj)  # published by its status: its review is over
        publishing.record_change(obj, changed=form.has_changed() or self.restore is not None)
        super().save_model(request, obj, form, change)
        CountrySlugRedirect.objects.record_slug_change(obj, previous_slug, was_public=was_public)

    def save_related(self, request, form, formsets, change):
        if form.instance.is_working_draft:
            return self.save_draft_related(request, form, formsets, change)
        super().save_related(request, form, formsets, change)
        country = form.instance
        country.sync_citations()
        # (A published country's form saves its working draft: only a draft's
        # form gets here, and publishes it by its status.)
        if getattr(country, "_published_now", False):
            versions.record(country)

    def compare(self, old_version, new_version):
        return compare_revisions(old_version, new_version)

    def compare_submitted(self, obj, form, formsets):
        saved = Country.with_drafts.get(pk=obj.pk)
        return compare_states(
            drafts.state(saved),
            drafts.submitted_state(saved, form, formsets),
            fields=drafts.DRAFT_FIELDS,
        )

    def run_restore(self, obj, view):
        """
        A published country's revision is restored into its working draft:
        the restore runs as for any country, its result is kept in memory,
        the transaction rolled back (the public version untouched), and the
        result written as the working draft.
        """
        if obj is None or not obj.is_published:
            return super().run_restore(obj, view)
        request = self.restore.request
        if request.method == "GET" and drafts.working_draft(obj) is not None:
            self.message_user(
                request,
                _(
                    "%(country)s has a working draft: saving this revision replaces it (its "
                    "changes are lost). Compare them on the draft page first."
                )
                % {"country": obj},
                messages.WARNING,
            )
        with transaction.atomic(using=router.db_for_write(self.model)):
            self.prepare_restore(obj)
            response = view()
            restored = drafts.snapshot(obj) if self.restore.saved else None
            transaction.set_rollback(True)
        if restored is not None:
            when = timezone.localtime(self.restore.version.revision.date_created)
            drafts.write_draft(
                obj, restored, summary=f"Restored the revision of {when:%Y-%m-%d %H:%M}."
            )
            self.message_user(
                self.restore.request,
                _(
                    "The revision is restored into the working draft: the public still sees the "
                    "published version until the draft is published."
                ),
                messages.WARNING,
            )
            return redirect("admin:strategy_country_draft", obj.pk)
        return response

    def prepare_restore(self, country):
        # Goals are put back one by one; two that swapped positions since
        # would each find the other's position taken.
        Goal.objects.filter(country=country).park()

    def restore_refusal(self, request, version):
        missing = deleted_theme_ids(version.revision)
        if missing:
            self.message_user(
                request,
                _(
                    "This revision cannot be restored: its goals had themes that have been "
                    "deleted since (theme ids %(ids)s). Restore a later revision, or edit the "
                    "country by hand."
                )
                % {"ids": ", ".join(map(str, missing))},
                messages.ERROR,
            )
            return redirect("admin:strategy_country_changelist")
        return super().restore_refusal(request, version)


@admin.register(Goal)
class GoalAdmin(BusyDatabaseAdmin):
    form = GoalAdminForm
    fields = [
        "country",
        "position",
        ("title", "title_es"),
        "title_suggested",
        ("description", "description_es"),
        "tags",
    ]
    list_display = ["title", "country", "position", "theme_list"]
    list_select_related = ["country"]
    list_filter = ["country__region", "tags"]
    search_fields = ["title_en", "title_es", "description_en", "description_es", "country__name_en"]
    autocomplete_fields = ["country"]
    ordering = ["country__name_en", "position"]

    def get_queryset(self, request):
        # The goals of countries, not of working drafts (those are in their draft's form).
        return super().get_queryset(request).filter(country__draft_of=None).prefetch_related("tags")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.country.is_published:
            return False  # changed in the country's working draft
        return super().has_change_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        goal = self.get_object(request, unquote(object_id))
        if goal is not None and goal.country.is_published:
            # (Deleting the country deletes its goals: that stays allowed.)
            raise PermissionDenied(
                "Goals of published countries are removed in the country's form."
            )
        return super().delete_view(request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.country.is_published:
            context["show_delete"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        goal = self.get_object(request, unquote(object_id))
        if goal is not None and goal.country.is_published and request.method == "GET":
            self.message_user(
                request,
                format_html(
                    _(
                        '{} is published: change this goal in <a href="{}">the country\'s '
                        "form</a>, which keeps changes as a working draft until they are "
                        "published."
                    ),
                    goal.country,
                    reverse("admin:strategy_country_change", args=[goal.country_id]),
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        published = sorted({str(goal.country) for goal in objs if goal.country.is_published})
        if published:
            perms_needed = {
                *perms_needed,
                _("goals of published countries (%(names)s): remove them in the country's form")
                % {"names": ", ".join(published)},
            }
        return deleted, counts, perms_needed, protected

    @admin.display(description=gettext_lazy("themes"))
    def theme_list(self, goal):
        return ", ".join(tag.name for tag in goal.tags.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        goal = form.instance
        action = "Changed" if change else "Added"
        self._save_country(
            request,
            goal.country,
            f"{action} goal “{goal}” on its own page.",
            changed=form.has_changed(),
        )
        if change and "country" in form.changed_data:
            previous = Country.objects.get(pk=form.initial["country"])
            self._save_country(
                request, previous, f"Moved goal “{goal}” to {goal.country}.", changed=True
            )

    def delete_model(self, request, obj):
        self._delete_goals(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete_goals(request, list(queryset.select_related("country")))

    def _delete_goals(self, request, goals):
        with transaction.atomic(using=router.db_for_write(Goal)):
            for goal in goals:
                country = goal.country
                save_revision(
                    country,
                    user=request.user,
                    comment=f"Last state before goal “{goal}” was deleted.",
                )
                goal.delete()
                self._save_country(request, country, f"Deleted goal “{goal}”.", changed=True)

    def _save_country(self, request, country, comment, *, changed):
        """
        A goal changed on its own page: save its country too, so that the
        change is in the country's history and editors with the country's
        form open are warned before they save over it.
        """
        country.sync_citations()
        publishing.record_change(country, changed=changed)
        country.save()
        save_revision(country, user=request.user, comment=comment)


class ThemeForm(TranslatedFieldsForm):
    """
    A theme (a django-taggit tag) as the admin edits it, named as themes must
    be: its English name (the name goals' theme fields use) and its Spanish one.
    """

    class Meta:
        model = Tag
        fields = ["name", "name_es", "slug"]

    def clean_name_es(self):
        name = self.cleaned_data.get("name_es")
        if name:
            validate_theme_name(name)
            clash = Tag.objects.filter(name_es__iexact=name).exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(_("Another theme already has this Spanish name."))
        return name

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_theme_name(name)
        return name


# django-taggit's own admin for tags, with the atlas's rules for themes.
admin.site.unregister(Tag)


@admin.register(Tag)
class ThemeAdmin(SelectionCheck, TagAdmin):
    """
    Themes in the admin: how many goals use each, and merging several into
    one, recorded in the history of each country whose goals it changes.
    (django-taggit's own "Merge selected tags" page is left out: it checks
    no permission, validates no name and records nothing.)
    """

    form = ThemeForm
    list_display = ["name_en", "name_es", "slug", "goal_count"]
    search_fields = ["name_en", "name_es"]
    actions = ["merge_themes"]

    def get_urls(self):
        suggestions = path(
            "suggestions/",
            self.admin_site.admin_view(self.suggestions_view),
            name="taggit_tag_suggestions",
        )
        # Without taggit's merge-tags page.
        return [suggestions, *admin.ModelAdmin.get_urls(self)]

    # How many themes the goal form's autocomplete offers at once.
    SUGGESTIONS = 10

    def suggestions_view(self, request):
        """Existing themes whose names start with, then contain, ``?q=``: for the goal form."""
        if not (self.has_view_permission(request) or request.user.has_perm("strategy.change_goal")):
            raise PermissionDenied
        typed = request.GET.get("q", "").strip()[:100]
        if not typed:
            return JsonResponse({"themes": []})
        themes = Tag.objects.order_by("name_en").values_list("name_en", flat=True)
        names = list(themes.filter(name_en__istartswith=typed)[: self.SUGGESTIONS])
        if len(names) < self.SUGGESTIONS:
            more = themes.filter(name_en__icontains=typed).exclude(name_en__in=names)
            names += list(more[: self.SUGGESTIONS - len(names)])
        return JsonResponse({"themes": names})

    def get_queryset(self, request):
        goals = ContentType.objects.get_for_model(Goal)
        return (
            super()
            .get_queryset(request)
            .annotate(
                goal_count=Count(
                    "taggit_taggeditem_items",
                    filter=models.Q(taggit_taggeditem_items__content_type=goals),
                )
            )
        )

    @admin.display(description=gettext_lazy("goals"), ordering="goal_count")
    def goal_count(self, theme):
        return theme.goal_count

    # Merging deletes the merged themes: for those who may delete themes (and change them).
    @admin.action(
        description=gettext_lazy("Merge selected themes into one"), permissions=["delete"]
    )
    def merge_themes(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        themes = list(queryset.order_by("name_en"))
        if len(themes) < 2:
            self.message_user(request, _("Select two themes or more to merge."), messages.WARNING)
            return None
        kept = next((t for t in themes if str(t.pk) == request.POST.get("merge_into")), None)
        if kept is None:
            return TemplateResponse(
                request,
                "admin/taggit/tag/merge_themes.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": _("Merge themes"),
                    "themes": themes,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        others = [theme for theme in themes if theme != kept]
        names = ", ".join(f"“{theme.name}”" for theme in others)
        comment = f"Themes {names} merged into “{kept.name}”."
        with transaction.atomic(using=router.db_for_write(Tag)):
            goals = list(Goal.objects.filter(tags__in=others).distinct().select_related("country"))
            for goal in goals:
                goal.tags.add(kept)
                goal.tags.remove(*others)
            # Working drafts' goals are merged too, and are not revisions.
            for country in {goal.country for goal in goals if not goal.country.is_working_draft}:
                publishing.save_change(country)  # its pages show the themes
                save_revision(country, user=request.user, comment=comment)
                if country.is_published:
                    versions.record(country, comment)
            for theme in others:
                theme.delete()
        # The history's comment stays in English; the editor is told in their language.
        merged = _("Themes %(names)s merged into “%(theme)s”.") % {
            "names": names,
            "theme": kept.name,
        }
        self.message_user(
            request,
            ngettext(
                "%(merged)s %(count)d goal changed.",
                "%(merged)s %(count)d goals changed.",
                len(goals),
            )
            % {"merged": merged, "count": len(goals)},
            messages.SUCCESS,
        )
        return None
