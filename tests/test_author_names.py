"""
Authors' names as real reports write them: who is a person, who an
organisation, and how a Harvard author list divides into names
(``citations.names``, the rule the README states).
"""

import pytest

from citations.names import format_authors, kind, person_parts, read_authors
from citations.references import parse_reference

ORG, PER = "organisation", "person"

# (author list as written, [(name, kind), ...], whether the reading warns)
CORPUS = [
    # Organisations with commas, "&", "y", "und", "et", "i": never cut.
    (
        "Department for Science, Innovation & Technology",
        [("Department for Science, Innovation & Technology", ORG)],
        False,
    ),
    (
        "Ministerio de Ciencia, Innovación y Universidades",
        [("Ministerio de Ciencia, Innovación y Universidades", ORG)],
        False,
    ),
    (
        "Bundesministerium für Bildung und Forschung",
        [("Bundesministerium für Bildung und Forschung", ORG)],
        False,
    ),
    (
        "Ministère de l'Économie et des Finances",
        [("Ministère de l'Économie et des Finances", ORG)],
        False,
    ),
    (
        "Commission nationale de l'informatique et des libertés",
        [("Commission nationale de l'informatique et des libertés", ORG)],
        False,
    ),
    (
        "Secretaría de Hacienda y de Crédito Público",
        [("Secretaría de Hacienda y de Crédito Público", ORG)],
        False,
    ),
    (
        "Fraunhofer-Institut für System- und Innovationsforschung",
        [("Fraunhofer-Institut für System- und Innovationsforschung", ORG)],
        False,
    ),
    (
        "Generalitat de Catalunya, Departament de Polítiques Digitals i Administració Pública",
        [
            (
                "Generalitat de Catalunya, Departament de Polítiques Digitals i Administració "
                "Pública",
                ORG,
            )
        ],
        False,
    ),
    # A comma list without a final "and" is one name; "&" stays "&".
    ("Oxford Insights, IBM & Google", [("Oxford Insights, IBM & Google", ORG)], False),
    # Harvard lists of organisations.
    (
        "British Embassy Mexico City, Oxford Insights and C Minds",
        [("British Embassy Mexico City", ORG), ("Oxford Insights", ORG), ("C Minds", ORG)],
        False,
    ),
    (
        "Accenture, Microsoft and Oxford Insights",
        [("Accenture", ORG), ("Microsoft", ORG), ("Oxford Insights", ORG)],
        False,
    ),
    (
        "IDEA Consult, WIK-Consult and Wavestone",
        [("IDEA Consult", ORG), ("WIK-Consult", ORG), ("Wavestone", ORG)],
        False,
    ),
    (
        "Bundesministerium für Wirtschaft und Energie, Bundesministerium für Arbeit und "
        "Soziales and Bundesministerium für Bildung und Forschung",
        [
            ("Bundesministerium für Wirtschaft und Energie", ORG),
            ("Bundesministerium für Arbeit und Soziales", ORG),
            ("Bundesministerium für Bildung und Forschung", ORG),
        ],
        False,
    ),
    # Ambiguous: read one way, with a warning that shows the split.
    (
        "Department for Digital, Culture, Media & Sport and Department for Business, "
        "Energy & Industrial Strategy",
        [
            ("Department for Digital, Culture, Media & Sport", ORG),
            ("Department for Business, Energy & Industrial Strategy", ORG),
        ],
        True,
    ),
    (
        "Ministry of Education, Culture and Science",
        [("Ministry of Education, Culture and Science", ORG)],
        True,
    ),
    ("Ministry of Science and ICT", [("Ministry of Science and ICT", ORG)], True),
    (
        "Centre for Data Ethics and Innovation",
        [("Centre for Data Ethics and Innovation", ORG)],
        True,
    ),
    # Persons: initials, particles, hyphens, apostrophes, full given names.
    (
        "Harhoff, D., Heumann, S., Jentzsch, N. and Lorenz, P.",
        [("Harhoff, D.", PER), ("Heumann, S.", PER), ("Jentzsch, N.", PER), ("Lorenz, P.", PER)],
        False,
    ),
    (
        "van der Berg, A.-M. and de la Cruz, M.",
        [("van der Berg, A.-M.", PER), ("de la Cruz, M.", PER)],
        False,
    ),
    (
        "García-Márquez, G. and Sánchez-Vicario, A.",
        [("García-Márquez, G.", PER), ("Sánchez-Vicario, A.", PER)],
        False,
    ),
    ("Lee, K.-F. and Chen, Q.", [("Lee, K.-F.", PER), ("Chen, Q.", PER)], False),
    ("O'Neil, C. & Ng, A.", [("O'Neil, C.", PER), ("Ng, A.", PER)], False),
    ("Smith, Jane", [("Smith, Jane", PER)], False),
    (
        "Villani, C., Schoenauer, M., Bonnet, Y., Berthet, C., Cornut, A.-C., Levin, F. "
        "and Rondepierre, B.",
        [
            ("Villani, C.", PER),
            ("Schoenauer, M.", PER),
            ("Bonnet, Y.", PER),
            ("Berthet, C.", PER),
            ("Cornut, A.-C.", PER),
            ("Levin, F.", PER),
            ("Rondepierre, B.", PER),
        ],
        False,
    ),
    # Persons and organisations together.
    (
        "Smith, J. and Ministry of Science and Technology",
        [("Smith, J.", PER), ("Ministry of Science and Technology", ORG)],
        True,
    ),
    # A person in natural order cannot be told from an organisation.
    ("Jane Smith", [("Jane Smith", ORG)], False),
]


@pytest.mark.parametrize(
    ("text", "expected", "warns"), CORPUS, ids=[case[0][:40] for case in CORPUS]
)
def test_real_author_lists_read_as_their_names(text, expected, warns):
    authors = read_authors(text)
    assert [(name, kind(name)) for name in authors.names] == expected
    assert bool(authors.note) == warns
    if warns:
        # The warning shows the split it chose, so staff can check it.
        for name, _ in expected:
            assert f"“{name}”" in authors.note
    # Written back, the names read back the same and need no warning.
    written = format_authors(list(authors.names))
    assert read_authors(written).names == authors.names
    assert not read_authors(written).note


def test_ampersand_is_never_turned_into_and():
    reference = parse_reference("Department for Science, Innovation & Technology (2021). T.")
    assert reference.authors == ("Department for Science, Innovation & Technology",)
    assert "and" not in reference.authors[0].split()


def test_et_al_ends_the_list_with_a_warning():
    reference = parse_reference("Harhoff, D., Heumann, S. et al. (2018). T.")
    assert reference.authors == ("Harhoff, D.", "Heumann, S.")
    assert any("et al." in warning for warning in reference.warnings)


def test_an_ambiguous_list_warns_in_the_reference():
    reference = parse_reference(
        "Department for Digital, Culture, Media & Sport and Department for Business, "
        "Energy & Industrial Strategy (2021). National AI Strategy. [online]"
    )
    assert len(reference.authors) == 2
    assert any("more than one way" in warning for warning in reference.warnings)


def test_authors_already_in_the_atlas_are_matched_whole():
    text = "Office for AI, Department for Digital, Culture, Media & Sport and Smith, J."
    assert read_authors(text).names[0] == "Office for AI"
    known = frozenset(["office for ai, department for digital, culture, media & sport"])
    authors = read_authors(text, known)
    assert authors.names == (
        "Office for AI, Department for Digital, Culture, Media & Sport",
        "Smith, J.",
    )
    assert not authors.note


def test_braces_keep_a_name_whole():
    authors = read_authors("{Science, Technology and Innovation Office} and Smith, J.")
    assert authors.names == ("Science, Technology and Innovation Office", "Smith, J.")
    assert not authors.note


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Harhoff, D.", ("Harhoff", "D.")),
        ("van der Berg, A.-M.", ("van der Berg", "A.-M.")),
        ("de la Cruz, María José", ("de la Cruz", "María José")),
        ("Department for Science, Innovation & Technology", None),
        ("Ministry of Education, Culture", None),  # an organisation word
        ("Smith, J., Jones, K.", None),  # two commas: not one person
        ("Office 2030, Plan", None),  # a digit
        ("Oxford Insights", None),
        ("smith, j.", None),  # not capitalised
    ],
)
def test_person_or_organisation(name, parts):
    assert person_parts(name) == parts


# --- The admin form follows the same rule -----------------------------------------------


@pytest.mark.django_db
def test_the_citation_form_shows_how_each_author_is_read(mexico):
    from django.urls import reverse

    from citations.models import Citation

    from .admin_forms import error_text, form_data, logged_in, make_user, parse

    client = logged_in(make_user("editor", group="Editors"))
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = reverse("admin:citations_citation_change", args=[citation.pk])

    data = form_data(client.get(url), "citation_form")
    data["authors"] = "{Department for Science, Innovation & Technology}"
    response = client.post(url, data)
    assert "without braces" in error_text(response)

    data["authors"] = (
        "  Department for Science,  Innovation & Technology \n\n Smith, Jane\nJane Smith"
    )
    assert client.post(url, data).status_code == 302
    citation.refresh_from_db()
    assert citation.author_list == [
        "Department for Science, Innovation & Technology",
        "Smith, Jane",
        "Jane Smith",
    ]
    read_as = parse(client.get(url)).select_one(".field-authors_read_as .readonly")
    lines = [line.strip() for line in read_as.get_text("\n").splitlines() if line.strip()]
    assert lines == [
        "Department for Science, Innovation & Technology — organisation, kept whole",
        "Smith, Jane — person: family name “Smith”, given “Jane”",
        "Jane Smith — organisation, kept whole",
    ]
