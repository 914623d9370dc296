"""
The languages content is written in, and what is translated.

English (``settings.LANGUAGE_CODE``) is the language every text is first
written in and the one a missing translation falls back to; the others are
the rest of ``settings.LANGUAGES``. A translated field (``strategy.translation``)
is stored once per language (``vision_en``, ``vision_es``); in forms the plain
name (``vision``) is the English text and ``vision_es`` the Spanish one
(``editing.forms.TranslatedFieldsForm``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

COUNTRY_TEXTS = ("name", "vision", "conclusion")
GOAL_TEXTS = ("title", "description")
THEME_TEXTS = ("name",)


def translated_fields(model):
    """The names of ``model``'s fields written in each language (strategy.translation), or ()."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def default_language():
    return settings.LANGUAGE_CODE


def codes():
    """Every language's code, English first."""
    return [code for code, _name in settings.LANGUAGES]


def other_codes():
    """The languages content is translated into."""
    return [code for code in codes() if code != default_language()]


def name_of(code):
    """A language's name in that language: "Español"."""
    return dict(settings.LANGUAGES)[code]


def column(field_name, code):
    """The column holding ``field_name`` in language ``code``: "vision_es"."""
    return build_localized_fieldname(field_name, code)


def form_field(field_name, code):
    """The name of ``field_name`` in language ``code`` in a form: "vision", "vision_es"."""
    return field_name if code == default_language() else column(field_name, code)


def stored(field_names, translated):
    """
    ``field_names`` as they are stored: each translated one as its column in
    every language, the others as they are. For copying a row's content.
    """
    names = []
    for name in field_names:
        names.extend([column(name, code) for code in codes()] if name in translated else [name])
    return names


def current():
    """The language being answered in (a supported one)."""
    code = translation.get_language() or default_language()
    return code if code in codes() else translation.get_supported_language_variant(code)


@dataclass(frozen=True)
class Text:
    """A text as a page shows it, and the language it is really in."""

    value: str
    lang: str
    fallback: bool  # not yet translated into the page's language: shown in English

    def __str__(self):
        return self.value


def text(obj, field_name, code=None):
    """
    ``obj``'s ``field_name`` in language ``code`` (the active one by default),
    or in English when it has not been translated yet (``fallback``).
    """
    code = code or current()
    value = getattr(obj, column(field_name, code), None)
    if value:
        return Text(value, code, False)
    english = getattr(obj, column(field_name, default_language()), None) or ""
    return Text(english, default_language(), code != default_language())


def missing(obj, field_names, code):
    """The fields of ``obj`` with text in English but none in ``code``."""
    return [
        name
        for name in field_names
        if getattr(obj, column(name, default_language()), None)
        and not getattr(obj, column(name, code), None)
    ]


def missing_translations(country, goals, code):
    """
    What a country lacks in language ``code``, as an editor would say it:
    ["the name", "the vision", "goal 2's title"]. Empty when complete.
    """
    from django.utils.translation import gettext as _

    labels = {
        "name": _("the name"),
        "vision": _("the vision"),
        "conclusion": _("the conclusion"),
    }
    places = [labels[name] for name in missing(country, COUNTRY_TEXTS, code)]
    for goal in goals:
        for name in missing(goal, GOAL_TEXTS, code):
            if name == "title":
                places.append(_("goal %(position)s's title") % {"position": goal.position})
            else:
                places.append(_("goal %(position)s's text") % {"position": goal.position})
    return places


def display_order(field_path="name"):
    """
    An ordering by a translated field as the active language shows it (its
    translation, else English), for ``order_by()``: "name", "tag__name".
    Built per request, as the language is the request's.
    """
    from django.db.models import CharField, F
    from django.db.models.functions import Coalesce, Lower

    english = F(column(field_path, default_language()))
    code = current()
    if code == default_language():
        return Lower(english).asc()
    shown = Coalesce(F(column(field_path, code)), english, output_field=CharField())
    return Lower(shown).asc()


def english():
    """
    Inside it, a translated field's plain name is its English text, to read
    and to write (django-modeltranslation resolves plain names by the active
    language). Editorial code that names fields as forms do uses it.
    """
    return translation.override(default_language())


def editable(field_names, translated):
    """
    ``field_names`` as forms name them: each translated one in English under
    its plain name, then once per other language ("vision", "vision_es").
    Read and written inside ``english()``.
    """
    names = []
    for name in field_names:
        names.append(name)
        if name in translated:
            names.extend(column(name, code) for code in other_codes())
    return names


def as_editable(values, translated):
    """
    Stored values (a revision's ``field_dict``) named as forms name them: the
    English column under the plain name. A revision kept before the atlas had
    languages has the plain name only, which is English.
    """
    values = dict(values)
    for name in translated:
        english_column = column(name, default_language())
        if english_column in values:
            values[name] = values.pop(english_column)
    return values


def labelled(fields, translated):
    """
    ``[(name, label)]`` pairs, as comparisons list fields, with each
    translated one followed by its other languages: ("vision_es", "vision (Español)").
    """
    pairs = []
    for name, label in fields:
        pairs.append((name, label))
        if name in translated:
            pairs.extend(
                (column(name, code), f"{label} ({name_of(code)})") for code in other_codes()
            )
    return pairs


def in_english(function):
    """``function`` run inside ``english()`` (a fresh one on every call, thread by thread)."""
    import functools

    @functools.wraps(function)
    def run_in_english(*args, **kwargs):
        with english():
            return function(*args, **kwargs)

    return run_in_english
