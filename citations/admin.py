from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html_join

from .models import Citation


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
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
