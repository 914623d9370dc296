"""
Forms that cannot lose an editor's work.

* ``ConflictCheckForm`` carries the version the editor loaded as a hidden
  field and refuses the save when someone else saved in between, saying who
  and when; everything typed stays in the form.
* ``RefusableForm`` refuses to validate, with ``BUSY_MESSAGE``, while its
  save is refused because the database is too busy (``BusyDatabaseAdmin``).
"""

import contextvars
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import OperationalError, router, transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .history import describe_change

BUSY_MESSAGE = gettext_lazy(
    "Not saved: the database was busy with another change and did not answer in time. "
    "What you typed is kept below; save again in a moment."
)
# Set while a form is shown again after its save met a locked database.
_save_refused = contextvars.ContextVar("save_refused", default="")


def is_lock_error(error):
    """Whether ``error`` is SQLite's "database is locked" (another writer held on too long)."""
    return isinstance(error, OperationalError) and "locked" in str(error)


@contextmanager
def refusing_saves(message=BUSY_MESSAGE):
    """While inside, every ``RefusableForm`` refuses to validate with ``message``."""
    token = _save_refused.set(message)
    try:
        yield
    finally:
        _save_refused.reset(token)


class RefusableForm(forms.BaseForm):
    """A form that refuses to validate, with ``BUSY_MESSAGE``, while its save is refused."""

    def clean(self):
        refusal = _save_refused.get()
        if refusal:
            raise ValidationError(refusal, code="busy")
        return super().clean()


class ConflictCheckForm(RefusableForm, forms.ModelForm):
    """
    A model form that refuses to save over a change the editor has not seen.

    The model needs an ``EditVersionField`` named ``version``. The form
    carries the version it was loaded from; on save it reads the row's
    current version, locked until the save commits (``SELECT ... FOR
    UPDATE`` on PostgreSQL), and if they differ the save is refused with a
    message naming who saved and when. Everything the editor typed stays in
    the re-rendered form, which now carries the current version, so saving
    it again (after review) replaces that version with theirs.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding:
            return cleaned_data
        current = self._current_version()
        loaded = cleaned_data.get("loaded_version")
        name = self.instance._meta.verbose_name
        if current is None:
            raise ValidationError(
                _(
                    # Translators: name is what was edited: country, citation, goal...
                    "This %(name)s was deleted while you were editing it, so it cannot be "
                    "saved. Copy anything you typed that you want to keep."
                )
                % {"name": name},
                code="deleted",
            )
        if loaded is None:
            self._carry_version(current)
            raise ValidationError(
                _(
                    "This form does not say which version of the %(name)s it was loaded from, "
                    "so it was not saved. Check the values below and save again."
                )
                % {"name": name},
                code="no_version",
            )
        if loaded != current:
            self._carry_version(current)
            history = reverse(
                f"admin:{self.instance._meta.app_label}_{self.instance._meta.model_name}_history",
                args=[self.instance.pk],
            )
            raise ValidationError(
                format_html(
                    _(
                        "Not saved: this {} was saved by {}, after you opened it. What you "
                        'typed is kept below. <a href="#conflict-comparison">Compare what you '
                        "typed with what was saved</a> (or see its "
                        '<a href="{}" target="_blank" rel="noopener">history</a>), then save '
                        "again to replace that version with yours."
                    ),
                    name,
                    describe_change(self.instance),
                    history,
                ),
                code="conflict",
            )
        return cleaned_data

    def _current_version(self):
        model = type(self.instance)
        using = router.db_for_write(model, instance=self.instance)
        rows = model._base_manager.using(using).filter(pk=self.instance.pk)
        if transaction.get_connection(using).in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def _carry_version(self, current):
        """Re-render the form with the current version, so that saving again is deliberate."""
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = str(current)
