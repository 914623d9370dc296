"""
What a change to a citation does to the countries that cite it.

Countries cite a source by its key, in footnote markers (``[^key]``) in
their vision, goals and conclusion. When a cited source's key is renamed,
``rename_citation_key`` rewrites every marker that uses it, in the same
transaction as the rename, and records the change in each country's
history as a revision of its own ("Citation key “a” renamed to “b”"), so
that the country's history restores as before. It runs outside any other
revision being recorded (django-reversion folds nested revisions into one).
"""

from . import languages
from .drafts import not_recorded
from .models import MAX_TEXT_LENGTH, Country
from .revisions import save_revision


def rename_citation_key(old_key, new_key, *, user=None):
    """
    Rewrite the markers of ``old_key`` as ``new_key`` in every country that
    cites it; the citation already has ``new_key``. Returns {country: places}.
    """
    rewritten = {}
    citing = Country.objects.filter(citations__key=new_key).order_by("name_en")
    for country in citing:
        places = country.rename_marker(old_key, new_key)
        save_revision(
            country,
            user=user,
            comment=f"Citation key “{old_key}” renamed to “{new_key}”: "
            f"its footnote markers rewritten in {', '.join(places)}.",
        )
        rewritten[country] = places
    # Working drafts cite it too; they are not revisions.
    for draft in Country.with_drafts.filter(citations__key=new_key).exclude(draft_of=None):
        with not_recorded():
            draft.rename_marker(old_key, new_key)
    return rewritten


def _place(target):
    """A rewritten text, as an editor would say it: "vision", "goal 2 (Español)"."""
    goal, column = target if isinstance(target, tuple) else (None, target)
    field_name, _sep, code = column.rpartition("_")
    where = field_name if goal is None else f"goal {goal.position}"
    if code != languages.default_language():
        where += f" ({languages.name_of(code)})"
    return where


def key_rename_problems(citation, new_key, user):
    """
    Why ``citation`` may not take ``new_key``: [] when it may. Its citing
    countries' texts are rewritten, so the editor must be allowed to change
    countries, and the texts must stay within their length.
    """
    if citation.pk is None or new_key == citation.key:
        return []
    countries = list(Country.objects.filter(citations=citation).order_by("name_en"))
    if not countries:
        return []
    names = ", ".join(country.name for country in countries)
    if not user.has_perm("strategy.change_country"):
        return [
            f"{names} cite{'s' if len(countries) == 1 else ''} this source by its key; "
            "renaming it rewrites their text, which you may not change."
        ]
    problems = []
    for country in countries:
        for target, text in country.texts_with_key_renamed(citation.key, new_key).items():
            if len(text) > MAX_TEXT_LENGTH:
                where = _place(target)
                problems.append(
                    f"With the new key, the {where} of {country.name} would be longer "
                    f"than {MAX_TEXT_LENGTH:,} characters."
                )
    return problems
