from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<slug:slug>/", views.country_detail, name="country_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
]
