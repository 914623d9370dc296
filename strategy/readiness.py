"""
Ready to publish: what a country still lacks before it goes public.

A country may be saved as a draft with anything missing. Publishing it —
the admin's "Publish" action, its status field, the importer's publish
option — first lists what is missing:

* no region;
* goals whose title the import only suggested (made from their first
  words) and nobody has confirmed;
* goals without a theme;
* cited sources without a language;
* with ``settings.PUBLISH_REQUIRES_LANGUAGES`` (``ATLAS_PUBLISH_REQUIRES_LANGUAGES``,
  e.g. ``es``): a text not yet translated into each of those languages.

and refuses until each item is fixed or waived by someone who may publish
(Country managers). A waiver holds for that one publication and is written
into the revision that publishes the country, so the history says who
published what was missing.
"""

from dataclasses import dataclass, field

from django.conf import settings

from citations.footnotes import find_markers
from citations.models import Citation


@dataclass(frozen=True)
class Missing:
    """One thing a country lacks for publication; ``code`` names it in forms."""

    code: str
    message: str

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class GoalDraft:
    """What the check needs of a goal, saved or only submitted in a form."""

    position: int
    title: str
    title_suggested: bool
    themes: tuple
    description: str = ""
    # Its texts in other languages: {"title_es": ..., "description_es": ...}.
    translations: dict = field(default_factory=dict, compare=False)


def missing(*, region, goals, texts, translations=None):
    """
    What a country with ``region``, ``goals`` (GoalDrafts) and its other
    ``texts`` (vision, conclusion) lacks for publication, in the order of
    the page. ``translations`` holds the country's own texts in other
    languages, as forms name them ({"vision_es": ...}).
    """
    items = []
    if not region:
        items.append(Missing("region", "no region"))
    for goal in sorted(goals, key=lambda goal: goal.position):
        if goal.title_suggested:
            items.append(
                Missing(
                    f"title-{goal.position}",
                    f"goal {goal.position}: the title “{goal.title}” was made from its text "
                    "and is not confirmed",
                )
            )
        if not goal.themes:
            items.append(Missing(f"themes-{goal.position}", f"goal {goal.position}: no theme"))
    keys = find_markers("\n".join([*texts, *(goal.description for goal in goals)]))
    without_language = Citation.objects.filter(key__in=keys, language="").values_list(
        "key", flat=True
    )
    items += [
        Missing(f"language-{key}", f"source [^{key}]: no language")
        for key in sorted(without_language)
    ]
    items += untranslated(goals, translations or {}, texts)
    return items


def untranslated(goals, translations, texts):
    """A Missing for each language publishing requires that a text lacks."""
    from . import languages

    items = []
    vision, conclusion = [*texts, "", ""][:2]
    for code in settings.PUBLISH_REQUIRES_LANGUAGES:
        if code == languages.default_language():
            continue
        places = [
            label
            for name, label, english in (
                ("name", "the name", True),
                ("vision", "the vision", vision),
                ("conclusion", "the conclusion", conclusion),
            )
            if english and not translations.get(languages.column(name, code))
        ]
        for goal in sorted(goals, key=lambda goal: goal.position):
            for name, label in (("title", "title"), ("description", "text")):
                if not goal.translations.get(languages.column(name, code)):
                    places.append(f"goal {goal.position}'s {label}")
        if places:
            items.append(
                Missing(
                    f"translation-{code}",
                    f"not yet in {languages.name_of(code)}: {', '.join(places)}",
                )
            )
    return items


def missing_for(country):
    """What the saved ``country`` lacks for publication."""
    from . import languages

    def translated(obj, names):
        return {
            languages.column(name, code): getattr(obj, languages.column(name, code))
            for name in names
            for code in languages.other_codes()
        }

    goals = [
        GoalDraft(
            goal.position,
            goal.title_en,
            goal.title_suggested,
            tuple(tag.name_en or tag.name for tag in goal.tags.all()),
            goal.description_en,
            translated(goal, languages.GOAL_TEXTS),
        )
        for goal in country.goals.prefetch_related("tags")
    ]
    return missing(
        region=country.region,
        goals=goals,
        texts=[country.vision_en, country.conclusion_en],
        translations=translated(country, languages.COUNTRY_TEXTS),
    )


def waiver_note(items):
    """The words a revision keeps of a waiver: "Published with ... waived: no region; ..."."""
    return f"Published with what was missing waived: {'; '.join(map(str, items))}."


class NotReady(Exception):
    """Publishing refused: ``items`` are missing and not waived."""

    def __init__(self, country, items):
        self.country, self.items = country, items
        super().__init__(f"{country}: {'; '.join(map(str, items))}")
