"""
Comparing countries: which countries a ``/compare/`` address asks for, the
side-by-side view of two to four of them theme by theme, and the themes-by-
countries matrix (how many goals each country has on each theme).

Every count and list here is of published content only.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Min

from .models import Country, Goal
from .themes import with_addresses

MIN_COUNTRIES = 2
MAX_COUNTRIES = 4
# A country's slug as its address has it; anything else names no country.
_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class ChoiceProblem(Exception):
    """A choice of countries that cannot be compared; ``status`` is the HTTP answer."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def _shown(value):
    return value if len(value) <= 60 else value[:60] + "…"


def check_choice(slugs, published):
    """
    The countries ``slugs`` name, in that order, from ``published`` (a slug →
    country mapping of every published country). Raises ChoiceProblem for
    too few or too many, a country chosen twice (400), or a slug that is no
    published country (404).
    """
    if len(slugs) < MIN_COUNTRIES:
        raise ChoiceProblem(
            f"Choose at least {MIN_COUNTRIES} countries to compare"
            + (f"; you chose one, “{_shown(slugs[0])}”." if slugs else "."),
            400,
        )
    if len(slugs) > MAX_COUNTRIES:
        raise ChoiceProblem(
            f"Choose at most {MAX_COUNTRIES} countries to compare; you chose {len(slugs)}.", 400
        )
    seen = set()
    for slug in slugs:
        if slug in seen:
            raise ChoiceProblem(
                f"“{_shown(slug)}” is chosen more than once: choose each country once.", 400
            )
        seen.add(slug)
    unknown = [slug for slug in slugs if not _SLUG_RE.fullmatch(slug) or slug not in published]
    if unknown:
        names = ", ".join(f"“{_shown(slug)}”" for slug in unknown)
        raise ChoiceProblem(f"The atlas has no published country {names}.", 404)
    return [published[slug] for slug in slugs]


@dataclass
class Cell:
    """One country's goals on one theme: (goal, rendered description) pairs."""

    country: Country
    goals: list = field(default_factory=list)


@dataclass
class ThemeRow:
    """One theme (None: goals without a theme) and each country's goals on it."""

    theme: object
    cells: list


def texts_of(countries):
    """Every text of ``countries`` that may cite a source."""
    texts = [country.vision for country in countries]
    texts += [goal.description for country in countries for goal in country.goals.all()]
    return [*texts, *(country.conclusion for country in countries)]


def compare_countries(countries, footnotes):
    """
    The side-by-side page of ``countries`` (with their goals and the goals'
    themes loaded): a row per theme any of them has, in name order, each
    with every country's goals on it; then their visions and conclusions.
    ``footnotes`` (a FootnoteRenderer of the sources ``texts_of`` them
    cites) numbers the notes once across the page, in reading order.
    """
    themes = {}
    unthemed = False
    for country in countries:
        for goal in country.goals.all():
            goal_themes = goal.themes
            unthemed = unthemed or not goal_themes
            for theme in goal_themes:
                themes.setdefault(theme.pk, theme)
    ordered = sorted(themes.values(), key=lambda theme: (theme.name.casefold(), theme.pk))
    rows = []
    for theme in [*ordered, *([None] if unthemed else [])]:
        cells = []
        for country in countries:
            cell = Cell(country)
            for goal in country.goals.all():
                on_theme = [t.pk for t in goal.themes]
                if (theme is None and not on_theme) or (theme and theme.pk in on_theme):
                    cell.goals.append((goal, footnotes.render(goal.description)))
            cells.append(cell)
        rows.append(ThemeRow(theme, cells))
    visions = [(country, footnotes.render(country.vision)) for country in countries]
    conclusions = [(country, footnotes.render(country.conclusion)) for country in countries]
    return {
        "rows": rows,
        "visions": visions,
        "conclusions": conclusions,
        "notes": footnotes.notes,
    }


@dataclass
class MatrixRow:
    theme: object
    # (country, goal count, position of its first goal on the theme or None)
    cells: list
    country_count: int = 0
    goal_count: int = 0


def theme_matrix(countries, themes):
    """
    The themes-by-countries matrix: a row per theme of ``themes`` (published
    themes, in order), a cell per country of ``countries`` (published) with
    how many goals it has on that theme, and where the first of them is.
    One query, whatever the number of countries and themes.
    """
    themes = with_addresses(themes)
    counts = {
        (row["country_id"], row["tags"]): (row["goal_count"], row["first"])
        for row in Goal.objects.published()
        .filter(tags__isnull=False)
        .values("country_id", "tags")
        .annotate(goal_count=Count("pk"), first=Min("position"))
        .order_by()
    }
    rows = []
    for theme in themes:
        row = MatrixRow(theme, [])
        for country in countries:
            goal_count, first = counts.get((country.pk, theme.pk), (0, None))
            row.cells.append((country, goal_count, first))
            row.country_count += bool(goal_count)
            row.goal_count += goal_count
        rows.append(row)
    return rows
