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
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Country, PublishedVersion
from .themes import published_themes

ENTRIES = 50


class ChangesFeed(Feed):
    """Each feed is in the language of its address: /feed/, /es/feed/ (web.languages)."""

    feed_type = Atom1Feed
    title = gettext_lazy("AI Strategy Atlas: published changes")
    subtitle = gettext_lazy("Each published change to a country's national AI strategy profile.")
    author_name = gettext_lazy("AI Strategy Atlas")  # Atom needs one (RFC 4287)

    def link(self, obj=None):
        return reverse("strategy:home")

    def versions(self, obj):
        return PublishedVersion.objects.filter(country__in=Country.objects.published())

    def items(self, obj=None):
        return (
            self.versions(obj).select_related("country").order_by("-published_at", "-pk")[:ENTRIES]
        )

    def item_title(self, version):
        return _("%(country)s: version %(number)s") % {
            "country": version.country.name,
            "number": version.number,
        }

    def item_description(self, version):
        # Atom's summary is HTML here; the editor's summary is plain text, shown as typed.
        return escape(version.shown_summary)

    def item_link(self, version):
        return version.get_absolute_url()

    def item_guid(self, version):
        # The English entries keep the ids they always had; another language's are its own.
        code = translation.get_language()
        language = "" if code == translation.get_supported_language_variant("en") else f"{code}:"
        return f"atlas-version:{language}{version.country_id}:{version.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at


class CountryChangesFeed(ChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Country.objects.published(), slug=slug)

    def title(self, country):
        return _("AI Strategy Atlas: %(country)s, published changes") % {"country": country.name}

    def link(self, country):
        return country.get_absolute_url()

    def versions(self, country):
        return country.versions.all()


class ThemeChangesFeed(ChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(published_themes(), slug=slug)

    def title(self, theme):
        return _("AI Strategy Atlas: countries with goals on “%(theme)s”, published changes") % {
            "theme": theme.name
        }

    def link(self, theme):
        return reverse("strategy:theme_detail", args=[theme.slug])

    def versions(self, theme):
        countries = Country.objects.published().filter(goals__tags=theme)
        return PublishedVersion.objects.filter(country__in=countries)
