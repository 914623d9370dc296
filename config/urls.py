from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from api import pages as api_pages

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    # The admin's language choice (Django's set_language view).
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("api/", include("api.urls")),
]

# The public site in every language: English at the addresses without a
# prefix (as before the atlas had languages, so no link breaks), Spanish
# under /es/ (web/languages.py).
urlpatterns += i18n_patterns(
    path("citations/", include("citations.urls")),
    path("search/", include("search.urls")),
    path("data/", api_pages.data, name="data"),
    path("", include("strategy.urls")),
    prefix_default_language=False,
)
