"""
Word (.docx) and OpenDocument (.odt) files in and out, through pandoc.

The documents here are made by pandoc from Markdown in the test, as an
author's word processor would hold them: headings, paragraphs, and real
footnotes, which come in as ``[^n]`` markers with their reference lines.
"""

import io
import subprocess
from datetime import date
from http import HTTPStatus

import pypandoc
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapters.files import file_text
from chapters.syntax import MAX_FILE_BYTES
from strategy.models import Country

from .helpers import SOURCE_DIR, parse
from .test_export_strategy import create, empty_the_atlas, everything, phrase

pytestmark = pytest.mark.django_db


def pandoc(text, to_format, from_format="markdown"):
    """A document made by pandoc from Markdown ``text``, as bytes."""
    return subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", from_format, "--to", to_format, "--output", "-"],
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout


def import_file(tmp_path, name, data, *args):
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_strategy", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_strategy", str(path), stdout=io.StringIO(), stderr=err)
    return [line.replace(f"{path}", name) for line in err.getvalue().splitlines()]


def without_footnote_numbers(snapshot):
    """A country's content but the footnote number each source had in its document."""
    for citation in snapshot["citations"]:
        citation.pop("source_label")
    return snapshot


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_the_mexico_chapter_as_a_word_file_is_the_same_country(tmp_path, kind):
    source = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8")
    import_file(tmp_path, "mexico.md", source.encode())
    from_markdown = without_footnote_numbers(everything("mexico"))
    empty_the_atlas()
    # As its author typed it: straight quotes (pandoc would make them curly).
    out = import_file(tmp_path, f"mexico.{kind}", pandoc(source, kind, "markdown-smart"))
    assert "1 country created, 3 goals created, 2 citations created" in out
    # Word numbers footnotes from 1: the report's own numbers (30, 31) are not in the file.
    assert without_footnote_numbers(everything("mexico")) == from_markdown


def test_word_footnotes_become_markers_with_their_reference_lines():
    document = pandoc(
        "# Atlantis\n\nA vision.[^a]\n\nA goal, *in italics*, with a [link](https://example.org)."
        "[^b]\n\nThe end.\n\n[^a]: Oracle (2019). First report. [online] Available at: "
        "https://example.org/one\n\n[^b]: Oracle (2020). Second report. [print]\n",
        "docx",
    )
    text = file_text("atlantis.docx", document)
    assert "\n# Atlantis\n" in f"\n{text}"
    assert "A vision.[^1]" in text
    assert "A goal, *in italics*, with a [link](https://example.org).[^2]" in text
    assert (
        "[^1]: Oracle (2019). First report. [online] Available at: https://example.org/one"
        in text.splitlines()
    )
    assert "[^2]: Oracle (2020). Second report. [print]" in text.splitlines()


def test_an_exported_word_file_imports_back_the_same(mexico, tmp_path):
    before = everything("mexico")
    path = tmp_path / "mexico.docx"
    call_command(
        "export_strategy", "mexico", "--format", "docx", "-o", str(path), stderr=io.StringIO()
    )
    assert path.read_bytes().startswith(b"PK")
    empty_the_atlas()
    import_file(tmp_path, "again.docx", path.read_bytes(), "--publish")
    assert everything("mexico") == before


def test_a_word_report_of_several_countries_imports_in_the_admin(admin_client, tmp_path):
    report = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8")
    report += "\n# Atlantis\n\nA sunken vision.[^9]\n\nA goal.\n\nThe end.\n\n"
    report += "[^9]: Oracle (2019). Atlantean report. [online]\n"
    upload = SimpleUploadedFile("report.docx", pandoc(report, "docx"))
    response = admin_client.post("/admin/strategy/country/import/", {"chapter": upload})
    page = parse(response)
    countries = [row.th.get_text(strip=True) for row in page.select("#import-countries tbody tr")]
    assert countries == ["Mexico", "Atlantis"]
    form = page.select_one("input[name=preview]").find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    confirmed = admin_client.post("/admin/strategy/country/import/", data)
    assert confirmed.status_code == HTTPStatus.FOUND
    assert sorted(Country.objects.values_list("name", flat=True)) == ["Atlantis", "Mexico"]


def test_the_admin_downloads_a_country_and_the_atlas(admin_client, mexico):
    for url, name in [
        (f"/admin/strategy/country/{mexico.pk}/export.docx", "mexico.docx"),
        (f"/admin/strategy/country/{mexico.pk}/export.md", "mexico.md"),
        ("/admin/strategy/country/export.docx", "ai-strategy-atlas.docx"),
    ]:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    change = parse(admin_client.get(f"/admin/strategy/country/{mexico.pk}/change/"))
    assert change.find("a", string="Download as Word")


@pytest.mark.parametrize(
    "name, data, says",
    [
        (
            "report.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "PDF cannot be imported: export the chapter as Word",
        ),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old Word (.doc)"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a PNG image cannot be imported"),
        ("notes.zip", b"PK\x03\x04" + b"\x00" * 100, "neither a Word (.docx) nor an OpenDocument"),
        ("data.bin", b"\x00\x01\x02\xff" * 100, "not a text file (it holds binary data)"),
        ("report.xlsx", b"# Mexico\n\nVision.\n", "a .xlsx file cannot be imported"),
    ],
)
def test_other_files_are_refused_saying_what_to_do(tmp_path, name, data, says):
    (line,) = refused(tmp_path, name, data)
    assert line.startswith(f"{name}: ") and says in line


def test_a_broken_word_file_is_a_clear_problem(tmp_path):
    document = pandoc("# Atlantis\n\nVision.\n", "docx")
    (line,) = refused(tmp_path, "broken.docx", document[: len(document) // 2])  # cut short
    assert line.startswith("broken.docx: this zip file is neither a Word (.docx) nor")


def test_the_size_limit_is_the_same_for_the_command_and_the_upload(tmp_path, admin_client):
    data = b"# Atlantis\n\n" + b"A long vision. " * (MAX_FILE_BYTES // 15 + 1)
    (line,) = refused(tmp_path, "big.md", data)
    assert line == "big.md: the file is 10.0 MB; a file may be at most 10 MB"
    upload = SimpleUploadedFile("big.md", data)
    page = parse(admin_client.post("/admin/strategy/country/import/", {"chapter": upload}))
    assert (
        "the file is 10.0 MB; a file may be at most 10 MB"
        in page.select_one(".errorlist").get_text()
    )


# --- generated countries, through Word and back -------------------------------------

SENTENCE = st.lists(
    st.from_regex(r"[A-Za-zéñ][a-zéñ]{0,7}[,;]?", fullmatch=True), min_size=1, max_size=8
).map(lambda words: " ".join(words) + ".")


@st.composite
def plain_countries(draw):
    """Countries whose texts are sentences, the kind a report in Word holds."""
    keys = draw(
        st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True), max_size=3, unique=True)
    )

    def text():
        sentences = draw(st.lists(SENTENCE, min_size=1, max_size=3))
        if keys and draw(st.booleans()):
            sentences[-1] += f"[^{draw(st.sampled_from(keys))}]"
        return " ".join(sentences)

    citations = [
        {
            "key": key,
            "authors": draw(phrase),
            "year": draw(st.none() | st.integers(1900, 2100)),
            "title": f"{draw(phrase)} {number}",
            "subtitle": "",
            "publisher": draw(st.just("") | phrase),
            "medium": draw(st.sampled_from(["online", "print"])),
            "url": draw(st.just("") | st.just(f"https://example.org/{key}.pdf")),
            "accessed_on": draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1))),
            "language": draw(st.sampled_from(["", "en", "es"])),
            "source_label": draw(st.sampled_from(["", "7", "30"])),
        }
        for number, key in enumerate(keys)
    ]
    goals = [
        {
            "title": draw(phrase),
            "description": text(),
            "title_suggested": draw(st.booleans()),
            "themes": draw(st.lists(st.sampled_from(["health", "big data", "work"]), unique=True)),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    country = {
        "name": draw(phrase),
        "slug": draw(st.from_regex(r"[a-z]{1,10}", fullmatch=True)),
        "iso_code": draw(st.sampled_from(["", "FR", "JP"])),
        "region": draw(st.sampled_from(["", *Country.Region.values])),
        "vision": text(),
        "conclusion": draw(st.just("") | st.builds(text)),
        "status": "draft",
    }
    return country, goals, citations


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plain_countries())
def test_generated_countries_come_back_the_same_through_word(db, tmp_path, data):
    from chapters.exports import export
    from chapters.files import read_file
    from chapters.importer import import_report

    with transaction.atomic():
        country = create(*data)
        before = everything(country.slug)
        document = export([country], "docx")
        empty_the_atlas()
        import_report(
            read_file("country.docx", document), publish=country.is_published, waive_missing=True
        )
        assert everything(country.slug) == before
        transaction.set_rollback(True)
