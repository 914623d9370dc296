from django.urls import path

from . import views as api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("countries/", api.country_list, name="country_list"),
    path("countries/<slug:slug>/", api.country_detail, name="country_detail"),
    path("citations/", api.citation_list, name="citation_list"),
    path("themes/", api.theme_list, name="theme_list"),
    path("goals.csv", api.goals_csv, name="goals_csv"),
]
