"""
The editing site: Django's admin with the atlas's names, and one rule for
every page of it, whichever app registered the model.

Django's change lists filter by any lookup on a model's own fields named in
the query string, ``?vision__regex=...`` included. A regular expression is
run by the database (by Python's ``re`` on SQLite), so one crafted pattern
such as ``(.+)+Z`` keeps a worker busy for as long as it likes, or fails on
PostgreSQL. No screen of the admin links to one, so such lookups are refused
with 400 Bad Request on every admin page.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.exceptions import DisallowedModelAdminLookup

REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


class AtlasAdminSite(admin.AdminSite):
    site_header = "AI Strategy Atlas — editing"
    site_title = "AI Strategy Atlas"
    index_title = "Content"

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            for name in request.GET:
                if REFUSED_LOOKUPS & set(name.split("__")[1:]):
                    raise DisallowedModelAdminLookup(
                        f"Filtering by a regular expression ({name}) is not allowed."
                    )
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, checked)


class AtlasAdminConfig(AdminConfig):
    default_site = "config.admin.AtlasAdminSite"
