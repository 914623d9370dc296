"""
Matching, ranking and snippets, in the database's own full-text search:
PostgreSQL's (weighted tsvector, ``websearch_to_tsquery``, ``ts_rank``,
``ts_headline``, a GIN index) or SQLite's FTS5 (porter stemming, ``bm25``,
``snippet``, ``highlight``). Both rank a match in a title above one in the
country it belongs to, and that above one in the body text.

Each backend gives a queryset of the matching documents (for counting and
facets) and the rows of one page of results, best first, with the title and
a snippet in which the matched words are wrapped in the sentinels START and
STOP; ``search.results`` escapes the text and turns those into ``<mark>``.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Value, When
from django.db.models.expressions import RawSQL

from strategy import languages

from .models import Document, text_search_config

START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30

# A match counts more in a country than in one of its goals, and more in a
# goal than in a source: searching a country's name finds the country first.
KIND_BOOST = {"country": 2.0, "goal": 1.4, "source": 1.0}

# Ties go to countries, then goals, then sources.
KIND_ORDER = Case(
    When(kind=Document.Kind.COUNTRY, then=Value(0)),
    When(kind=Document.Kind.GOAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
FIELDS = ("pk", "kind", "title", "context", "url", "region")


class PostgresBackend:
    """Documents of the active language, matched with its stemming (``text_search_config``)."""

    def __init__(self, query):
        self.language = languages.current()
        self.config = text_search_config(self.language)
        self.query = SearchQuery(query.websearch(), search_type="websearch", config=self.config)

    def matching(self):
        return Document.objects.filter(language=self.language, search_vector=self.query)

    def matched_rows(self):
        """SQL (and parameters) for the id and region of each matching document."""
        return self.matching().values("pk", "region").query.sql_with_params()

    def page(self, documents, region, tag, start, stop):
        options = {"config": self.config, "start_sel": START, "stop_sel": STOP}
        rows = (
            documents.annotate(
                rank=SearchRank(F("search_vector"), self.query)
                * Case(
                    *(When(kind=kind, then=Value(boost)) for kind, boost in KIND_BOOST.items()),
                    output_field=FloatField(),
                ),
                kind_order=KIND_ORDER,
                marked_title=SearchHeadline("title", self.query, highlight_all=True, **options),
                snippet=SearchHeadline(
                    "body",
                    self.query,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **options,
                ),
            )
            .order_by("-rank", "kind_order", "title", "pk")
            .values(*FIELDS, "marked_title", "snippet")
        )
        return list(rows[start:stop])


class SQLiteBackend:
    table = "search_document_fts"
    # bm25 weights of the FTS5 columns: title, context, body.
    weights = (10.0, 2.0, 1.0)

    def __init__(self, query):
        self.match = query.fts5()
        self.language = languages.current()

    def matching_ids(self):
        """SQL (and parameters) for the ids of the matching documents of the active language."""
        # The table name is a constant; the query text and language are parameters.
        # CROSS JOIN makes SQLite run the MATCH once and look each match up,
        # rather than walk every document of the language and MATCH for each
        # (twenty times slower at 300 countries).
        sql = (
            f"SELECT {self.table}.rowid FROM {self.table} "  # noqa: S608
            f"CROSS JOIN search_document d ON d.id = {self.table}.rowid "
            f"WHERE {self.table} MATCH %s AND d.language = %s"
        )
        return sql, [self.match, self.language]

    def matching(self):
        return Document.objects.filter(pk__in=RawSQL(*self.matching_ids()))  # noqa: S611

    def matched_rows(self):
        """SQL (and parameters) for the id and region of each matching document."""
        ids_sql, params = self.matching_ids()
        return f"SELECT id, region FROM search_document WHERE id IN ({ids_sql})", params  # noqa: S608

    def page(self, documents, region, tag, start, stop):
        # FTS5's functions need the MATCH in the same SELECT: one join, ranked
        # there, the filters as plain conditions (not the MATCH a second time).
        conditions, filter_params = ["AND d.language = %s"], [self.language]
        if region:
            conditions.append("AND d.region = %s")
            filter_params.append(region)
        if tag is not None:
            conditions.append(
                "AND d.id IN (SELECT document_id FROM search_document_themes WHERE tag_id = %s)"
            )
            filter_params.append(tag.pk)
        weights = ", ".join(str(weight) for weight in self.weights)
        boost = " ".join(f"WHEN '{kind}' THEN {factor}" for kind, factor in KIND_BOOST.items())
        kind_order = " ".join(
            f"WHEN '{kind}' THEN {number}" for number, kind in enumerate(Document.Kind.values)
        )
        # Only constants are formatted in; every value is a parameter.
        sql = f"""
            SELECT d.id, d.kind, d.title, d.context, d.url, d.region,
                   highlight({self.table}, 0, %s, %s),
                   snippet({self.table}, 2, %s, %s, ' … ', {SNIPPET_WORDS})
            FROM {self.table} CROSS JOIN search_document d ON d.id = {self.table}.rowid
            WHERE {self.table} MATCH %s {" ".join(conditions)}
            ORDER BY bm25({self.table}, {weights}) * CASE d.kind {boost} ELSE 1.0 END,
                     CASE d.kind {kind_order} END, d.title, d.id
            LIMIT %s OFFSET %s
        """  # noqa: S608
        params = [START, STOP, START, STOP, self.match, *filter_params, stop - start, start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = (*FIELDS, "marked_title", "snippet")
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def backend_for(query):
    if connection.vendor == "postgresql":
        return PostgresBackend(query)
    return SQLiteBackend(query)
