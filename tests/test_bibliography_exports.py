"""BibTeX, RIS and CSL-JSON downloads of published sources, read back with real parsers."""

import json
import re
from datetime import date
from http import HTTPStatus

import bibtexparser
import pytest
from bibtexparser import middlewares
from citeproc import Citation as CiteprocCitation
from citeproc import (
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from pylatexenc.latex2text import LatexNodes2Text

from .factories import CitationFactory, CountryFactory
from .helpers import parse
from .test_query_counts import grow

pytestmark = pytest.mark.django_db

MEXICO_KEYS = ["british-embassy-mexico-city-2018", "secretaria-de-hacienda-2017"]


@pytest.fixture
def atlas(mexico):
    """Mexico, plus a draft whose source nobody published, plus a tricky published source."""
    private = CitationFactory(key="private-2021", title="Not yet public")
    CountryFactory(
        name="Drafted", slug="drafted", status="draft", vision="Soon.[^private-2021]"
    ).sync_citations()
    tricky = CitationFactory(
        key="tricky-2020",
        authors="Smith, J.\nMinistry of Science and Technology\nR&D_Lab 50%",
        title="Costs {and} $ benefits",
        subtitle="#1 ~ ^",
        publisher="Acme & Sons",
        url="https://example.org/a_b%20c.pdf",
        accessed_on=date(2020, 3, 5),
        language="en",
    )
    chile = CountryFactory(name="Chile", slug="chile", vision="Text.[^tricky-2020]")
    chile.sync_citations()
    return {"private": private, "tricky": tricky}


def download(client, url, content_type, filename):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.content.decode("utf-8")


# --- BibTeX --------------------------------------------------------------------------


def read_bibtex(text):
    """
    Entries by key: fields LaTeX-decoded, authors split on BibTeX's "and"
    first (so braces keep an organisation whole), then decoded one by one.
    """
    decoded = bibtexparser.parse_string(
        text, append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    names = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    assert decoded.failed_blocks == names.failed_blocks == []
    entries = {entry.key: entry for entry in decoded.entries}
    for entry in names.entries:
        entries[entry.key]["author"] = [
            LatexNodes2Text().latex_to_text(name) for name in entry["author"]
        ]
    return entries


def test_bibtex_of_everything_published(client, atlas):
    text = download(
        client, "/citations/export.bib", "application/x-bibtex", "ai-strategy-atlas-citations.bib"
    )
    entries = read_bibtex(text)
    assert sorted(entries) == [*MEXICO_KEYS, "tricky-2020"]  # no draft's source

    embassy = entries["british-embassy-mexico-city-2018"]
    assert embassy.entry_type == "misc"
    assert embassy["title"] == "TOWARDS AN AI STRATEGY IN MEXICO: Harnessing the AI Revolution"
    assert embassy["year"] == "2018"
    assert embassy["url"] == (
        "https://docs.wixstatic.com/ugd/7be025_e726c582191c49d2b8b6517a590151f6.pdf"
    )
    assert embassy["language"] == "en"
    # Each organisation is one name, braced whole, so no one splits "City" off as a surname.
    raw = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    raw_authors = {entry.key: entry["author"] for entry in raw.entries}
    assert raw_authors["british-embassy-mexico-city-2018"] == [
        "{British Embassy Mexico City}",
        "{Oxford Insights}",
        "{C Minds}",
    ]
    assert entries["secretaria-de-hacienda-2017"]["author"] == [
        "Secretaría de Hacienda y de Crédito Público"
    ]


def test_bibtex_escapes_what_tex_would_misread(client, atlas):
    entries = read_bibtex(client.get("/citations/export.bib").content.decode())
    tricky = entries["tricky-2020"]
    assert tricky["author"] == [
        "Smith, J.",  # a person: family name, given name
        "Ministry of Science and Technology",  # one name, though it contains "and"
        "R&D_Lab 50%",
    ]
    # pylatexenc reads TeX's \textasciicircum as U+02C6, the spacing circumflex.
    assert tricky["title"].replace("\u02c6", "^") == "Costs {and} $ benefits: #1 ~ ^"
    assert tricky["publisher"] == "Acme & Sons"
    assert tricky["urldate"] == "2020-03-05"


# --- RIS -----------------------------------------------------------------------------

RIS_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  - (?P<value>.*)$")


def read_ris(text):
    """A strict RIS reader: CRLF lines "TG  - value", records from TY to ER."""
    assert "\n" not in text.replace("\r\n", "")
    records, record = [], None
    for line in text.split("\r\n"):
        if not line:
            assert record is None, "a blank line inside a record"
            continue
        match = RIS_LINE.match(line)
        assert match, f"not a RIS line: {line!r}"
        tag, value = match["tag"], match["value"]
        if tag == "TY":
            assert record is None, "TY before the previous record's ER"
            record = {"TY": [value]}
        elif tag == "ER":
            assert record is not None and value == ""
            records.append(record)
            record = None
        else:
            assert record is not None, f"{tag} outside a record"
            record.setdefault(tag, []).append(value)
    assert record is None, "the last record has no ER"
    return {record["ID"][0]: record for record in records}


def test_ris_of_everything_published(client, atlas):
    text = download(
        client,
        "/citations/export.ris",
        "application/x-research-info-systems",
        "ai-strategy-atlas-citations.ris",
    )
    records = read_ris(text)
    assert sorted(records) == [*MEXICO_KEYS, "tricky-2020"]
    embassy = records["british-embassy-mexico-city-2018"]
    assert embassy["TY"] == ["ELEC"]
    assert embassy["AU"] == ["British Embassy Mexico City", "Oxford Insights", "C Minds"]
    assert embassy["TI"] == ["TOWARDS AN AI STRATEGY IN MEXICO: Harnessing the AI Revolution"]
    assert embassy["PY"] == ["2018"]
    tricky = records["tricky-2020"]
    assert tricky["AU"][0] == "Smith, J."
    assert tricky["Y2"] == ["2020/03/05"]
    assert tricky["PB"] == ["Acme & Sons"]


# --- CSL-JSON ------------------------------------------------------------------------


def render(items):
    """The items as a Harvard (Cite Them Right) bibliography, by citeproc-py."""
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(CiteprocCitation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_csl_json_of_everything_published_renders_as_harvard(client, atlas):
    text = download(
        client,
        "/citations/export.json",
        "application/vnd.citationstyles.csl+json",
        "ai-strategy-atlas-citations.json",
    )
    items = json.loads(text)
    assert [item["id"] for item in items] == [*MEXICO_KEYS, "tricky-2020"]
    assert items[0]["author"] == [
        {"literal": "British Embassy Mexico City"},
        {"literal": "Oxford Insights"},
        {"literal": "C Minds"},
    ]
    assert items[2]["author"][0] == {"family": "Smith", "given": "J."}

    rendered = render(items)
    assert rendered[0].startswith(
        "British Embassy Mexico City, Oxford Insights and C Minds (2018) "
        "TOWARDS AN AI STRATEGY IN MEXICO: Harnessing the AI Revolution. Available at: "
        "https://docs.wixstatic.com/ugd/7be025_e726c582191c49d2b8b6517a590151f6.pdf"
    )
    assert rendered[1].startswith(
        "Secretaría de Hacienda y de Crédito Público (2017) "
        "Informe de autoevaluación enero-diciembre 2017."
    )
    assert "(Accessed: March 5, 2020)" in rendered[2]


# --- Per country ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("bib", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ],
)
def test_one_country_s_sources(client, atlas, extension, content_type):
    text = download(
        client,
        f"/countries/chile/citations.{extension}",
        content_type,
        f"chile-citations.{extension}",
    )
    assert "tricky-2020" in text
    assert "british-embassy" not in text


def test_mexico_s_bibtex_has_exactly_its_sources(client, atlas):
    entries = read_bibtex(client.get("/countries/mexico/citations.bib").content.decode())
    assert sorted(entries) == MEXICO_KEYS


NOT_FOUND = [
    "/countries/drafted/citations.bib",
    "/countries/nowhere/citations.ris",
    "/countries/mexico/citations.pdf",
    "/citations/export.xml",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_drafts_unknown_countries_and_formats_are_not_found(client, atlas, url):
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_pages_link_to_the_downloads(client, atlas):
    sources = parse(client.get("/citations/"))
    links = {a["href"] for a in sources.select("p.downloads a[download]")}
    assert links == {"/citations/export.bib", "/citations/export.ris", "/citations/export.json"}
    profile = parse(client.get("/countries/mexico/"))
    links = {a["href"] for a in profile.select("p.downloads a[download]")}
    assert "/countries/mexico/citations.ris" in links


@pytest.mark.parametrize(
    ("url", "expected"),
    # (country,) sources, and the page cache's query for the content version
    [("/citations/export.bib", 2), ("/countries/mexico/citations.ris", 3)],
)
def test_downloads_run_a_fixed_number_of_queries(
    client, mexico, url, expected, django_assert_num_queries
):
    for _ in range(2):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == HTTPStatus.OK
        grow(mexico, goals=40, citations=40)


# --- One person/organisation rule in every format -------------------------------------


def test_every_format_follows_the_person_or_organisation_rule(client, mexico):
    CitationFactory(
        key="dsit-2023",
        authors="Department for Science, Innovation & Technology\nSmith, Jane\nvan der Berg, A.-M.",
        title="A pro-innovation approach",
    )
    country = CountryFactory(name="Chile", slug="chile", vision="Text.[^dsit-2023]")
    country.sync_citations()

    raw = bibtexparser.parse_string(
        client.get("/citations/export.bib").content.decode(),
        append_middleware=[middlewares.SeparateCoAuthors()],
    )
    bib_authors = {entry.key: entry["author"] for entry in raw.entries}["dsit-2023"]
    # The organisation braced whole ("&" escaped, the comma inside the braces);
    # the persons as BibTeX's "Family, Given".
    assert bib_authors == [
        r"{Department for Science, Innovation \& Technology}",
        "Smith, Jane",
        "van der Berg, A.-M.",
    ]

    ris = read_ris(client.get("/citations/export.ris").content.decode())["dsit-2023"]
    # EndNote reads a trailing comma as a corporate author, not "Family, Given".
    assert ris["AU"] == [
        "Department for Science, Innovation & Technology,",
        "Smith, Jane",
        "van der Berg, A.-M.",
    ]

    items = {item["id"]: item for item in json.loads(client.get("/citations/export.json").content)}
    assert items["dsit-2023"]["author"] == [
        {"literal": "Department for Science, Innovation & Technology"},
        {"family": "Smith", "given": "Jane"},
        {"family": "van der Berg", "given": "A.-M."},
    ]

    # The source's page marks each author up as what it is, and shows them as written.
    page = parse(client.get("/citations/dsit-2023/"))
    people = page.select('[itemprop="author"]')
    assert [person["itemtype"].rsplit("/", 1)[1] for person in people] == [
        "Organization",
        "Person",
        "Person",
    ]
    assert people[1].select_one('[itemprop="familyName"]').get_text() == "Smith"
    assert people[1].select_one('[itemprop="givenName"]').get_text() == "Jane"
    assert "Department for Science, Innovation & Technology" in page.get_text()
