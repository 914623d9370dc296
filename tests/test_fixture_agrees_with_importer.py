"""The Mexico fixture is the importer's output, curated: they agree on every sentence and source."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from citations.models import Citation
from strategy.models import Country

from .helpers import SOURCE_DIR, source_sentences

pytestmark = pytest.mark.django_db

FIXTURE = SOURCE_DIR.parent / "mexico.json"


def content():
    """Every sentence of Mexico's texts, in order, and every citation's identity."""
    country = Country.objects.get(slug="mexico")
    texts = [country.vision, *(g.description for g in country.goals.order_by("position"))]
    texts.append(country.conclusion)
    sentences = []
    for text in texts:
        text = re.sub(r"\[\^[^\]]+\]", "", " ".join(text.split()))
        sentences += re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    citations = list(
        Citation.objects.order_by("key").values_list("key", "authors", "year", "title", "url")
    )
    return sentences, citations, sorted(country.citations.values_list("key", flat=True))


def empty_the_atlas():
    Country.objects.all().delete()
    Citation.objects.all().delete()


def test_importing_the_source_gives_what_the_fixture_loads():
    call_command("import_strategy", SOURCE_DIR / "mexico.md", stdout=io.StringIO())
    imported = content()
    empty_the_atlas()
    call_command("loaddata", "mexico", verbosity=0)
    loaded = content()

    assert imported == loaded
    sentences, citations, cited = loaded
    assert sentences == source_sentences()
    assert [key for key, *_ in citations] == [
        "british-embassy-mexico-city-2018",
        "secretaria-de-hacienda-2017",
    ]
    assert cited == [key for key, *_ in citations]


def test_build_fixture_reproduces_the_fixture_file():
    out = io.StringIO()
    call_command(
        "build_fixture",
        SOURCE_DIR / "mexico.md",
        SOURCE_DIR / "mexico.curation.json",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert json.loads(out.getvalue()) == json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert not Country.objects.exists()  # it rolls back what it imported


def test_build_fixture_needs_an_empty_database(mexico):
    with pytest.raises(CommandError, match="needs an empty database"):
        call_command("build_fixture", SOURCE_DIR / "mexico.md", SOURCE_DIR / "mexico.curation.json")
