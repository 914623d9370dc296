"""
No citation text can close its BibTeX field and forge a record.

BibTeX counts braces whatever stands before them (``\\}`` closes a value as
``}`` does), so an editor's title with an unmatched brace could end its
field and add a record that reference managers would import. Each line of
tests/data/bibtex_hostile.txt goes into every text field of a citation; the
export must parse, with pybtex (a BibTeX-compatible reader, strict) and with
bibtexparser, as exactly the atlas's records, and each field must decode
back to the text the editor typed.
"""

from pathlib import Path

import bibtexparser
import pytest
from pybtex.database import parse_string as pybtex_parse
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from citations.formats import to_bibtex
from citations.models import Citation

from .factories import CitationFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    line
    for line in (Path(__file__).parent / "data" / "bibtex_hostile.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("# ")
]

# pylatexenc reads TeX as a reference manager would; it needs telling about
# the two kernel commands for a lone brace.
_context = get_default_latex_context_db().filter_context()
_context.add_context_category(
    "braces",
    macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
    prepend=True,
)
DECODE = LatexNodes2Text(latex_context=_context, math_mode="verbatim", strict_latex_spaces=True)


def decode(value):
    return DECODE.latex_to_text(value).replace("\u02c6", "^")


@pytest.fixture
def hostile_citations(db):
    citations = [
        CitationFactory(
            key=f"hostile-{number}",
            title=text,
            subtitle=text,
            publisher=text,
            authors=f"{text}\nSmith, J.",
            language="en",
        )
        for number, text in enumerate(HOSTILE)
    ]
    return Citation.objects.filter(pk__in=[citation.pk for citation in citations]).order_by("key")


def test_pybtex_reads_exactly_the_atlas_records(hostile_citations):
    data = pybtex_parse(to_bibtex(hostile_citations), "bibtex")
    assert sorted(data.entries) == sorted(citation.key for citation in hostile_citations)
    for citation in hostile_citations:
        fields = data.entries[citation.key].fields
        assert decode(fields["title"]) == citation.full_title
        assert decode(fields["publisher"]) == citation.publisher
        assert set(fields) == {"title", "year", "publisher", "url", "language"}


def test_bibtexparser_reads_exactly_the_atlas_records(hostile_citations):
    library = bibtexparser.parse_string(to_bibtex(hostile_citations))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [c.key for c in hostile_citations]
    assert library.strings == [] and library.preambles == []
    for entry, citation in zip(library.entries, hostile_citations, strict=True):
        assert decode(entry["title"]) == citation.full_title
        assert set(entry.fields_dict) == {
            "author",
            "title",
            "year",
            "publisher",
            "url",
            "language",
        }


def test_each_hostile_author_stays_one_name(hostile_citations):
    data = pybtex_parse(to_bibtex(hostile_citations), "bibtex")
    for citation in hostile_citations:
        people = data.entries[citation.key].persons["author"]
        assert len(people) == 2, citation.authors


def test_a_key_written_straight_to_the_database_cannot_break_out(db):
    citation = CitationFactory(key="plain-2020")
    Citation.objects.filter(pk=citation.pk).update(key="x,} @misc{forged")
    text = to_bibtex(Citation.objects.all())
    data = pybtex_parse(text, "bibtex")
    assert list(data.entries) == ["x----misc-forged"]
