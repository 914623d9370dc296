"""
Atom feeds of published changes (Django's syndication framework): every
published version of every country (``/feed/``), of one country
(``/countries/<slug>/feed/``), and of the countries with goals on one theme
(``/themes/<slug>/feed/``). An entry is one ``PublishedVersion``: its
summary, linking to the version's permanent address. Drafts never appear:
versions are only recorded on publication, and only of published countries.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Country, PublishedVersion
from .themes import published_themes

ENTRIES = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "AI Strategy Atlas: published changes"
    subtitle = "Each published change to a country's national AI strategy profile."
    author_name = "AI Strategy Atlas"  # Atom needs one (RFC 4287)

    def link(self, obj=None):
        return "/"

    def versions(self, obj):
        return PublishedVersion.objects.filter(country__in=Country.objects.published())

    def items(self, obj=None):
        return (
            self.versions(obj).select_related("country").order_by("-published_at", "-pk")[:ENTRIES]
        )

    def item_title(self, version):
        return f"{version.country.name}: version {version.number}"

    def item_description(self, version):
        # Atom's summary is HTML here; the editor's summary is plain text, shown as typed.
        return escape(version.summary)

    def item_link(self, version):
        return version.get_absolute_url()

    def item_guid(self, version):
        return f"atlas-version:{version.country_id}:{version.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at


class CountryChangesFeed(ChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Country.objects.published(), slug=slug)

    def title(self, country):
        return f"AI Strategy Atlas: {country.name}, published changes"

    def link(self, country):
        return country.get_absolute_url()

    def versions(self, country):
        return country.versions.all()


class ThemeChangesFeed(ChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(published_themes(), slug=slug)

    def title(self, theme):
        return f"AI Strategy Atlas: countries with goals on “{theme.name}”, published changes"

    def link(self, theme):
        return f"/themes/{theme.slug}/"

    def versions(self, theme):
        countries = Country.objects.published().filter(goals__tags=theme)
        return PublishedVersion.objects.filter(country__in=countries)
