from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy
from taggit.apps import TaggitAppConfig


class AtlasAdminConfig(AdminConfig):
    """django.contrib.admin, with the atlas's editing site (config/admin.py)."""

    default_site = "config.admin.AtlasAdminSite"


class SiteConfig(AppConfig):
    """The site as a whole: what belongs to no one app."""

    name = "config"
    verbose_name = gettext_lazy("Site")

    def ready(self):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            from . import database

            database.install(settings)


class ThemesConfig(TaggitAppConfig):
    """django-taggit, as the atlas names it: its tags are the goals' themes."""

    verbose_name = gettext_lazy("Themes")

    def ready(self):
        super().ready()
        from taggit.models import Tag

        # Shown in the admin as "Themes: themes", not "Taggit: tags".
        Tag._meta.verbose_name = gettext_lazy("theme")
        Tag._meta.verbose_name_plural = gettext_lazy("themes")
