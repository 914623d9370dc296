from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html_join

from editing.admin import SafeEditingAdmin
from editing.forms import ConflictCheckForm

from .models import Citation


class CitationForm(ConflictCheckForm):
    def clean_key(self):
        key = self.cleaned_data["key"]
        if self.instance.pk is None:
            return key
        # Texts cite this source by its key; a new key would leave their
        # markers naming nothing.
        stranded = [
            country.name
            for country in self.instance.countries.order_by("name")
            if key not in country.cited_keys()
        ]
        if stranded:
            raise ValidationError(
                "%(countries)s cite%(s)s this source by its key, and no marker there names "
                "“%(key)s”. Keep the key, or first change the footnote markers in their text.",
                code="key_in_use",
                params={
                    "countries": ", ".join(stranded),
                    "s": "" if len(stranded) > 1 else "s",
                    "key": key,
                },
            )
        return key


@admin.register(Citation)
class CitationAdmin(SafeEditingAdmin):
    form = CitationForm
    list_display = ["key", "author_display", "year", "full_title", "medium", "updated_at"]
    list_filter = ["medium", "year"]
    search_fields = ["key", "authors", "title", "subtitle", "url", "source_label"]
    readonly_fields = ["cited_by", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["key", "authors", "year", "title", "subtitle"]}),
        ("Where to find it", {"fields": ["publisher", "medium", "url", "accessed_on", "language"]}),
        ("Record", {"fields": ["source_label", "cited_by", "created_at", "updated_at"]}),
    ]

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
