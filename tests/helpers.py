"""Small helpers for reading what a user sees."""

import re
from pathlib import Path

from bs4 import BeautifulSoup

# One page of each kind the public sees, with the Mexico fixture loaded.
PUBLIC_PAGES = [
    "/",
    "/countries/",
    "/countries/mexico/",
    "/countries/mexico/changes/",
    "/countries/mexico/versions/1/",
    "/themes/",
    "/themes/health/",
    "/citations/",
    "/citations/british-embassy-mexico-city-2018/",
    "/search/?q=data",
    "/compare/",
    "/data/",
]

# The downloads and the API's answers for the same content.
DOWNLOADS = ["/citations/export.bib", "/countries/mexico/citations.ris", "/api/goals.csv"]
API_PAGES = ["/api/", "/api/openapi.json", "/api/countries/", "/api/countries/mexico/"]

SOURCE_DIR = Path(__file__).resolve().parent.parent / "strategy" / "fixtures" / "source"


def parse(response):
    """The response's HTML as a BeautifulSoup tree (html5lib, as a browser parses)."""
    return BeautifulSoup(response.content, "html5lib", from_encoding=response.charset)


def visible_text(element):
    """Text as a reader sees it: footnote markers dropped, whitespace collapsed."""
    for sup in element.select("sup.footnote-ref"):
        sup.decompose()
    return " ".join(element.get_text(" ").split())


def source_sentences(name="mexico.md"):
    """Every sentence of a source chapter's body text, footnote markers removed."""
    text = (SOURCE_DIR / name).read_text(encoding="utf-8")
    body = [
        paragraph
        for paragraph in text.split("\n\n")
        if paragraph.strip() and not paragraph.startswith(("#", "[^"))
    ]
    sentences = []
    for paragraph in body:
        paragraph = re.sub(r"\[\^[^\]]+\]", "", " ".join(paragraph.split()))
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph)]
    return [s for s in sentences if s]
