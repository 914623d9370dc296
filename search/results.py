"""
A search as the results page shows it: one page of ranked matches with
marked titles and snippets, and the facets (how many matches each region and
theme has, under the other filter). Four queries at most, whatever the
number of countries: the theme filter's lookup, the region facet (which
gives the count too), the page and the theme facet.
"""

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import mark_safe

from strategy.models import Country
from strategy.themes import published_themes, with_addresses

from .backends import START, STOP, backend_for
from .models import Document
from .query import parse

PER_PAGE = 20
MAX_THEME_FACETS = 20
MARK_RE = re.compile(f"{START}(.*?){STOP}", re.S)


def readable(text):
    """Indexed text as written: ``search.index`` stores "<" and ">" as control characters."""
    return (text or "").replace("\x04", "<").replace("\x05", ">")


def marked(text):
    """Escaped ``text`` with the backend's marked matches as ``<mark>`` elements."""
    html = MARK_RE.sub(r"<mark>\1</mark>", str(escape(readable(text))))
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)


class UnknownFilter(Exception):
    """A ?region= or ?theme= that names nothing the atlas has."""


@dataclass
class Search:
    text: str = ""
    region: str = ""
    theme: str = ""
    query: object = None
    theme_tag: object = None
    total: int = 0
    results: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    themes: list = field(default_factory=list)

    @property
    def filtered(self):
        return bool(self.region or self.theme)


def check_filters(region, theme):
    """The Tag that ``theme`` names (or None); UnknownFilter when either names nothing."""
    if region and region not in Country.Region.values:
        raise UnknownFilter(f"There is no region “{region[:60]}” in the atlas.")
    if not theme:
        return None
    tag = published_themes().filter(slug=theme).first()
    if tag is None:
        raise UnknownFilter(f"There is no theme “{theme[:60]}” in the atlas.")
    return tag


def search(text, *, region="", theme="", page_value=None, page_of=None):
    """
    Run the search ``text`` narrowed to ``region`` and ``theme`` (slugs).
    ``page_of(paginator, value)`` picks the page (raising Http404 for a bad one).
    """
    found = Search(text=text, region=region, theme=theme, query=parse(text))
    found.theme_tag = check_filters(region, theme)
    if found.query.is_empty:
        return found, None
    backend = backend_for(found.query)
    matching = backend.matching()
    in_region = matching.filter(region=region) if region else matching
    with_theme = matching.filter(themes=found.theme_tag) if found.theme_tag else matching
    documents = in_region.filter(themes=found.theme_tag) if found.theme_tag else in_region

    # Counts by region (under the theme filter) give the facet and the total.
    region_labels = dict(Country.Region.choices)
    by_region = {
        row["region"]: row["count"]
        for row in with_theme.values("region").annotate(count=Count("pk")).order_by("region")
    }
    found.total = by_region.get(region, 0) if region else sum(by_region.values())
    found.regions = [
        {"value": value, "label": region_labels[value], "count": count}
        for value, count in by_region.items()
        if value in region_labels
    ]
    paginator = Paginator(range(found.total), PER_PAGE)
    page = page_of(paginator, page_value)
    if found.total:
        rows = backend.page(
            documents, region, found.theme_tag, page.start_index() - 1, page.end_index()
        )
        labels = dict(Document.Kind.choices)
        found.results = [
            {
                **row,
                "kind_label": labels[row["kind"]],
                "context": readable(row["context"]),
                "marked_title": marked(row["marked_title"] or row["title"]),
                "snippet": marked(row["snippet"]),
            }
            for row in rows
        ]
    found.themes = theme_counts(*backend.matching_ids(), region)
    return found, page


def theme_counts(ids_sql, params, region):
    """
    How many of the documents ``ids_sql`` selects (in ``region``, if given)
    each theme has, most first: counted in the themes table by tag id alone,
    then named (grouping the joined rows by name costs twice as much with
    thousands of matches).
    """
    if region:
        ids_sql = f"SELECT id FROM search_document WHERE region = %s AND id IN ({ids_sql})"  # noqa: S608
        params = [region, *params]
    # Only the backend's SQL for the matches is formatted in; values are parameters.
    sql = f"""
        SELECT tag.id, tag.slug, tag.name, counted.n
        FROM (
            SELECT tag_id, COUNT(*) AS n FROM search_document_themes
            WHERE document_id IN ({ids_sql}) GROUP BY tag_id
        ) counted
        JOIN taggit_tag tag ON tag.id = counted.tag_id
        ORDER BY counted.n DESC, tag.name
        LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, MAX_THEME_FACETS])
        rows = [
            SimpleNamespace(pk=pk, slug=slug, name=name, count=n)
            for pk, slug, name, n in cursor.fetchall()
        ]
    # A theme without a usable slug has no page to link to: left off, and logged.
    return [{"slug": t.slug, "name": t.name, "count": t.count} for t in with_addresses(rows)]
