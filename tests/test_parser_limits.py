"""
Every parser finishes in linear time, and says what is wrong instead of failing.

The parsers read text that strangers and editors write: report chapters
(``chapters.reader``), Harvard references and author lists
(``citations.references``) and Markdown with footnote markers
(``citations.footnotes``). A regular expression that backtracks, or a loop
that copies what it has read so far, turns a 100 KB input into minutes of
work for one upload. Here hypothesis builds adversarial inputs of 10 to 100 KB
by repeating fragments that such code chokes on (initials, separators,
brackets, headings, markers) and every parser must finish each within a
deadline that linear work meets a hundred times over and quadratic work
misses by far. A second set of tests fuzzes the same parsers with arbitrary
text: nothing but their documented errors may come out.
"""

import contextlib
import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chapters.problems import ChapterError
from chapters.reader import parse_chapter, read_chapter
from chapters.syntax import MAX_LINE_LENGTH, MAX_REFERENCE_LENGTH, parse_themes, suggest_title
from citations.footnotes import FootnoteRenderer, render_markdown
from citations.names import AuthorsError, format_authors, split_authors
from citations.references import ReferenceParseError, parse_reference

# Fragments that make careless parsers backtrack or copy: initials and the
# spaces between them, author separators, braces, the "[Accessed" and
# "Available at" tails, headings, footnote markers and definitions, Markdown
# emphasis, links and code, escapes.
FRAGMENTS = [
    "A. ", "A.", "A", " ", "  ", "\t", "-", " - ", "{", "}", "{}", ",", ", ", " and ",
    " & ", "[Accessed ", "(Accessed: ", "[", "(", ")", "]", "Available at: ", "http://x",
    ".", ". ", ":", ": ", "# ", "## ", "#", "[^", "[^a]", "[^a]: ", "\n", "\n\n", "*",
    "**", "_", "`", "<", ">", "![", "](", "\\", "Themes: ", "+++", '"', "Smith, J. ",
    "(2019) ", "(2019). ", "n.d.", "x", "é", "\u05d0", "\ue000", "|", "~", "&amp;",
]  # fmt: skip

# Linear work on 100 KB takes tens of milliseconds here (a second for the
# slowest Markdown); quadratic work takes minutes. The deadline sits far from
# both, so a busy machine cannot fail it.
DEADLINE = datetime.timedelta(seconds=10)
LIMITS = settings(
    deadline=DEADLINE,
    max_examples=15,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@st.composite
def adversarial(draw, min_size=10_000, max_size=100_000):
    """A pattern of a few fragments, repeated to 10 to 100 KB, between two fragments."""
    pattern = "".join(draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6)))
    size = draw(st.integers(min_size, max_size))
    head = draw(st.sampled_from(["", "Smith, ", "# Testland\n\n", "A (2019). "]))
    tail = draw(st.sampled_from(["", "x", " (2019). Title.", "\n", "Z"]))
    return head + pattern * (size // len(pattern) + 1) + tail


# The inputs that took minutes before these parsers were rewritten.
INITIALS = "Smith, " + "A. " * 40 + "(2019). Title."
ACCESSED = "[Accessed " * 10_000
SPACES_AFTER_NAME = "# Testland" + " " * 100_000 + "x"
BRACES = "a" + "{}" * 50_000


def parse_or_refuse(text):
    try:
        return parse_reference(text)
    except ReferenceParseError:
        return None


@LIMITS
@given(adversarial())
@example(INITIALS)
@example("Smith, " + "A. " * 5_000 + "x (2019). Title.")
@example(ACCESSED)
@example("A (2019). Title. " + ACCESSED)
@example("A (2019). Title. " + "Available at: x " * 5_000)
@example("A (2019). " + "x. y: " * 10_000)
def test_references_parse_in_linear_time(text):
    parse_or_refuse(text)
    parse_or_refuse(text[:MAX_REFERENCE_LENGTH])


@LIMITS
@given(adversarial())
@example(INITIALS)
@example(BRACES)
@example("a" + " " * 100_000 + "and b")
@example("Smith, " + "A. " * 30_000 + "x")
def test_author_lists_split_in_linear_time(text):
    try:
        names = split_authors(text)
    except AuthorsError:
        return
    # Writing the names back (as every export does) is linear too.
    format_authors(names)


@LIMITS
@given(st.lists(adversarial(1_000, 10_000), min_size=1, max_size=10))
@example(["Smith, " + "A. " * 40 + "x"])
# Long enumerations inside one name: each piece continues the name before it.
@example(["Org" + ", a" * 20_000])
@example(["# Testland\n\n" + ", א" * 20_000 + "x"])
@example(["Ministry of a" + " and b" * 20_000])
def test_author_lists_are_written_in_linear_time(names):
    format_authors(names)


@LIMITS
@given(adversarial())
@example(SPACES_AFTER_NAME)
@example("# Testland\n\n" + ACCESSED)
@example("# Testland\n\nText.[^1]\n\n[^1]: " + ACCESSED)
@example("# Testland\n\nText.[^1]\n\n[^1]: " + INITIALS)
@example("# Testland\n\n" + "\n" * 100_000 + "x")
@example("# Testland\n\n## Goal\n\n" + "\n" * 100_000 + "x")
@example("#" + " " * 100_000)
@example("# Testland\n\n" + "[^" * 50_000)
def test_chapters_parse_in_linear_time(text):
    with contextlib.suppress(ChapterError):
        parse_chapter(text)


@LIMITS
@given(adversarial(10_000, 50_000))
@example("[" * 20_000)
@example("*a" * 20_000)
@example("[^a]" * 20_000)
@example("<" * 20_000)
@example("![" * 20_000)
@example("[a](" * 20_000)
@example("`" * 20_000)
@example("> " * 20_000)
@example("- " * 20_000)
def test_footnote_text_renders_in_linear_time(text):
    FootnoteRenderer([]).render(text)


@LIMITS
@given(adversarial())
def test_theme_lines_and_suggested_titles_in_linear_time(text):
    parse_themes(text.replace("\n", " "))  # a "Themes:" line is one line
    suggest_title(text)


# --- Limits with a clear message ---------------------------------------------------


def problems_of(text):
    with pytest.raises(ChapterError) as raised:
        parse_chapter(text)
    return [problem.format("chapter.md") for problem in raised.value.problems]


def test_an_overlong_line_is_named_with_its_line_and_the_limit():
    text = "# Testland\n\nVision.\n\n" + "x" * (MAX_LINE_LENGTH + 1) + "\n\nThe end.\n"
    assert problems_of(text) == [
        f"chapter.md:5: the line is {MAX_LINE_LENGTH + 1:,} characters long; a line may have "
        f"at most {MAX_LINE_LENGTH:,} (is this really a report chapter?)"
    ]


def test_an_overlong_reference_is_named_with_its_line_and_the_limit():
    reference = "Smith, J. (2019). " + "Long title " * 300
    text = f"# Testland\n\nVision.[^1]\n\nThe end.\n\n[^1]: {reference}\n"
    (problem,) = problems_of(text)
    assert problem.startswith("chapter.md:7: the reference of [^1] is ")
    limit = f"characters long; a reference may have at most {MAX_REFERENCE_LENGTH:,}"
    assert problem.endswith(limit)


def test_a_null_character_is_named_with_its_line():
    text = "# Testland\n\nVision.\n\nA goal with a \x00 in it.\n\nThe end.\n"
    assert problems_of(text) == [
        "chapter.md:5: the line holds a null character (U+0000), which text may not contain"
    ]


def test_a_null_character_in_the_file_bytes_too():
    with pytest.raises(ChapterError) as raised:
        read_chapter(b"# Testland\n\nVision \x00.\n")
    assert [problem.line for problem in raised.value.problems] == [3]


# --- Fuzzing: nothing but the documented errors ------------------------------------

FUZZ = settings(
    max_examples=300,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=2_000) | st.lists(
    st.sampled_from(FRAGMENTS), max_size=60
).map("".join)


@FUZZ
@given(TEXT)
def test_fuzz_reference_parser(text):
    reference = parse_or_refuse(text)
    if reference is not None:
        assert reference.authors and reference.title


@FUZZ
@given(TEXT)
def test_fuzz_chapter_reader(text):
    try:
        chapter = parse_chapter(text)
    except ChapterError as error:
        assert error.problems and all(problem.message for problem in error.problems)
    else:
        assert chapter.name and chapter.vision


@FUZZ
@given(st.binary(max_size=2_000))
def test_fuzz_chapter_bytes(data):
    try:
        read_chapter(data)
    except ChapterError as error:
        assert error.problems


@FUZZ
@given(TEXT)
def test_fuzz_footnote_renderer(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
