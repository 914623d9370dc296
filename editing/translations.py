"""
Forms that edit a translated model (``strategy.translation``) in every language.

A translated field keeps its plain name in the form for the English text
(``vision``), as before the atlas had translations, and gains one field per
other language beside it (``vision_es``), so that one save updates every
language. The plain names are read and written in English whatever language
the editor reads the admin in: django-modeltranslation resolves a plain
name by the active language, so the form reads its initial values, builds
its instance and saves its many-to-many fields (the themes, named by their
English names) with English active. Labels and messages stay in the
editor's language: they are lazy, and rendered later.
"""

from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from strategy.languages import english, translated_fields


class TranslatedFieldsForm(forms.ModelForm):
    """A ModelForm whose plain translated fields are the English text."""

    def __init__(self, *args, **kwargs):
        with english():
            super().__init__(*args, **kwargs)
            tags = self.initial.get("tags")
            if tags is not None and not isinstance(tags, str):
                # Themes by their English names, the names the field saves;
                # rendered later, in whatever language the admin speaks.
                self.initial["tags"] = [
                    SimpleNamespace(pk=tag.pk, name=tag.name_en or tag.name) for tag in tags
                ]
        self.label_languages()

    def label_languages(self):
        """
        Each translated field says its language, in its label and in ``lang``
        (so a screen reader reads it right, and a spelling checker checks it).
        """
        from strategy import languages

        translated = self.translated_names()
        for name, field in self.fields.items():
            base, _sep, code = name.rpartition("_")
            if base in translated and code in languages.other_codes():
                original = self._meta.model._meta.get_field(base)
                field.label = _("%(label)s (%(language)s)") % {
                    "label": capfirst(original.verbose_name),
                    "language": languages.name_of(code),
                }
                field.help_text = _("Leave it empty to show the English text, marked as such.")
                field.widget.attrs.setdefault("lang", code)
            elif name in translated:  # the English text, labelled as before
                field.widget.attrs.setdefault("lang", settings.LANGUAGE_CODE)

    @classmethod
    def translated_names(cls):
        return set(translated_fields(cls._meta.model))

    @classmethod
    def translated_columns(cls):
        from strategy import languages

        return {
            languages.column(name, code)
            for name in cls.translated_names()
            for code in languages.other_codes()
        }

    def _post_clean(self):
        with english():
            super()._post_clean()

    def _save_m2m(self):
        with english():
            super()._save_m2m()
