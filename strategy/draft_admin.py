"""
The admin of working drafts and their review (``strategy.drafts``,
``strategy.review``), mixed into ``CountryAdmin``.

* A published country's change form edits its working draft: the form
  opens the draft (made from the live version the first time), saving saves
  the draft, and the public keeps the live version.
* Its draft page (``<pk>/draft/``) compares the draft with the live version
  and holds the review's steps: submit for review (those who may change
  countries), publish or approve, send back, schedule, set an expiry and
  discard (those who may publish).
"""

import copy
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.utils import parse_tags

from . import drafts, readiness, review
from .models import MAX_TEXT_LENGTH, Country, Goal
from .themes import give_themes
from .views import render_country


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


def when_field(label, *, required):
    zone = timezone.get_default_timezone_name()

    def help_text():
        return _("In the site's time zone (%(zone)s).") % {"zone": zone}

    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        # Translated when shown, not when the form class is made.
        help_text=lazy(help_text, str)(),
    )


def comment_field(label, *, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=review.MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class StepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    # The edit version of the draft the page showed: publishing or scheduling
    # is refused if it changed since (the manager approves what they saw).
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Whether the step needs the publish permission (else the change permission).
    for_publishers = True
    # The step's heading on the page (another while the draft awaits review),
    # and its button's words (the heading's unless said).
    title = title_when_submitted = button = ""

    def __init__(self, *args, lacking=(), submitted=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.heading = (submitted and self.title_when_submitted) or self.title
        self.button = self.button or self.heading
        self.fields["step"].initial = self.name
        if "waive" in self.fields:
            self.fields["waive"].choices = [
                (item.code, _("Waive: %(item)s") % {"item": item}) for item in lacking
            ]
            if not lacking:
                del self.fields["waive"]

    def waived(self):
        return frozenset(self.cleaned_data.get("waive") or ())


def waive_field():
    return forms.MultipleChoiceField(
        label=gettext_lazy("What it lacks"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("A waived item is written into the history with your name."),
    )


class SubmitForm(StepForm):
    name = "submit"
    title = gettext_lazy("Submit for review")
    for_publishers = False
    comment = comment_field(gettext_lazy("Comment for the reviewer"))


class PublishForm(StepForm):
    name = "publish"
    title = gettext_lazy("Publish now")
    title_when_submitted = gettext_lazy("Approve and publish")
    comment = comment_field(gettext_lazy("Comment"))
    waive = waive_field()


class SendBackForm(StepForm):
    name = "send-back"
    title = gettext_lazy("Send back")
    comment = comment_field(gettext_lazy("What needs changing"), required=True)


class ScheduleForm(StepForm):
    name = "schedule"
    title = gettext_lazy("Schedule")
    go_live_at = when_field(gettext_lazy("Go live at"), required=True)
    waive = waive_field()


class UnscheduleForm(StepForm):
    name = "unschedule"
    title = gettext_lazy("Remove the schedule")


class ExpiryForm(StepForm):
    name = "expiry"
    title, button = gettext_lazy("Unpublish later"), gettext_lazy("Save the expiry")
    expire_at = when_field(gettext_lazy("Unpublish at"), required=False)


class DiscardForm(StepForm):
    name = "discard"
    title = gettext_lazy("Discard the working draft")
    button = gettext_lazy("Discard the draft")
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, throw the working draft away: its changes are lost."),
        required=True,
    )


STEPS = {form.name: form for form in [SubmitForm, PublishForm, SendBackForm, ScheduleForm,
                                       UnscheduleForm, ExpiryForm, DiscardForm]}  # fmt: skip


class ChangesFilter(admin.SimpleListFilter):
    """The change list narrowed to countries with changes on their way."""

    title = gettext_lazy("changes")
    parameter_name = "changes"

    def lookups(self, request, model_admin):
        return [
            ("review", _("Awaiting review")),
            ("draft", _("With a working draft")),
            ("scheduled", _("Scheduled")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "review":
            return queryset.filter(awaiting_review())
        if value == "draft":
            return queryset.filter(working_draft__draft_edited=True)
        if value == "scheduled":
            return queryset.filter(
                Q(go_live_at__isnull=False)
                | Q(working_draft__go_live_at__isnull=False)
                | Q(expire_at__isnull=False)
            )
        return queryset


def awaiting_review():
    """Countries with a change awaiting review: a working draft, or a country never published."""
    submitted = Country.ReviewState.SUBMITTED
    return Q(status=Country.Status.DRAFT, review_state=submitted) | Q(
        status=Country.Status.PUBLISHED,
        working_draft__draft_edited=True,
        working_draft__review_state=submitted,
    )


# The most goals a preview renders: the goal formset's own limit.
MAX_PREVIEW_GOALS = 1000


def preview_page(data):
    """
    The country page that the change form's POST ``data`` would make, as
    unsaved objects: (country, goals). Raise ValueError, saying what, for
    data no form would send.
    """

    def get(name):  # as the form's fields take it: no NUL characters
        return data.get(name, "").replace("\x00", "\ufffd")

    texts = [get(name) for name in ("vision", "conclusion")]
    try:
        total = int(data.get("goals-TOTAL_FORMS", "0"))
    except ValueError:
        raise ValueError(_("The goals' count is not a number.")) from None
    if not 0 <= total <= MAX_PREVIEW_GOALS:
        raise ValueError(_("A country has at most %(limit)s goals.") % {"limit": MAX_PREVIEW_GOALS})
    slug = get("slug")
    region = get("region")
    country = Country(
        name=get("name")[:100],
        slug=slug if re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", slug) else "preview",
        region=region if region in Country.Region.values else "",
        vision=texts[0],
        conclusion=texts[1],
    )
    goals = []
    for index in range(total):
        field = f"goals-{index}-{{}}".format
        if get(field("DELETE")) or not get(field("title")).strip():
            continue
        description = get(field("description"))
        texts.append(description)
        position = get(field("position"))
        goal = Goal(
            country=country,
            position=int(position) if re.fullmatch(r"[0-9]{1,4}", position) else index + 1,
            title=get(field("title"))[:200],
            description=description,
        )
        goals.append((goal, parse_tags(get(field("tags")))[:50]))
    if any(len(text) > MAX_TEXT_LENGTH for text in texts):
        raise ValueError(
            _("A text is longer than %(limit)s characters.") % {"limit": f"{MAX_TEXT_LENGTH:,}"}
        )
    give_themes(goals)
    return country, [goal for goal, _themes in sorted(goals, key=lambda pair: pair[0].position)]


class WorkingDraftAdmin:
    """``CountryAdmin``'s handling of working drafts; see the module's docstring."""

    draft = None  # the working draft, on a copy of the admin made for one request

    # --- The change form edits the working draft ---------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.restore is None and self.drafting is None:
            country = self.get_object(request, unquote(object_id))
            if (
                country is not None
                and country.is_published
                and self.has_change_permission(request, country)
            ):
                return self.draft_change_view(request, country, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def draft_change_view(self, request, country, object_id, form_url, extra_context):
        """
        The change form of the published ``country`` edits its working draft.
        Showing the form only reads: without a draft, it shows the published
        version, and the draft is made by the first save, which applies to
        it the form as loaded from the published version.
        """
        editing = copy.copy(self)
        editing.drafting = country
        if request.method == "POST":
            editing.draft = drafts.open_draft(country)
            request.POST = drafts.form_data_for_draft(request.POST, country, editing.draft)
        else:
            editing.draft = drafts.current_draft(country)
        context = {**(extra_context or {}), "working_draft_of": country}
        return editing.change_view(request, object_id, form_url, context)

    drafting = None  # the published country whose working draft the form edits

    def is_draft_form(self, obj):
        return obj is not None and (
            obj.is_working_draft or (self.drafting is not None and obj.pk == self.drafting.pk)
        )

    def get_object(self, request, object_id, from_field=None):
        if self.draft is not None and str(self.draft.draft_of_id) == str(object_id):
            return Country.with_drafts.filter(pk=self.draft.pk).first()
        return super().get_object(request, object_id, from_field)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.is_draft_form(obj):
            return fieldsets
        (first_name, first), *rest = fieldsets
        fields = []
        for name in first["fields"]:
            if name == "status":
                fields += ["publication", "change_summary"]
            elif name != "waive_missing":
                fields.append(name)
        return [(first_name, {**first, "fields": fields}), *rest]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "publication"]

    @admin.display(description=gettext_lazy("publication"))
    def publication(self, country):
        live = country.draft_of or country
        if not live.is_published:
            return country.get_status_display()
        return format_html(
            _(
                "Published. You are editing its <strong>working draft</strong>: what you save "
                "here is kept as a draft, and the public sees the published version until the "
                'draft is published (<a href="{}">the draft: compare, review, publish</a>).'
            ),
            reverse("admin:strategy_country_draft", args=[live.pk]),
        )

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if self.is_draft_form(obj):
            # A draft's goals have no page of their own.
            for inline in inlines:
                inline.show_change_link = False
        return inlines

    def save_draft(self, request, draft):
        """Save the working draft from its form: not a revision, nothing public changes."""
        draft.draft_edited = True
        draft.last_saved_by = request.user
        if draft.is_submitted or draft.go_live_at:
            # What was reviewed or scheduled is not what is saved now.
            self.message_user(
                request,
                _("Its review and schedule are withdrawn, as it changed: submit it again."),
                messages.WARNING,
            )
            drafts.clear_review(draft)
        with drafts.not_recorded():
            draft.save()

    def save_draft_related(self, request, form, formsets, change):
        with drafts.not_recorded():
            admin.ModelAdmin.save_related(self, request, form, formsets, change)
            form.instance.sync_citations()

    def log_change(self, request, obj, message):
        if obj.is_working_draft:
            return super().log_change(request, obj.draft_of, ["Saved its working draft."])
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not obj.is_working_draft or "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _(
                "The working draft of %(country)s was saved. The public still sees the published "
                "version; below, the draft compared with it."
            )
            % {"country": obj.name},
            messages.SUCCESS,
        )
        return redirect("admin:strategy_country_draft", obj.draft_of_id)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.is_draft_form(obj):
            live = obj.draft_of or obj
            context.update(
                working_draft_of=live,
                draft_url=reverse("admin:strategy_country_draft", args=[live.pk]),
                show_save_and_add_another=False,
                # A draft is discarded on its page; the country is deleted as a country.
                show_delete=False,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- The draft page: comparison and review --------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        draft = path(
            "<path:object_id>/draft/",
            self.admin_site.admin_view(self.draft_view),
            name="{}_{}_draft".format(*info),
        )
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="{}_{}_preview".format(*info),
        )
        return [preview, draft, *super().get_urls()]

    def preview_view(self, request):
        """
        The change form's "Preview": the page as the form would make it, not
        saved, rendered by the site's own view (footnotes numbered, sources
        listed); for the editor alone, never cached.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        try:
            country, goals = preview_page(request.POST)
        except ValueError as error:
            return HttpResponseBadRequest(str(error))
        response = render_country(request, country, goals, preview=True)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def draft_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        country = Country.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if country is None:
            raise Http404("No such country.")
        target = review.candidate(country)
        forms_ = {}
        lacking = readiness.missing_for(target) if target is not None else []
        if request.method == "POST":
            step = STEPS.get(request.POST.get("step", ""))
            if step is None:
                return HttpResponseBadRequest("Unknown step.")
            allowed = (
                self.has_publish_permission(request)
                if step.for_publishers
                else self.has_change_permission(request, country)
            )
            if not allowed:
                raise PermissionDenied
            submitted = target is not None and target.is_submitted
            form = step(request.POST, lacking=lacking, submitted=submitted)
            if target is None and step is not ExpiryForm:
                self.message_user(
                    request, _("There is no working draft to act on."), messages.ERROR
                )
                return redirect(request.path)
            if form.is_valid():
                done = self.take_step(request, country, target, form)
                if done:
                    return done
            forms_[step.name] = form
        return TemplateResponse(
            request,
            "admin/strategy/country/draft.html",
            self.draft_context(request, country, target, lacking, forms_),
        )

    def take_step(self, request, country, target, form):
        """Take the review step ``form`` asks for; a redirect when done, None when refused."""
        data = form.cleaned_data
        seen = data["seen_version"]
        if isinstance(form, PublishForm | ScheduleForm) and seen not in (None, target.version):
            form.data = form.data.copy()
            form.data["seen_version"] = str(target.version)  # so that a second click is deliberate
            form.add_error(
                None,
                _(
                    "The draft was saved again since this page showed it: look at the comparison "
                    "below (it shows the draft as it is now), then publish or schedule again."
                ),
            )
            return None
        try:
            if isinstance(form, SubmitForm):
                review.submit(country, user=request.user, comment=data["comment"])
                done = _("Submitted for review: Country managers are told by email.")
            elif isinstance(form, PublishForm):
                review.approve(
                    country, user=request.user, waived=form.waived(), comment=data["comment"]
                )
                self.message_user(
                    request,
                    _("Published: %(country)s.") % {"country": country.name},
                    messages.SUCCESS,
                )
                return redirect("admin:strategy_country_change", country.pk)
            elif isinstance(form, SendBackForm):
                review.send_back(country, user=request.user, comment=data["comment"])
                done = _("Sent back, with your comment; whoever submitted it is told by email.")
            elif isinstance(form, ScheduleForm):
                review.schedule(
                    country, user=request.user, go_live_at=data["go_live_at"],
                    waived=form.waived(),
                )  # fmt: skip
                done = _("Scheduled: it goes live at the time given (manage.py publish_scheduled).")
            elif isinstance(form, UnscheduleForm):
                review.unschedule(country, user=request.user)
                done = _("The schedule is removed.")
            elif isinstance(form, ExpiryForm):
                if not country.is_published:
                    form.add_error(None, _("Only a published country can be given an expiry."))
                    return None
                review.set_expiry(country, user=request.user, expire_at=data["expire_at"])
                done = _("Expiry saved.") if data["expire_at"] else _("Expiry removed.")
            else:
                if not country.is_published:
                    form.add_error(None, _("A country never published has no working draft."))
                    return None
                drafts.discard(target)
                self.log_change(request, country, "Discarded its working draft.")
                self.message_user(request, _("The working draft is discarded."), messages.SUCCESS)
                return redirect("admin:strategy_country_change", country.pk)
        except readiness.NotReady as error:
            form.add_error(
                None,
                _("Not ready to publish: %(items)s. Fix these in the draft, or waive them.")
                % {"items": "; ".join(map(str, error.items))},
            )
            return None
        except ValidationError as error:
            form.add_error(None, error.messages)
            return None
        except review.ReviewError as error:
            form.add_error(None, str(error))
            return None
        self.message_user(request, done, messages.SUCCESS)
        return redirect(request.path)

    def draft_context(self, request, country, target, lacking, bound):
        may_publish = self.has_publish_permission(request)
        may_change = self.has_change_permission(request, country)
        changes, parts = [], []
        if target is not None and target.is_working_draft:
            changes, parts = drafts.compare_with_live(target)
        submitted = target is not None and target.is_submitted
        offered = []
        if target is not None:
            if may_change and not submitted:
                offered.append(SubmitForm)
            if may_publish:
                offered.append(PublishForm)
                if submitted:
                    offered.append(SendBackForm)
                offered.append(UnscheduleForm if target.go_live_at else ScheduleForm)
                if target.is_working_draft:
                    offered.append(DiscardForm)
        if may_publish and country.is_published:
            offered.append(ExpiryForm)
        for form in bound.values():
            if type(form) not in offered and form.errors:  # a step the page no longer offers
                refusal = "; ".join(form.non_field_errors()) or _("This step is not offered here.")
                self.message_user(request, refusal, messages.ERROR)
        step_forms = {
            form.name: bound.get(form.name)
            or form(
                lacking=lacking,
                submitted=submitted,
                initial={
                    "seen_version": target.version if target is not None else None,
                    **({"expire_at": country.expire_at} if form is ExpiryForm else {}),
                },
            )
            for form in offered
        }
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Changes to %(country)s") % {"country": country.name},
            "country": country,
            "target": target,
            "changes": changes,
            "parts": parts,
            "lacking": lacking,
            "submitted": submitted,
            "step_forms": step_forms,
            "published_changed_since": target is not None
            and target.is_working_draft
            and target.based_on_version != country.version,
            "change_url": reverse("admin:strategy_country_change", args=[country.pk]),
            "history_url": reverse("admin:strategy_country_history", args=[country.pk]),
        }
