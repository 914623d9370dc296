from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class AtlasAdminConfig(AdminConfig):
    """django.contrib.admin, with the atlas's editing site (config/admin.py)."""

    default_site = "config.admin.AtlasAdminSite"


class SiteConfig(AppConfig):
    """The site as a whole: what belongs to no one app."""

    name = "config"
    verbose_name = "Site"

    def ready(self):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            from . import database

            database.install(settings)
