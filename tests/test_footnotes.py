"""Footnote markers: numbering, reuse, unknown markers, and hostile text."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from citations.footnotes import FootnoteRenderer, find_markers, validate_markers

from .factories import CitationFactory, CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db


def soup(html):
    return BeautifulSoup(str(html), "html5lib")


def test_markers_are_numbered_in_order_of_first_use_and_reused():
    alpha, beta = CitationFactory(key="alpha"), CitationFactory(key="beta")
    footnotes = FootnoteRenderer([alpha, beta])
    first = soup(footnotes.render("Claim.[^beta] Another.[^alpha]"))
    second = soup(footnotes.render("Again.[^beta]"))

    assert [a.get_text() for a in first.select("a[role=doc-noteref]")] == ["[1]", "[2]"]
    assert [a["href"] for a in first.select("a[role=doc-noteref]")] == ["#note-1", "#note-2"]
    # beta keeps number 1 when cited again; each use gets its own anchor.
    reused = second.select_one("a[role=doc-noteref]")
    assert reused.get_text() == "[1]"
    assert second.select_one("sup")["id"] == "ref-1-2"

    notes = footnotes.notes
    assert [(note.number, note.citation.key) for note in notes] == [(1, "beta"), (2, "alpha")]
    assert notes[0].ref_ids == ["ref-1-1", "ref-1-2"]
    assert notes[1].ref_ids == ["ref-2-1"]


def test_markers_have_accessible_names():
    footnotes = FootnoteRenderer([CitationFactory(key="alpha")])
    link = soup(footnotes.render("Claim.[^alpha]")).select_one("a")
    assert link["aria-label"] == "Footnote 1"
    assert link["role"] == "doc-noteref"


def test_unknown_marker_stays_visible_and_adds_no_note():
    footnotes = FootnoteRenderer([])
    html = soup(footnotes.render("Claim.[^ghost]"))
    assert "[^ghost]" in html.get_text()
    assert html.select("a") == []
    assert footnotes.notes == []


def test_find_markers_lists_each_key_once_in_order():
    assert find_markers("a[^b] c[^a] d[^b] [^not a key] [^]") == ["b", "a"]


def test_validate_markers_names_each_unknown_marker():
    with pytest.raises(ValidationError) as error:
        validate_markers("One[^known] two[^ghost] three[^phantom]", {"known"})
    messages = error.value.messages
    assert len(messages) == 2
    assert "[^ghost]" in messages[0]
    assert "[^phantom]" in messages[1]


def test_model_validation_names_the_unknown_marker_on_its_field():
    CitationFactory(key="real")
    country = CountryFactory.build(vision="Fine.[^real]", conclusion="Bad.[^missing-key]")
    with pytest.raises(ValidationError) as error:
        country.full_clean()
    assert list(error.value.message_dict) == ["conclusion"]
    assert "[^missing-key]" in error.value.message_dict["conclusion"][0]

    goal = GoalFactory.build(country=CountryFactory(), description="Oops[^nope]")
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "[^nope]" in error.value.message_dict["description"][0]


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://ok.example "title" onmouseover=alert(1))',
        "<svg onload=alert(1)>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ],
)
def test_editor_text_cannot_inject_markup(text):
    html = soup(FootnoteRenderer([]).render(text))
    assert html.find_all(["script", "iframe", "img", "svg", "object", "embed"]) == []
    for element in html.find_all(True):
        assert not any(name.lower().startswith("on") for name in element.attrs)
        for attribute in ("href", "src"):
            value = element.get(attribute, "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:"))


def test_raw_html_is_shown_as_typed():
    html = soup(FootnoteRenderer([]).render("Use <b>bold</b> text"))
    assert html.find("b") is None
    assert "<b>bold</b>" in html.get_text()


def test_markdown_links_and_emphasis_still_work():
    html = soup(FootnoteRenderer([]).render("See *the* [report](https://example.org/r.pdf)."))
    assert html.find("em").get_text() == "the"
    assert html.find("a")["href"] == "https://example.org/r.pdf"


def test_headings_in_editor_text_do_not_break_the_page_outline():
    html = soup(FootnoteRenderer([]).render("# Big\n\nText"))
    assert html.find_all(["h1", "h2", "h3"]) == []


def test_each_page_numbers_its_own_markers_when_texts_repeat():
    alpha, beta = CitationFactory(key="alpha"), CitationFactory(key="beta")
    text = "One.[^alpha] Two.[^beta]"
    first_page = FootnoteRenderer([alpha, beta])
    first_page.render("Before.[^beta]")
    first = soup(first_page.render(text))
    second = soup(FootnoteRenderer([alpha, beta]).render(text))
    assert [a.get_text() for a in first.select("a")] == ["[2]", "[1]"]
    assert [a.get_text() for a in second.select("a")] == ["[1]", "[2]"]


def test_typed_placeholder_characters_never_become_markers():
    alpha = CitationFactory(key="alpha")
    footnotes = FootnoteRenderer([alpha])
    html = soup(footnotes.render("Sneaky \ue000alpha\ue001 text"))
    assert html.select("a") == []
    assert footnotes.notes == []
    assert "alpha" in html.get_text()


def test_markdown_images_stay_text_as_typed():
    from citations.footnotes import FootnoteRenderer

    html = str(FootnoteRenderer([]).render("A ![logo](https://example.org/x.png) in text."))
    assert "![logo](https://example.org/x.png)" in html
    assert "<img" not in html and "<a" not in html
