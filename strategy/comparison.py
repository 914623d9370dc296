"""
Comparing countries: which countries a ``/compare/`` address asks for, the
side-by-side view of two to four of them theme by theme, and the themes-by-
countries matrix (how many goals each country has on each theme).

Every count and list here is of published content only.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from web.addresses import page_address

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
    """
    One country's goals on one theme: (goal, rendered description) pairs;
    ``html``, the cell as the page shows it (``strategy/compare_cell.html``).
    """

    country: Country
    goals: list = field(default_factory=list)
    html: str = ""

    @property
    def key(self):
        """
        What tells this cell apart among its country's (whose version it
        follows): its goals and their texts as numbered on this page.
        """
        shown = hashlib.blake2b(digest_size=16)
        for goal, description in self.goals:
            shown.update(f"{goal.pk}\0{description}\0".encode())
        return f"{self.country.pk}:{shown.hexdigest()}"


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
    # (theme pk or None, country pk): [goal, ...], each goal's themes read once
    goals_on = {}
    for country in countries:
        address = country.get_absolute_url()
        for goal in country.goals.all():
            goal.address = f"{address}#goal-{goal.position}"
            goal_themes = goal.themes
            for theme in goal_themes:
                themes.setdefault(theme.pk, theme)
            for key in [theme.pk for theme in goal_themes] or [None]:
                goals_on.setdefault((key, country.pk), []).append(goal)
    ordered = sorted(themes.values(), key=lambda theme: (theme.name.casefold(), theme.pk))
    unthemed = any(key is None for key, _ in goals_on)
    rows = []
    for theme in [*ordered, *([None] if unthemed else [])]:
        key = theme.pk if theme else None
        cells = [
            # A goal on several themes is rendered under each: its markers
            # there are links of their own, numbered as its first ones.
            Cell(
                country,
                [(g, footnotes.render(g.description)) for g in goals_on.get((key, country.pk), [])],
            )
            for country in countries
        ]
        rows.append(ThemeRow(theme, cells))
    visions = [(country, footnotes.render(country.vision)) for country in countries]
    conclusions = [(country, footnotes.render(country.conclusion)) for country in countries]
    return {
        "rows": rows,
        "visions": visions,
        "conclusions": conclusions,
        "notes": footnotes.notes,
    }


# A cell with no goal, and one with goals linking to the first: built here
# rather than in the template, as a page of the matrix has hundreds of cells
# and the template engine would spend most of the page's time on them.
def no_goal_cell():
    """The cell of a country with no goal on a theme, in the page's language."""
    return mark_safe(  # noqa: S308 -- a constant, and a translation of it, with no value in it
        '<td><span class="none" aria-hidden="true">–</span>'
        f'<span class="visually-hidden">{escape(gettext("No goal"))}</span></td>'
    )


GOALS_CELL = '<td><a href="{}">{}<span class="visually-hidden"> {}</span></a></td>'


@dataclass
class MatrixRow:
    theme: object
    address: str
    # (country's name, goal count, address of its first goal on the theme or "")
    cells: list
    country_count: int = 0
    goal_count: int = 0

    @property
    def cells_html(self):
        """
        The row's cells as the table shows them, every value escaped: a page
        of the matrix has hundreds of cells, so they are put together as plain
        strings, each value escaped by ``html.escape`` (what Django's
        ``escape`` does, without its wrapping).
        """
        empty = no_goal_cell()
        theme = html.escape(self.theme.name)
        labels = {}  # count: its phrase, read from the catalogue once

        def label(count):
            if count not in labels:
                labels[count] = html.escape(
                    ngettext(
                        "goal of %(country)s on %(theme)s",
                        "goals of %(country)s on %(theme)s",
                        count,
                    )
                )
            return labels[count]

        return mark_safe(  # noqa: S308 -- each value in it escaped here
            "".join(
                GOALS_CELL.format(
                    html.escape(address),
                    count,
                    label(count) % {"country": html.escape(name), "theme": theme},
                )
                if count
                else empty
                for name, count, address in self.cells
            )
        )


def theme_matrix(countries, themes, *, only_these=False, cells=True):
    """
    The themes-by-countries matrix: a row per theme of ``themes`` (published
    themes, in order), a cell per country of ``countries`` (published) with
    how many goals it has on that theme, and the address of the first of
    them. One query, whatever the number of countries and themes; with
    ``only_these``, it counts the goals of ``countries`` alone (a few of
    many) rather than of every published country. With ``cells=False``, the
    rows carry their totals alone (how many countries and goals take the
    theme up), for a summary of too many countries to show across.
    """
    goals = Goal.objects.published().filter(tags__isnull=False)
    if only_these:
        goals = goals.filter(country__in=[country.pk for country in countries])
    if cells:
        counts = {
            (row["country_id"], row["tags"]): (row["goal_count"], row["first"])
            for row in goals.values("country_id", "tags")
            .annotate(goal_count=Count("pk"), first=Min("position"))
            .order_by()
        }
        totals = {}  # theme pk: [countries, goals]
        for (_, tag), (goal_count, _) in counts.items():
            total = totals.setdefault(tag, [0, 0])
            total[0] += 1
            total[1] += goal_count
    else:
        totals = {
            row["tags"]: (row["country_count"], row["goal_count"])
            for row in goals.values("tags")
            .annotate(country_count=Count("country", distinct=True), goal_count=Count("pk"))
            .order_by()
        }
    # Each address and name is made once, not once a cell: a page of the matrix
    # has hundreds.
    columns = (
        [(country, country.name, country.get_absolute_url()) for country in countries]
        if cells
        else []
    )
    rows = []
    for theme in with_addresses(themes):
        country_count, goal_count = totals.get(theme.pk, (0, 0))
        row = MatrixRow(
            theme,
            page_address("strategy:theme_detail", slug=theme.slug),
            [],
            country_count,
            goal_count,
        )
        for country, name, address in columns:
            goal_count, first = counts.get((country.pk, theme.pk), (0, None))
            row.cells.append((name, goal_count, f"{address}#goal-{first}" if goal_count else ""))
        rows.append(row)
    return rows
