from django.urls import path, register_converter

import citations.converters  # noqa: F401 -- registers the "bibformat" converter
from web.views import public_view

from . import feeds, views
from .themes import THEME_SLUG_PATTERN


class ThemeSlugConverter:
    """
    A theme's slug as django-taggit makes it: letters of any script, digits,
    hyphens and underscores (Django's ``slug`` converter allows ASCII only, so
    a theme named "Santé" or "健康" would have no address).
    """

    regex = THEME_SLUG_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ThemeSlugConverter, "theme_slug")

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<slug:slug>/", views.country_detail, name="country_detail"),
    path("countries/<slug:slug>/changes/", views.country_changes, name="country_changes"),
    path(
        "countries/<slug:slug>/feed/", public_view(feeds.CountryChangesFeed()), name="country_feed"
    ),
    path(
        "countries/<slug:slug>/versions/<int:number>/",
        views.country_version,
        name="country_version",
    ),
    path(
        "countries/<slug:slug>/citations.<bibformat:extension>",
        views.country_citations,
        name="country_citations",
    ),
    path(
        "countries/<slug:slug>/cite.<bibformat:extension>",
        views.country_cite,
        name="country_cite",
    ),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<theme_slug:slug>/", views.theme_detail, name="theme_detail"),
    path(
        "themes/<theme_slug:slug>/feed/", public_view(feeds.ThemeChangesFeed()), name="theme_feed"
    ),
    path("compare/", views.compare, name="compare"),
    path("feed/", public_view(feeds.ChangesFeed()), name="feed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
