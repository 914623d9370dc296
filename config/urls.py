from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("citations/", include("citations.urls")),
    path("api/", include("strategy.api_urls")),  # read-only JSON and CSV (strategy/api.py)
    path("", include("strategy.urls")),
]
