"""
``/sitemap.xml`` (Django's sitemaps framework): every public page in every
language, with ``lastmod`` and, for each, its addresses in the other
languages (``hreflang`` alternates, English the default).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from citations.models import Citation

from .models import Country, PublishedVersion
from .themes import published_themes, with_addresses


def last_public_change():
    return Country.objects.published().aggregate(latest=Max("last_published_change"))["latest"]


class AtlasSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(AtlasSitemap):
    """The lists: home, countries, themes, sources, the comparison matrix, the open data page."""

    def items(self):
        return [
            "strategy:home",
            "strategy:country_list",
            "strategy:theme_list",
            "citations:list",
            "strategy:compare",
            "data",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return last_public_change()


class CountrySitemap(AtlasSitemap):
    def items(self):
        return Country.objects.published().order_by("name_en")

    def lastmod(self, country):
        return country.last_published_change


class VersionSitemap(AtlasSitemap):
    def items(self):
        published = Country.objects.published()
        return (
            PublishedVersion.objects.filter(country__in=published)
            .select_related("country")
            .order_by("country__name_en", "number")
        )

    def lastmod(self, version):
        return version.published_at


class ThemeSitemap(AtlasSitemap):
    def items(self):
        return with_addresses(published_themes())

    def location(self, theme):
        return reverse("strategy:theme_detail", kwargs={"slug": theme.slug})

    def lastmod(self, theme):
        return last_public_change()


class CitationSitemap(AtlasSitemap):
    def items(self):
        return Citation.objects.cited().order_by("key")

    def lastmod(self, citation):
        return citation.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "countries": CountrySitemap,
    "versions": VersionSitemap,
    "themes": ThemeSitemap,
    "sources": CitationSitemap,
}
