from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("citations/", include("citations.urls")),
    path("api/", include("api.urls")),
    path("search/", include("search.urls")),
    path("", include("strategy.urls")),
]
