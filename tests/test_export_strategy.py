"""`manage.py export_strategy`: a country back to a chapter that imports as the same country."""

import io
import re
import string
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from chapters.importer import import_chapter
from chapters.reader import parse_chapter
from chapters.writer import write_chapter
from citations.models import Citation
from citations.references import parse_reference
from strategy.models import Country, Goal

from .helpers import SOURCE_DIR, source_sentences
from .test_references import source_references

pytestmark = pytest.mark.django_db

CITATION_FIELDS = [
    "key", "authors", "year", "title", "subtitle", "publisher", "medium", "url",
    "accessed_on", "language", "source_label",
]  # fmt: skip


def export(slug):
    out = io.StringIO()
    call_command("export_strategy", slug, stdout=out)
    return out.getvalue()


def everything(slug):
    """A country as a reader of every field sees it: the country, goals, tags and citations."""
    country = Country.objects.get(slug=slug)
    return {
        "country": {
            name: getattr(country, name)
            for name in ("name", "slug", "iso_code", "region", "vision", "conclusion", "status")
        },
        "goals": [
            (
                goal.position,
                goal.title,
                goal.title_suggested,
                goal.description,
                sorted(goal.tags.names()),
            )
            for goal in country.goals.order_by("position")
        ],
        "citations": [
            {name: getattr(citation, name) for name in CITATION_FIELDS}
            for citation in country.citations.order_by("key")
        ],
    }


def empty_the_atlas():
    Country.objects.all().delete()
    Citation.objects.all().delete()
    Tag.objects.all().delete()


def reimport(text, publish):
    # What the country lacked for publication was waived when it was published
    # (or it lacked nothing): the copy is published as the original was.
    return import_chapter(
        parse_chapter(text), publish=publish, waive_missing=True, source_name="export.md"
    )


# --- Mexico ---------------------------------------------------------------------------


def test_mexico_exports_with_headings_themes_and_references(mexico):
    text = export("mexico")
    assert "\n# Mexico\n" in text
    assert "\n## Digitise small businesses with Big Data, analytics and AI\n\n" in text
    assert "\nThemes: big data, digitalisation, economy, small business\n" in text
    assert "\n## Conclusion\n\nConcluding, the Mexican Government" in text
    assert "citizens.[^30]\n" in text  # the report's own footnote numbers come back
    # The front matter, as tomli-w writes TOML: a bare key for the footnote number.
    assert '[citations.31]\nkey = "secretaria-de-hacienda-2017"\nlanguage = "es"\n' in text


def test_the_exported_mexico_fixture_imports_into_an_empty_atlas_as_the_same_country(mexico):
    before = everything("mexico")
    text = export("mexico")
    empty_the_atlas()
    result = reimport(text, publish=True)
    assert everything("mexico") == before
    assert result.created


def test_importing_an_export_over_its_country_changes_nothing(mexico):
    result = reimport(export("mexico"), publish=False)
    assert not result.changed_anything


def test_exporting_the_imported_source_keeps_every_sentence_and_reference():
    call_command("import_strategy", SOURCE_DIR / "mexico.md", stdout=io.StringIO())
    text = export("mexico")

    body = re.sub(r"(?s)^\+\+\+.*?\+\+\+\n", "", text).strip()
    paragraphs = [p for p in body.split("\n\n") if not p.startswith(("#", "[^"))]
    sentences = []
    for paragraph in paragraphs:
        paragraph = re.sub(r"\[\^[^\]]+\]", "", " ".join(paragraph.split()))
        sentences += re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph)
    assert sentences == source_sentences()

    exported = dict(re.findall(r"^\[\^(\w+)\]: (.*)$", text, flags=re.MULTILINE))
    assert exported.keys() == source_references().keys()
    for label, reference in source_references().items():
        assert parse_reference(exported[label]) == parse_reference(reference)


def test_export_to_a_file(mexico, tmp_path):
    path = tmp_path / "mexico.md"
    call_command("export_strategy", "mexico", "-o", path, stderr=io.StringIO())
    assert path.read_text(encoding="utf-8") == export("mexico")


def test_export_of_an_unknown_slug_is_an_error(db):
    with pytest.raises(CommandError, match="No country has the slug “atlantis”"):
        call_command("export_strategy", "atlantis")


# --- Generated countries --------------------------------------------------------------

WORD = st.text(string.ascii_letters + string.digits + "éçñ'’-.,;!?()&*_`\"", min_size=1, max_size=8)
LINE_STARTS = st.sampled_from(
    ["", "", "", "# ", "## ", "\\# ", "\\\\## ", "Themes: ", "\\Themes: ", "+++ ", "- ", "> ",
     "1. ", "    "]
)  # fmt: skip


@st.composite
def texts(draw, markers):
    """Markdown text: paragraphs of lines, some starting like chapter structure."""
    paragraphs = []
    for _ in range(draw(st.integers(1, 3))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            words = draw(st.lists(WORD, min_size=1, max_size=6))
            if markers and draw(st.booleans()):
                words.insert(
                    draw(st.integers(0, len(words))), f"[^{draw(st.sampled_from(markers))}]"
                )
            lines.append(draw(LINE_STARTS) + " ".join(words))
        if markers and draw(st.booleans()):
            lines.append(f"[^{draw(st.sampled_from(markers))}]: and more")
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs).strip()


# Words of titles and publishers: each starts with a letter, as real ones do
# (a publisher written "." alone cannot be told apart from punctuation).
phrase = st.lists(
    st.from_regex(r"[A-Za-zéñ][A-Za-zéñ'&.-]{0,7}", fullmatch=True), min_size=1, max_size=4
).map(" ".join)


@st.composite
def countries(draw):
    keys = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True),
            max_size=3,
            unique=True,
        )
    )
    labels = draw(
        st.lists(st.sampled_from(["", "1", "2", "30", "x"]), min_size=len(keys), max_size=len(keys))
    )
    citations = []
    for number, (key, label) in enumerate(zip(keys, labels, strict=True)):
        authors = draw(
            st.lists(
                phrase | st.tuples(phrase, st.sampled_from(["J.", "Jane", "K. L."])).map(", ".join),
                min_size=1,
                max_size=3,
            )
        )
        citations.append(
            {
                "key": key,
                "authors": "\n".join(authors),
                "year": draw(st.none() | st.integers(1800, 2200)),
                "title": f"{draw(phrase)} {number}",  # distinct titles, never two the same
                "subtitle": draw(st.just("") | phrase),
                "publisher": draw(st.just("") | phrase),
                "medium": draw(st.sampled_from(["online", "print"])),
                "url": draw(st.just("") | st.just(f"https://example.org/{key}.pdf")),
                "accessed_on": draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1))),
                "language": draw(st.sampled_from(["", "en", "es"])),
                "source_label": label,
            }
        )
    goals = [
        {
            "title": draw(st.sampled_from(["Conclusion", "# Hash", "Themes: odd"]) | phrase),
            "description": draw(texts(keys)),
            "title_suggested": draw(st.booleans()),
            "themes": draw(
                st.lists(
                    st.sampled_from(["health", "big data", "work, jobs", 'say "AI"']), unique=True
                )
            ),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    country = {
        "name": draw(phrase),
        "slug": draw(st.from_regex(r"[a-z]{1,10}(-[a-z]{1,5})?", fullmatch=True)),
        "iso_code": draw(st.sampled_from(["", "FR", "JP"])),
        "region": draw(st.sampled_from(["", *Country.Region.values])),
        "vision": draw(texts(keys)),
        "conclusion": draw(st.just("") | texts(keys)),
        "status": draw(st.sampled_from(Country.Status.values)),
    }
    return country, goals, citations


def create(country, goals, citations):
    for fields in citations:
        Citation.objects.create(**fields)
    created = Country.objects.create(**country)
    for position, goal in enumerate(goals, 1):
        Goal.objects.create(
            country=created,
            position=position,
            title=goal["title"],
            title_suggested=goal.get("title_suggested", False),
            description=goal["description"],
        ).tags.set(goal["themes"])
    created.sync_citations()
    return created


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=countries())
def test_generated_countries_come_back_the_same(db, data):
    with transaction.atomic():
        country = create(*data)
        before = everything(country.slug)
        text = write_chapter(country)

        assert not reimport(text, publish=country.is_published).changed_anything

        empty_the_atlas()
        reimport(text, publish=country.is_published)
        assert everything(country.slug) == before
        transaction.set_rollback(True)
