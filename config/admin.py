"""
The editing site: Django's admin with the atlas's names, and one rule for
every page of it, whichever app registered the model.

Django's change lists filter by any lookup on a model's own fields named in
the query string, ``?vision__regex=...`` included. A regular expression is
run by the database (by Python's ``re`` on SQLite), so one crafted pattern
such as ``(.+)+Z`` keeps a worker busy for as long as it likes, or fails on
PostgreSQL. No screen of the admin links to one, so such lookups are refused
with 400 Bad Request on every admin page, as are searches of more than 32
words.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import SuspiciousOperation
from django.core.validators import MaxLengthValidator
from django.urls import path
from django.utils.translation import gettext_lazy as _

REFUSED_LOOKUPS = frozenset({"regex", "iregex"})
# A search of more words than this is refused: each word is a condition on
# every searched field, and SQLite refuses queries past a thousand of them.
MAX_SEARCH_WORDS = 32


class LoginForm(AdminAuthenticationForm):
    """
    The admin's login form, refusing a username longer than a username can
    be before anyone tries it: Django's form does not check the length, and a
    failed login is recorded (django-axes) in a column that long only.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class AtlasAdminSite(admin.AdminSite):
    site_header = _("AI Strategy Atlas — editing")
    site_title = _("AI Strategy Atlas")
    index_title = _("Content")
    login_form = LoginForm

    def __init__(self, name="admin"):
        super().__init__(name)
        self._extra_urls = []

    def register_view(self, route, view, name):
        """
        Add a page of an app's own to the editing site, at /admin/<route>,
        named ``admin:<name>``, behind the admin's login like every page here
        (e.g. the chapter import, ``chapters/admin.py``).
        """
        self._extra_urls.append(path(route, self.admin_view(view), name=name))

    def get_urls(self):
        # Before the models' own addresses, which would take these for objects.
        return self._extra_urls + super().get_urls()

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            for name in request.GET:
                if REFUSED_LOOKUPS & set(name.split("__")[1:]):
                    raise DisallowedModelAdminLookup(
                        f"Filtering by a regular expression ({name}) is not allowed."
                    )
            for name in ("q", "term"):  # the change lists' and the autocompletes' search
                if len(request.GET.get(name, "").split()) > MAX_SEARCH_WORDS:
                    raise SuspiciousOperation(f"A search of more than {MAX_SEARCH_WORDS} words.")
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, checked)
