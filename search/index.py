"""
Keeping the search documents (``search.models.Document``) in step with what
the public sees.

``index_country`` rewrites one country's documents (the country and its
goals) from the database as it now stands: none unless the country is
published. ``index_sources`` does the same for sources: a source is
searchable while a published country cites it. ``search.signals`` calls
them on every save and delete that can change a public page, inside the same
transaction; ``rebuild`` (``manage.py rebuild_search_index``) writes the
whole index again, for content written in bulk without signals.
"""

import unicodedata

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import translation

from citations import footnotes
from citations.models import Citation
from strategy import languages
from strategy.models import Country, Goal

from .models import Document, text_search_config

# Control characters never occur in indexed text: search.backends marks
# matches with two of them, and "<" and ">" are stored as two others, since
# PostgreSQL's headline function drops what looks like an HTML tag (an editor
# writing "<b>" means those characters; search.results puts them back).
SENTINELS = str.maketrans(
    {**{chr(code): " " for code in range(32) if chr(code) not in "\t\n"}, "<": "\x04", ">": "\x05"}
)


def plain_text(markdown):
    """The words of an editor's Markdown text, as a reader sees them, ready to index."""
    return _clean(footnotes.plain_text(markdown))


def _clean(text):
    return " ".join((text or "").translate(SENTINELS).split())


def _country_documents(country):
    """The country's documents, and their themes, in every language."""
    documents = []
    for code in languages.codes():
        with translation.override(code):
            documents += _documents_in_language(country, code)
    return documents


def _documents_in_language(country, code):
    """The country and its goals as their pages read in language ``code``."""
    region = country.region
    goals = list(country.goals.all())
    name = _clean(languages.text(country, "name", code).value)
    vision = languages.text(country, "vision", code).value
    conclusion = languages.text(country, "conclusion", code).value
    documents = [
        (
            Document(
                kind=Document.Kind.COUNTRY,
                country=country,
                title=name,
                context=str(country.get_region_display()) if region else "",
                body=" ".join([plain_text(vision), plain_text(conclusion)]),
                url=country.get_absolute_url(),
                region=region,
                language=code,
            ),
            {tag.pk for goal in goals for tag in goal.tags.all()},
        )
    ]
    for goal in goals:
        documents.append(
            (
                Document(
                    kind=Document.Kind.GOAL,
                    country=country,
                    goal=goal,
                    title=_clean(languages.text(goal, "title", code).value),
                    context=name,
                    body=plain_text(languages.text(goal, "description", code).value),
                    url=f"{country.get_absolute_url()}#goal-{goal.position}",
                    region=region,
                    language=code,
                ),
                {tag.pk for tag in goal.tags.all()},
            )
        )
    return documents


def _source_documents(citation):
    """A source's document in every language: its own text, the page's address."""
    title = _clean(": ".join(part for part in (citation.title, citation.subtitle) if part))
    about = [citation.authors, citation.publisher, str(citation.year or "")]
    documents = []
    for code in languages.codes():
        with translation.override(code):
            url = citation.get_absolute_url()
        documents.append(
            Document(
                kind=Document.Kind.SOURCE,
                citation=citation,
                title=title[:600],
                context=_clean(citation.publisher)[:200],
                body=_clean(" ".join(about)),
                url=url,
                language=code,
            )
        )
    return documents


def _write(pairs):
    """Insert documents with their themes; on PostgreSQL, fill in their vectors."""
    if not pairs:
        return
    for document, _ in pairs:
        # One spelling of each character, as search.query reads the words searched.
        for name, limit in (("title", 600), ("context", 200), ("body", None)):
            text = unicodedata.normalize("NFKC", getattr(document, name))
            setattr(document, name, text[:limit] if limit else text)
    documents = Document.objects.bulk_create([document for document, _ in pairs])
    links = [
        Document.themes.through(document_id=document.pk, tag_id=tag_id)
        for document, tags in pairs
        for tag_id in tags
    ]
    Document.themes.through.objects.bulk_create(links)
    if connection.vendor == "postgresql":
        by_language = {}
        for document in documents:
            by_language.setdefault(document.language, []).append(document.pk)
        for code, ids in by_language.items():
            config = text_search_config(code)
            Document.objects.filter(pk__in=ids).update(
                search_vector=(
                    SearchVector("title", weight="A", config=config)
                    + SearchVector("context", weight="C", config=config)
                    + SearchVector("body", weight="B", config=config)
                )
            )


def _countries():
    goals = Goal.objects.order_by("position").prefetch_related("tags")
    return Country.objects.published().prefetch_related(Prefetch("goals", queryset=goals))


@transaction.atomic
def index_country(country_id):
    """Rewrite the documents of the country ``country_id`` (and the sources it may change)."""
    Document.objects.filter(country_id=country_id).delete()
    country = _countries().filter(pk=country_id).first()
    if country is not None:
        _write(_country_documents(country))
    index_sources()


@transaction.atomic
def index_sources(citation_ids=None):
    """
    Make the source documents match the sources published countries cite:
    add the missing ones, drop the ones no longer cited. With ``citation_ids``,
    rewrite those sources' documents too (their text changed).
    """
    cited = Citation.objects.cited()
    stale = Document.objects.filter(kind=Document.Kind.SOURCE).exclude(citation__in=cited)
    if citation_ids:
        stale = stale | Document.objects.filter(citation_id__in=citation_ids)
    stale.delete()
    indexed = Document.objects.filter(kind=Document.Kind.SOURCE).values("citation_id")
    _write(
        [
            (document, ())
            for citation in cited.exclude(pk__in=indexed)
            for document in _source_documents(citation)
        ]
    )


@transaction.atomic
def rebuild():
    """Write the whole index again. Returns the number of documents."""
    Document.objects.all().delete()
    pairs = []
    for country in _countries().iterator(chunk_size=200):
        pairs.extend(_country_documents(country))
    _write(pairs)
    index_sources()
    _refresh_statistics()
    return Document.objects.count()


def _refresh_statistics():
    """
    After a rebuild, tell PostgreSQL's planner how many documents there are
    now, so that a search for a rare word uses the index from the first
    request on rather than after the next automatic analyze.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document, search_document_themes")
