"""
A search as the results page shows it: one page of ranked matches with
marked titles and snippets, and the facets (how many matches each region and
theme has, under the other filter). Three queries at most, whatever the
number of countries: the theme filter's lookup, the facets (which give the
count too) and the page.
"""

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db import connection
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
    documents = in_region.filter(themes=found.theme_tag) if found.theme_tag else in_region
    by_region, found.themes = facets(backend, region, found.theme_tag)
    region_labels = dict(Country.Region.choices)
    found.total = by_region.get(region, 0) if region else sum(by_region.values())
    found.regions = [
        {"value": value, "label": region_labels[value], "count": count}
        for value, count in sorted(by_region.items())
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
    return found, page


def facets(backend, region, tag):
    """
    How many matches each region has (under the theme filter, ``tag``) and
    each theme has (under the region filter), in one statement that finds
    the matches once: ({region: count}, [{"slug", "name", "count"}, ...]),
    the themes most first, ``MAX_THEME_FACETS`` of them. The region counts
    give the total too.
    """
    matched_sql, params = backend.matched_rows()
    in_theme = ""
    if tag is not None:
        in_theme = "WHERE id IN (SELECT document_id FROM search_document_themes WHERE tag_id = %s)"
        params = [*params, tag.pk]
    in_region = ""
    if region:
        in_region = "WHERE region = %s"
        params = [*params, region]
    # Only the backend's SQL for the matches and constants are formatted in;
    # every value is a parameter.
    sql = f"""
        WITH matched (id, region) AS MATERIALIZED ({matched_sql})
        SELECT 'region', NULL, region, NULL, COUNT(*) FROM matched {in_theme} GROUP BY region
        UNION ALL
        SELECT 'theme', tag.id, tag.slug, tag.name, counted.n
        FROM (
            -- IN rather than a join: SQLite then counts by the (document, tag) index
            -- instead of sorting the joined rows (almost twice as fast with thousands of matches).
            SELECT tag_id, COUNT(*) AS n FROM search_document_themes
            WHERE document_id IN (SELECT id FROM matched {in_region})
            GROUP BY tag_id
        ) counted
        JOIN taggit_tag tag ON tag.id = counted.tag_id
    """  # noqa: S608
    by_region, themes = {}, []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, pk, value, name, count in cursor.fetchall():
            if facet == "region":
                by_region[value] = count
            else:
                themes.append(SimpleNamespace(pk=pk, slug=value, name=name, count=count))
    themes.sort(key=lambda theme: (-theme.count, theme.name))
    # A theme without a usable slug has no page to link to: left off, and logged.
    return by_region, [
        {"slug": t.slug, "name": t.name, "count": t.count}
        for t in with_addresses(themes[:MAX_THEME_FACETS])
    ]
