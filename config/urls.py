from django.contrib import admin
from django.urls import include, path

from api import pages as api_pages

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("citations/", include("citations.urls")),
    path("api/", include("api.urls")),
    path("search/", include("search.urls")),
    path("data/", api_pages.data, name="data"),
    path("", include("strategy.urls")),
]
