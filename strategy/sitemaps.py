"""``/sitemap.xml`` (Django's sitemaps framework): every public page, with ``lastmod``."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from citations.models import Citation

from .models import Country, PublishedVersion
from .themes import published_themes, with_addresses


def last_public_change():
    return Country.objects.published().aggregate(latest=Max("last_published_change"))["latest"]


class PagesSitemap(Sitemap):
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


class CountrySitemap(Sitemap):
    def items(self):
        return Country.objects.published().order_by("name")

    def lastmod(self, country):
        return country.last_published_change


class VersionSitemap(Sitemap):
    def items(self):
        published = Country.objects.published()
        return (
            PublishedVersion.objects.filter(country__in=published)
            .select_related("country")
            .order_by("country__name", "number")
        )

    def lastmod(self, version):
        return version.published_at


class ThemeSitemap(Sitemap):
    def items(self):
        return with_addresses(published_themes())

    def location(self, theme):
        return reverse("strategy:theme_detail", kwargs={"slug": theme.slug})

    def lastmod(self, theme):
        return last_public_change()


class CitationSitemap(Sitemap):
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
