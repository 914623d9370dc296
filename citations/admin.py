from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join

from editing.admin import SafeEditingAdmin, is_id
from editing.forms import ConflictCheckForm
from strategy.citing import key_rename_problems, rename_citation_key

from .models import Citation


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
                "Write each author on a line of its own, without braces: each line is one "
                "person or organisation, whatever commas or “and” it holds.",
                code="braces",
            )
        if not names:
            raise ValidationError("Give at least one author.", code="required")
        return "\n".join(names)


@admin.register(Citation)
class CitationAdmin(SafeEditingAdmin):
    form = CitationForm
    list_display = ["key", "author_display", "year", "full_title", "medium", "updated_at"]
    list_filter = ["medium", "year"]
    search_fields = ["key", "authors", "title", "subtitle", "url", "source_label"]
    readonly_fields = ["authors_read_as", "cited_by", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["key", "authors", "authors_read_as", "year", "title", "subtitle"]}),
        ("Where to find it", {"fields": ["publisher", "medium", "url", "accessed_on", "language"]}),
        ("Record", {"fields": ["source_label", "cited_by", "created_at", "updated_at"]}),
    ]

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
                    messages.info(
                        request,
                        f"The footnote markers [^{before[0]}] are now [^{after[0]}] in "
                        + "; ".join(
                            f"{country.name} ({', '.join(places)})"
                            for country, places in rewritten.items()
                        )
                        + ", each recorded in the country's history.",
                    )
        return response

    def restore_refusal(self, request, version):
        key = version.field_dict.get("key")
        holder = Citation.objects.filter(key=key).exclude(pk=version.object_id).first()
        if holder is not None:
            self.message_user(
                request,
                f"This revision cannot be restored: its key “{key}” now belongs to another "
                f"citation ({holder}). Rename that one first, or restore another revision.",
                messages.ERROR,
            )
            return redirect("admin:citations_citation_history", version.object_id)
        return super().restore_refusal(request, version)

    @admin.display(description="read as")
    def authors_read_as(self, citation):
        """How the site, the page and the exports read each author line."""
        if not citation.pk:
            return "Shown once saved."
        return format_html_join(
            "",
            "<div>{} — {}</div>",
            (
                (
                    entry["name"],
                    f"person: family name “{entry['family']}”, given “{entry['given']}”"
                    if entry["kind"] == "person"
                    else "organisation, kept whole",
                )
                for entry in citation.author_entries
            ),
        )

    @admin.display(description="authors")
    def author_display(self, citation):
        return citation.author_display

    @admin.display(description="title", ordering="title")
    def full_title(self, citation):
        return citation.full_title

    @admin.display(description="cited by")
    def cited_by(self, citation):
        countries = citation.countries.order_by("name") if citation.pk else []
        if not countries:
            return "Not cited yet."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:strategy_country_change", args=[country.pk]), country.name)
                for country in countries
            ),
        )
