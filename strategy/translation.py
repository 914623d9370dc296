"""
The content fields that are written in each language (django-modeltranslation).

Each field below gets one column per language in ``settings.LANGUAGES``
(``name_en``, ``name_es``, ...) on the same row, so a country is read in one
query whatever the language, a revision (django-reversion serializes the
row) holds every language at once, and a working draft copies them with the
rest of the row. Reading ``country.name`` gives the active language's text,
or English where it has not been translated yet (``strategy.languages``
says which, so pages can mark it).

The plain columns (``name``, ``vision``, ...) keep the English text, which
the unique constraints and anything reading the table directly see: the
models save them in English whatever language is active.
"""

from modeltranslation.translator import TranslationOptions, register
from taggit.models import Tag

from . import revisions
from .models import Country, Goal


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name", "vision", "conclusion")
    required_languages = ("en",)
    # An empty translation is NULL, not "": the per-language unique
    # constraints modeltranslation adds see two untranslated names as distinct.
    empty_values = None


@register(Goal)
class GoalTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)
    # An empty translation is NULL, not "": the per-language unique
    # constraints modeltranslation adds see two untranslated names as distinct.
    empty_values = None


@register(Tag)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
    # An empty translation is NULL, not "": the per-language unique
    # constraints modeltranslation adds see two untranslated names as distinct.
    empty_values = None


# Now that every language has its columns: the revisions keep them all.
revisions.register()
