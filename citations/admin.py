import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.revisions import create_revision, set_comment, set_user

from editing.admin import SafeEditingAdmin, is_id
from editing.forms import ConflictCheckForm
from strategy.citing import key_rename_problems, rename_citation_key

from . import health
from .models import Citation, LinkCheck

CONFIRM_ACCESS_DATES = gettext_lazy("Set the access date to the last live check")


def _day(value):
    """A date, or a moment's date in the site's time zone: "5 March 2019"."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def _when(moment):
    moment = timezone.localtime(moment)
    return f"{_day(moment)}, {moment:%H:%M}"


def object_id_or_none(object_id):
    """The admin's object id as a primary key, or None for one that cannot be."""
    object_id = str(unquote(object_id))
    return int(object_id) if is_id(object_id) else None


class CitationForm(ConflictCheckForm):
    user = None  # set by CitationAdmin.get_form: who is editing

    def clean_key(self):
        key = self.cleaned_data["key"]
        # Renaming a cited key rewrites the markers of the countries citing it
        # (strategy.citing); say here when that cannot be done.
        problems = key_rename_problems(self.instance, key, self.user)
        if problems:
            raise ValidationError(problems, code="key_in_use")
        return key

    def clean_authors(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["authors"].splitlines()]
        names = [line for line in lines if line]
        if any(char in name for name in names for char in "{}"):
            raise ValidationError(
                _(
                    "Write each author on a line of its own, without braces: each line is one "
                    "person or organisation, whatever commas or “and” it holds."
                ),
                code="braces",
            )
        if not names:
            raise ValidationError(_("Give at least one author."), code="required")
        return "\n".join(names)


class LinkStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("link")
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("Broken links (broken or unreachable)")),
            ("failing", _("Failed once, to check again")),
            (LinkCheck.Status.REDIRECTED, _("Redirected")),
            (LinkCheck.Status.LIVE, _("Live")),
            (LinkCheck.Status.NOT_CHECKED, _("Not checked (with a reason)")),
            ("never", _("Never checked")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        conditions = {
            "broken": health.SECTIONS[0][1],
            "failing": health.SECTIONS[1][1],
            LinkCheck.Status.REDIRECTED: health.SECTIONS[2][1],
            LinkCheck.Status.NOT_CHECKED: health.SECTIONS[3][1],
            LinkCheck.Status.LIVE: dict(health.COUNTS)["live"],
            "never": ~health.CURRENT & ~models.Q(url=""),
        }
        return queryset.filter(conditions[value]) if value in conditions else queryset


@admin.register(Citation)
class CitationAdmin(SafeEditingAdmin):
    form = CitationForm
    change_list_template = "admin/citations/citation/change_list.html"
    list_display = [
        "key",
        "author_display",
        "year",
        "full_title",
        "medium",
        "link_health",
        "updated_at",
    ]
    list_filter = [LinkStatusFilter, "medium", "year"]
    search_fields = ["key", "authors", "title", "subtitle", "url", "source_label"]
    readonly_fields = [
        "authors_read_as",
        "link_report",
        "link_history",
        "cited_by",
        "created_at",
        "updated_at",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["key", "authors", "authors_read_as", "year", "title", "subtitle"]}),
        (
            gettext_lazy("Where to find it"),
            {
                "fields": [
                    "publisher",
                    "medium",
                    "url",
                    "accessed_on",
                    "archive_url",
                    "language",
                    "link_report",
                    "link_history",
                ]
            },
        ),
        (
            gettext_lazy("Record"),
            {"fields": ["source_label", "cited_by", "created_at", "updated_at"]},
        ),
    ]
    actions = ["confirm_access_dates"]

    def get_urls(self):
        health_page = path(
            "health/",
            self.admin_site.admin_view(self.health_view),
            name="citations_citation_health",
        )
        return [health_page, *super().get_urls()]

    def health_view(self, request):
        """The "Source health" report: counts by status, the dead links first, with where cited."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = health.report()
        return TemplateResponse(
            request,
            "admin/citations/citation/health.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Source health"),
                "report": report,
            },
        )

    @admin.display(description=gettext_lazy("link"))
    def link_health(self, citation):
        check = citation.link_check
        if check is None or check.checked_at is None:
            return _("never checked") if citation.url else _("no URL")
        return check.summary

    @admin.display(description=gettext_lazy("link check"))
    def link_report(self, citation):
        """What the link checker found, and the access date it suggests."""
        check = citation.link_check if citation.pk else None
        if check is None or check.checked_at is None:
            return _("Not checked yet: manage.py check_links checks cited sources daily.")
        lines = [
            format_html(_("<div>{} (checked {})</div>"), check.summary, _when(check.checked_at))
        ]
        if check.first_failed_at:
            lines.append(
                format_html(_("<div>First seen failing: {}</div>"), _day(check.first_failed_at))
            )
        if check.found_archive_url:
            lines.append(
                format_html(
                    _(
                        '<div>Archived copy found: <a href="{}" rel="noopener noreferrer">{}</a>'
                        "</div>"
                    ),
                    check.found_archive_url,
                    check.found_archive_url,
                )
            )
        suggested = health.suggested_access_date(citation)
        if suggested:
            lines.append(
                format_html(
                    _(
                        "<div><strong>Suggested access date: {}</strong> (found live then). "
                        "Set it above, or select this source in the list and choose “{}”.</div>"
                    ),
                    _day(suggested),
                    CONFIRM_ACCESS_DATES,
                )
            )
        return format_html_join("", "{}", ((line,) for line in lines))

    @admin.display(description=gettext_lazy("link history"))
    def link_history(self, citation):
        check = citation.link_check if citation.pk else None
        events = list(check.events.all()[:20]) if check else []
        if not events:
            return _("No changes recorded yet.")
        return format_html_join(
            "",
            "<div>{} — {}{}</div>",
            (
                (
                    _when(event.at),
                    event.get_status_display(),
                    f": {event.detail}" if event.detail else "",
                )
                for event in events
            ),
        )

    @admin.action(description=CONFIRM_ACCESS_DATES, permissions=["change"])
    def confirm_access_dates(self, request, queryset):
        """Take the checker's suggestion: the access date becomes the last live check."""
        changed = []
        for citation in queryset.order_by("key"):
            suggested = health.suggested_access_date(citation)
            if not suggested:
                continue
            with transaction.atomic(), create_revision():
                set_user(request.user)
                set_comment(f"Access date set to {_day(suggested)}, when its link was found live.")
                citation.accessed_on = suggested
                citation.save()
            changed.append(citation.key)
        if changed:
            self.message_user(
                request,
                _("Access date updated for %(count)d: %(keys)s.")
                % {"count": len(changed), "keys": ", ".join(changed)},
            )
        else:
            self.message_user(
                request,
                _("None of the selected sources has a newer live check than its access date."),
                messages.WARNING,
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.renaming_key(
            request,
            object_id,
            lambda: super(CitationAdmin, self).change_view(
                request, object_id, form_url, extra_context
            ),
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        return self.renaming_key(
            request,
            object_id,
            lambda: super(CitationAdmin, self).revision_view(
                request, object_id, version_id, extra_context
            ),
        )

    def renaming_key(self, request, object_id, view):
        """
        Run ``view`` (a save or a restore); if it gave the citation a new key,
        rewrite the countries' markers in the same transaction, each country
        with a revision of its own (outside the citation's revision).
        """
        if request.method != "POST":
            return view()
        with transaction.atomic():
            keys = Citation.objects.filter(pk=object_id_or_none(object_id)).values_list("key")
            before = keys.first()
            response = view()
            after = keys.first()
            if before and after and before != after:
                rewritten = rename_citation_key(before[0], after[0], user=request.user)
                if rewritten:
                    where = "; ".join(
                        f"{country.name} ({', '.join(places)})"
                        for country, places in rewritten.items()
                    )
                    messages.info(
                        request,
                        _(
                            "The footnote markers [^%(old)s] are now [^%(new)s] in %(where)s, "
                            "each recorded in the country's history."
                        )
                        % {"old": before[0], "new": after[0], "where": where},
                    )
        return response

    def restore_refusal(self, request, version):
        key = version.field_dict.get("key")
        holder = Citation.objects.filter(key=key).exclude(pk=version.object_id).first()
        if holder is not None:
            self.message_user(
                request,
                _(
                    "This revision cannot be restored: its key “%(key)s” now belongs to another "
                    "citation (%(holder)s). Rename that one first, or restore another revision."
                )
                % {"key": key, "holder": holder},
                messages.ERROR,
            )
            return redirect("admin:citations_citation_history", version.object_id)
        return super().restore_refusal(request, version)

    @admin.display(description=gettext_lazy("read as"))
    def authors_read_as(self, citation):
        """How the site, the page and the exports read each author line."""
        if not citation.pk:
            return _("Shown once saved.")
        return format_html_join(
            "",
            "<div>{} — {}</div>",
            (
                (
                    entry["name"],
                    _("person: family name “%(family)s”, given “%(given)s”")
                    % {"family": entry["family"], "given": entry["given"]}
                    if entry["kind"] == "person"
                    else _("organisation, kept whole"),
                )
                for entry in citation.author_entries
            ),
        )

    @admin.display(description=gettext_lazy("authors"))
    def author_display(self, citation):
        return citation.author_display

    @admin.display(description=gettext_lazy("title"), ordering="title")
    def full_title(self, citation):
        return citation.full_title

    @admin.display(description=gettext_lazy("cited by"))
    def cited_by(self, citation):
        countries = citation.countries.order_by("name_en") if citation.pk else []
        if not countries:
            return _("Not cited yet.")
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:strategy_country_change", args=[country.pk]), country.name)
                for country in countries
            ),
        )
