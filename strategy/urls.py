from django.urls import path, re_path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<slug:slug>/", views.country_detail, name="country_detail"),
    re_path(
        r"^countries/(?P<slug>[-a-zA-Z0-9_]+)/citations\.(?P<extension>bib|ris|json)$",
        views.country_citations,
        name="country_citations",
    ),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
]
