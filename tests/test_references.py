"""Harvard references: reading, writing and the citation key scheme."""

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations.names import format_authors, read_authors, split_authors
from citations.references import (
    Reference,
    ReferenceParseError,
    format_reference,
    make_key,
    parse_reference,
)

from .helpers import SOURCE_DIR


def source_references():
    lines = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8").splitlines()
    return {
        line.split("]:")[0][2:]: line.split("]:", 1)[1] for line in lines if line.startswith("[^")
    }


def test_reads_the_first_mexico_reference_with_its_odd_spacing():
    reference = parse_reference(source_references()["30"])
    assert reference == Reference(
        authors=("British Embassy Mexico City", "Oxford Insights", "C Minds"),
        year=2018,
        title="TOWARDS AN AI STRATEGY IN MEXICO",
        subtitle="Harnessing the AI Revolution",
        medium="online",
        url="https://docs.wixstatic.com/ugd/7be025_e726c582191c49d2b8b6517a590151f6.pdf",
    )


def test_reads_the_second_mexico_reference():
    reference = parse_reference(source_references()["31"])
    assert reference.authors == ("Secretaría de Hacienda y de Crédito Público",)
    assert (reference.year, reference.title, reference.subtitle) == (
        2017,
        "Informe de autoevaluación enero-diciembre 2017",
        "",
    )
    assert reference.url == "https://www.condusef.gob.mx/transparencia/IA_enero_dic_2017.pdf"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Smith, J., Jones, K. L. and Brown, A.-M. (2019). T. [online]",
            ("Smith, J.", "Jones, K. L.", "Brown, A.-M."),
        ),
        ("Oxford Insights, IBM and Google (2019). T.", ("Oxford Insights", "IBM", "Google")),
        # A comma list without a final "and" is one name; "&" stays "&".
        ("Oxford Insights, IBM & Google (2019). T.", ("Oxford Insights, IBM & Google",)),
        (
            "{Ministry of Science and Technology} and Smith, J. (2019). T.",
            ("Ministry of Science and Technology", "Smith, J."),
        ),
    ],
)
def test_authors_are_one_name_each(text, expected):
    assert parse_reference(text).authors == expected


def test_reads_publisher_accessed_date_and_no_date():
    reference = parse_reference(
        "OECD (n.d.). AI Policy Observatory. [online] OECD Publishing. "
        "Available at: https://oecd.ai/ [Accessed 5 March 2019]."
    )
    assert reference.year is None
    assert reference.publisher == "OECD Publishing"
    assert reference.accessed_on == date(2019, 3, 5)


def test_reads_a_print_reference_with_place_and_publisher():
    reference = parse_reference("Smith, J. (2019). The Book: A Story. London: Penguin.")
    assert (reference.title, reference.subtitle, reference.medium, reference.publisher) == (
        "The Book",
        "A Story",
        "print",
        "London: Penguin",
    )


def test_et_al_is_dropped_with_a_warning():
    reference = parse_reference("Smith, J. et al. (2019). Title. [online]")
    assert reference.authors == ("Smith, J.",)
    assert "et al." in reference.warnings[0]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("Just a sentence without a year.", "no (year)"),
        ("Smith (2019).", "no title"),
        ("Smith (2019). Title. Available at:", "no URL"),
        ("Smith (2019). Title. [Accessed yesterday]", "date accessed"),
        ("{Smith (2019). Title.", "never closed"),
    ],
)
def test_unreadable_references_say_why(text, reason):
    with pytest.raises(ReferenceParseError, match=re.escape(reason)):
        parse_reference(text)


# --- The key scheme ----------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "year", "key"),
    [
        ("British Embassy Mexico City", 2018, "british-embassy-mexico-city-2018"),
        ("Secretaría de Hacienda y de Crédito Público", 2017, "secretaria-de-hacienda-2017"),
        # A person's key is the family name; an organisation's, enough of its
        # name to recognise it, or the acronym it gives in brackets.
        ("Smith, J.", 2019, "smith-2019"),
        ("Harhoff, D.", 2018, "harhoff-2018"),
        ("van der Berg, A.-M.", 2020, "van-der-berg-2020"),
        ("Institut für Innovation und Technik", 2019, "institut-fur-innovation-2019"),
        ("Department for Science, Innovation & Technology (DSIT)", 2023, "dsit-2023"),
        ("Ministry of", None, "ministry-nd"),
        ("Bundesministerium für Bildung und Forschung", 2018, "bundesministerium-fur-bildung-2018"),
        (
            "Abcdefghijklmnopqrstuvwxyzabcdefgh Institute",
            2020,
            "abcdefghijklmnopqrstuvwxyzabcd-2020",
        ),
    ],
)
def test_key_scheme(author, year, key):
    assert make_key(author, year) == key
    assert len(key.rsplit("-", 1)[0]) <= 45


def test_a_long_organisation_key_is_cut_at_a_word():
    key = make_key("Fraunhofer-Institut für Intelligente Analyse- und Informationssysteme", 2019)
    assert key == "fraunhofer-institut-2019"


def test_key_without_latin_letters_falls_back_on_the_title():
    assert make_key("国务院", 2017, "New Generation AI Plan") == "new-generation-ai-plan-2017"
    assert make_key("国务院", 2017, "新一代") == "source-2017"


def test_key_collisions_get_letters():
    taken = {"oxford-insights-2019", "oxford-insights-2019-b"}
    assert make_key("Oxford Insights", 2019, is_taken=taken.__contains__) == (
        "oxford-insights-2019-c"
    )


# --- Writing reads back --------------------------------------------------------

WORDS = st.sampled_from(
    ["AI", "Strategy", "national", "and", "of", "&", "Oxford", "Insights", "Ltd.", "2030",
     "Secretaría", "Crédito", "U.S.", "data", "J.", "C", "Mexico", "y", "for", "—"]
)  # fmt: skip


def phrase(min_words=1, max_words=6):
    return st.lists(WORDS, min_size=min_words, max_size=max_words).map(" ".join)


organisations = phrase()
persons = st.tuples(phrase(1, 2), st.sampled_from(["J.", "A. B.", "Jane", "K.-L."])).map(
    lambda parts: f"{parts[0]}, {parts[1]}"
)
references = st.builds(
    Reference,
    authors=st.lists(organisations | persons, min_size=1, max_size=4).map(tuple),
    year=st.none() | st.integers(1800, 2200),
    title=phrase(),
    subtitle=st.just("") | phrase() | st.tuples(phrase(), phrase()).map(": ".join),
    medium=st.sampled_from(["online", "print"]),
    publisher=st.just("") | phrase(),
    url=st.just("")
    | st.from_regex(r"https://example\.org/[a-z0-9_%-]{1,12}(\.pdf)?", fullmatch=True),
    accessed_on=st.none() | st.dates(date(1990, 1, 1), date(2100, 12, 31)),
)


@settings(max_examples=300)
@given(references)
def test_a_written_reference_reads_back_the_same(reference):
    assert parse_reference(format_reference(reference)) == reference


@settings(max_examples=300)
@given(st.lists(organisations | persons, min_size=1, max_size=5))
def test_written_authors_read_back_the_same(names):
    written = format_authors(names)
    assert split_authors(written) == names
    assert not read_authors(written).note
