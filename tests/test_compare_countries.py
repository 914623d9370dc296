"""
Comparing countries at /compare/: two to four published countries side by
side theme by theme, the themes-by-countries matrix, and what a wrong choice
gets. (tests/test_compare.py is about comparing revisions in the admin.)
"""

import itertools
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from strategy.models import Country
from strategy.views import MATRIX_COUNTRIES_PER_PAGE

from .factories import CitationFactory, CountryFactory, GoalFactory
from .helpers import parse

pytestmark = pytest.mark.django_db

# Four countries, as a reader would describe them: each goal's title and
# themes, and which source each text cites. "Dorne" has a goal on two
# themes, "Borduria" one on none.
ATLAS = {
    "avalon": {
        "vision": ["shared"],
        "conclusion": [],
        "goals": [
            ("Clinics online", ["health"], ["avalon-report"]),
            ("Coding in schools", ["education"], []),
        ],
    },
    "borduria": {
        "vision": [],
        "conclusion": ["borduria-law"],
        "goals": [
            ("Hospital data", ["health"], ["shared"]),
            ("A national lab", [], ["borduria-law"]),
        ],
    },
    "carpathia": {
        "vision": ["carpathia-plan"],
        "conclusion": ["shared"],
        "goals": [("Start-up visas", ["economy"], [])],
    },
    "dorne": {
        "vision": [],
        "conclusion": [],
        "goals": [
            ("Skills for industry", ["economy", "education"], ["shared", "dorne-white-paper"])
        ],
    },
}
SLUGS = sorted(ATLAS)


def markers(keys):
    return "".join(f"[^{key}]" for key in keys)


@pytest.fixture
def atlas(db):
    keys = {key for country in ATLAS.values() for key in country["vision"] + country["conclusion"]}
    keys |= {key for country in ATLAS.values() for _, _, cited in country["goals"] for key in cited}
    for key in sorted(keys):
        CitationFactory(key=key, title=f"Source {key}")
    countries = {}
    for slug, spec in ATLAS.items():
        country = CountryFactory(
            name=slug.title(),
            slug=slug,
            vision=f"Vision of {slug.title()}.{markers(spec['vision'])}",
            conclusion=f"Conclusion of {slug.title()}.{markers(spec['conclusion'])}",
        )
        for position, (title, themes, cited) in enumerate(spec["goals"], start=1):
            GoalFactory(
                country=country,
                position=position,
                title=title,
                description=f"About {title}.{markers(cited)}",
                tags=themes,
            )
        country.sync_citations()
        countries[slug] = country
    hidden = CountryFactory(
        name="Hiddenland",
        slug="hiddenland",
        status=Country.Status.DRAFT,
        vision="Hidden.[^shared]",
    )
    GoalFactory(country=hidden, title="Hidden goal", tags=["health", "secret-theme"])
    return countries


def compare_url(*slugs):
    return "/compare/?" + urlencode([("c", slug) for slug in slugs])


def expected_rows(slugs):
    """{theme heading: {country name: [goal titles]}}, in the order the page should have them."""
    themes = sorted(
        {
            theme
            for slug in slugs
            for _, goal_themes, _ in ATLAS[slug]["goals"]
            for theme in goal_themes
        }
    )
    headings = themes + (
        ["Goals without a theme"]
        if any(not goal_themes for slug in slugs for _, goal_themes, _ in ATLAS[slug]["goals"])
        else []
    )
    rows = {}
    for heading in headings:
        rows[heading] = {
            slug.title(): [
                title
                for title, goal_themes, _ in ATLAS[slug]["goals"]
                if (heading in goal_themes)
                or (heading == "Goals without a theme" and not goal_themes)
            ]
            for slug in slugs
        }
    return rows


def rows_on(page):
    rows = {}
    for section in page.select(".compare-theme"):
        cells = {}
        for cell in section.select(".compare-cell"):
            titles = [h5.get_text(strip=True) for h5 in cell.select("h5")]
            if not titles:
                assert cell.get_text(" ", strip=True).endswith("No goal on this theme.")
            cells[cell.h4.get_text(strip=True)] = titles
        rows[section.h3.get_text(strip=True)] = cells
    return rows


def assert_footnotes_resolve(page):
    """Every footnote link leads somewhere on the page; every source is cited; one numbering."""
    ids = {element["id"] for element in page.find_all(id=True)}
    links = page.select("a[href^='#note-'], a[href^='#ref-']")
    assert links, "the page has footnotes"
    assert [a["href"] for a in links if a["href"][1:] not in ids] == []
    notes = page.select("section.notes li")
    cited = {a["href"][1:] for a in page.select("sup.footnote-ref a")}
    assert {note["id"] for note in notes} == cited
    assert [int(note["value"]) for note in notes] == list(range(1, len(notes) + 1))
    # Numbered in reading order: each number first appears after the one before.
    first_seen = []
    for a in page.select("sup.footnote-ref a"):
        number = int(a.get_text(strip=True).strip("[]"))
        if number not in first_seen:
            first_seen.append(number)
    assert first_seen == sorted(first_seen)
    assert len(page.select("section.notes")) == 1


CHOICES = [choice for size in range(2, 5) for choice in itertools.combinations(SLUGS, size)]


@pytest.mark.parametrize("slugs", CHOICES, ids="+".join)
def test_every_choice_of_two_to_four_countries_compares_them_theme_by_theme(client, atlas, slugs):
    response = client.get(compare_url(*slugs))
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    names = [slug.title() for slug in slugs]
    assert page.h1.get_text(strip=True).replace(" and ", ", ").split(", ") == names
    assert rows_on(page) == expected_rows(slugs)
    visions = [
        cell.get_text(" ", strip=True)
        for cell in page.select("#visions-heading + .compare-row .compare-cell")
    ]
    assert [text.split(" Vision of ")[0] for text in visions] == names
    conclusions = page.select("#conclusions-heading + .compare-row .compare-cell h3")
    assert [h3.get_text(strip=True) for h3 in conclusions] == names
    assert_footnotes_resolve(page)
    # Each source the chosen countries cite is listed once, and no other.
    cited = {
        key
        for slug in slugs
        for key in ATLAS[slug]["vision"]
        + ATLAS[slug]["conclusion"]
        + [key for _, _, keys in ATLAS[slug]["goals"] for key in keys]
    }
    listed = [a["href"] for a in page.select("section.notes a.source-detail")]
    assert sorted(listed) == sorted(f"/citations/{key}/" for key in cited)
    text = page.get_text()
    assert "Hiddenland" not in text and "Hidden goal" not in text and "secret-theme" not in text


def test_a_goal_on_two_themes_is_under_both_and_its_note_links_back_to_both(client, atlas):
    page = parse(client.get(compare_url("avalon", "dorne")))
    rows = rows_on(page)
    assert rows["economy"]["Dorne"] == rows["education"]["Dorne"] == ["Skills for industry"]
    white_paper = page.find("a", href="/citations/dorne-white-paper/").find_parent("li")
    assert len(white_paper.select("a[role=doc-backlink]")) == 2


def test_the_form_chooses_countries_without_javascript(client, atlas):
    page = parse(client.get("/compare/"))
    form = page.select_one("form.compare-form")
    assert form["method"] == "get" and form["action"] == "/compare/"
    boxes = form.select("input[type=checkbox][name=c]")
    assert [box["value"] for box in boxes] == SLUGS  # published only: no Hiddenland
    assert all(box.find_parent("label") for box in boxes)
    # What the browser sends, ticking two boxes, is the comparison's address.
    response = client.get("/compare/", {"c": ["borduria", "dorne"]})
    assert response.status_code == HTTPStatus.OK
    ticked = parse(response).select("input[name=c][checked]")
    assert [box["value"] for box in ticked] == ["borduria", "dorne"]


def test_each_choice_has_one_address(client, atlas):
    response = client.get(compare_url("dorne", "avalon"))
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == compare_url("avalon", "dorne")


def test_the_page_cache_keys_a_comparison_by_every_country(
    client, atlas, django_assert_num_queries
):
    # Both end in "dorne": a key made of the last value alone would mix them up.
    first = parse(client.get(compare_url("avalon", "dorne")))
    second = parse(client.get(compare_url("borduria", "dorne")))
    assert first.h1.get_text(strip=True) == "Avalon and Dorne"
    assert second.h1.get_text(strip=True) == "Borduria and Dorne"
    with django_assert_num_queries(1):  # cached; a junk parameter changes nothing
        again = client.get(compare_url("avalon", "dorne") + "&utm_source=x")
    assert parse(again).h1.get_text(strip=True) == "Avalon and Dorne"


BAD_CHOICES = [
    (
        ["avalon"],
        HTTPStatus.BAD_REQUEST,
        "Choose at least 2 countries to compare; you chose one, “avalon”.",
    ),
    (["avalon", "avalon"], HTTPStatus.BAD_REQUEST, "“avalon” is chosen more than once"),
    (
        ["avalon", "borduria", "carpathia", "dorne", "elbonia"],
        HTTPStatus.BAD_REQUEST,
        "Choose at most 4 countries to compare; you chose 5.",
    ),
    (["avalon"] * 500, HTTPStatus.BAD_REQUEST, "Choose at most 4"),
    (
        ["avalon", "atlantis"],
        HTTPStatus.NOT_FOUND,
        "The atlas has no published country “atlantis”.",
    ),
    (["avalon", "hiddenland"], HTTPStatus.NOT_FOUND, "no published country “hiddenland”"),
    (["avalon", "x" * 5000], HTTPStatus.NOT_FOUND, "“" + "x" * 60 + "…”"),
    (["avalon", "<script>alert(1)</script>"], HTTPStatus.NOT_FOUND, "“<script>alert(1)</script>”"),
    (["avalon", "../../etc/passwd", "ça-va"], HTTPStatus.NOT_FOUND, "“../../etc/passwd”, “ça-va”"),
]


@pytest.mark.parametrize(("slugs", "status", "says"), BAD_CHOICES)
def test_a_choice_that_cannot_be_compared_says_why_and_offers_the_form(
    client, atlas, slugs, status, says
):
    CountryFactory(name="Elbonia", slug="elbonia")
    response = client.get("/compare/", {"c": slugs})
    assert response.status_code == status
    page = parse(response)
    assert page.find("link", rel="stylesheet") is not None
    assert page.h1.get_text(strip=True) == "Compare countries"
    notice = page.select_one(".notice[role=alert]")
    assert says in notice.get_text()
    assert page.select_one("script") is None  # shown as text, never as markup
    boxes = page.select("form.compare-form input[name=c]")
    assert [box["value"] for box in boxes] == [*SLUGS, "elbonia"]
    assert page.select(".compare-theme") == [] and page.select("table.matrix") == []
    assert "Hidden goal" not in page.get_text()
    # An error is not stored: the next request renders again.
    assert client.get("/compare/", {"c": slugs}).status_code == status


def test_a_country_that_is_no_longer_published_is_not_compared(client, atlas):
    assert client.get(compare_url("avalon", "borduria")).status_code == HTTPStatus.OK
    Country.objects.filter(slug="borduria").update(status=Country.Status.DRAFT)
    cache.clear()  # (the admin bumps the content version; a bare update does not)
    response = client.get(compare_url("avalon", "borduria"))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Borduria" not in parse(response).select_one("form").get_text()


# --- The matrix ---------------------------------------------------------------------


def matrix_on(page):
    """{theme: {country: (count text, link or None)}} as the table shows it."""
    table = page.select_one("table.matrix")
    countries = [th.get_text(strip=True) for th in table.select("thead th[scope=col]")][1:]
    rows = {}
    for tr in table.select("tbody tr"):
        th = tr.select_one("th[scope=row]")
        cells = {}
        for country, td in zip(countries, tr.select("td"), strict=True):
            link = td.find("a")
            count = link.contents[0].strip() if link else "0"
            cells[country] = (count, link["href"] if link else None)
        rows[th.get_text(strip=True)] = cells
    return rows


def test_the_matrix_counts_each_countrys_goals_on_each_theme(client, atlas):
    response = client.get("/compare/")
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    table = page.select_one(".matrix-scroll[role=region][tabindex='0'] > table.matrix")
    assert table.caption.get_text(strip=True) == "Goals on each theme, by country"
    assert page.select_one(".matrix-scroll")["aria-labelledby"] == table.caption["id"]
    assert matrix_on(page) == {
        "economy": {
            "Avalon": ("0", None),
            "Borduria": ("0", None),
            "Carpathia": ("1", "/countries/carpathia/#goal-1"),
            "Dorne": ("1", "/countries/dorne/#goal-1"),
        },
        "education": {
            "Avalon": ("1", "/countries/avalon/#goal-2"),
            "Borduria": ("0", None),
            "Carpathia": ("0", None),
            "Dorne": ("1", "/countries/dorne/#goal-1"),
        },
        "health": {
            "Avalon": ("1", "/countries/avalon/#goal-1"),
            "Borduria": ("1", "/countries/borduria/#goal-1"),
            "Carpathia": ("0", None),
            "Dorne": ("0", None),
        },
    }
    # The link says what it counts, for a screen reader.
    link = page.find("a", href="/countries/avalon/#goal-1")
    assert link.get_text(" ", strip=True) == "1 goal of Avalon on health"


def test_the_matrix_counts_several_goals_and_links_to_the_first(client, atlas):
    avalon = atlas["avalon"]
    GoalFactory(country=avalon, position=7, title="Rural clinics", tags=["health"])
    GoalFactory(country=avalon, position=5, title="Health data", tags=["health"])
    cells = matrix_on(parse(client.get("/compare/")))
    assert cells["health"]["Avalon"] == ("3", "/countries/avalon/#goal-1")
    GoalFactory(country=atlas["carpathia"], position=9, title="Telehealth", tags=["health"])
    GoalFactory(country=atlas["carpathia"], position=4, title="Pharma", tags=["health"])
    cells = matrix_on(parse(client.get("/compare/")))
    assert cells["health"]["Carpathia"] == ("2", "/countries/carpathia/#goal-4")


def test_an_empty_atlas_has_nothing_to_compare(client, db):
    response = client.get("/compare/")
    assert response.status_code == HTTPStatus.OK
    assert "Nothing to compare yet" in parse(response).find("main").get_text()


# --- Query counts -------------------------------------------------------------------

# A comparison: the content version, the published countries and their
# versions (for the form's kept checkboxes), the chosen countries, their goals,
# the goals' themes, the chosen countries' versions (their kept cells), the cited
# sources and their versions (their kept references), and the content version
# again before what was rendered is kept.
COMPARE_QUERIES = 10
# The matrix: the content version, the countries and their versions (the form),
# the themes, the counts, the content version again.
MATRIX_QUERIES = 6


def grow(count):
    """``count`` more published countries, each with goals on several themes, citing sources."""
    for number in range(count):
        source = CitationFactory()
        country = CountryFactory(vision=f"Vision.[^{source.key}]")
        for position in range(1, 6):
            GoalFactory(
                country=country,
                position=position,
                description=f"Goal.[^{source.key}]",
                tags=[f"theme-{(number + position) % 11}", "economy"],
            )
        country.sync_citations()


@pytest.mark.parametrize("size", [2, 4])
def test_a_comparison_runs_the_same_queries_whatever_the_content(
    client, atlas, size, django_assert_num_queries
):
    url = compare_url(*SLUGS[:size])
    with django_assert_num_queries(COMPARE_QUERIES):
        assert client.get(url).status_code == HTTPStatus.OK
    for slug in SLUGS[:size]:
        for position in range(10, 20):
            GoalFactory(country=atlas[slug], position=position, tags=[f"more-{position}", "health"])
    grow(20)
    cache.clear()
    with django_assert_num_queries(COMPARE_QUERIES):
        assert client.get(url).status_code == HTTPStatus.OK


def test_a_bad_choice_stops_before_loading_any_country(client, atlas, django_assert_num_queries):
    # content version, the countries for the form and their versions, the
    # version again before the form's checkboxes are kept
    with django_assert_num_queries(4):
        assert client.get(compare_url("avalon")).status_code == HTTPStatus.BAD_REQUEST
    with django_assert_num_queries(3):  # the checkboxes kept
        assert client.get(compare_url("avalon", "nowhere")).status_code == HTTPStatus.NOT_FOUND


def test_the_matrix_runs_the_same_queries_for_few_and_many_countries(
    client, atlas, django_assert_num_queries
):
    with django_assert_num_queries(MATRIX_QUERIES):
        page = parse(client.get("/compare/"))
    assert len(matrix_on(page)) == 3
    grow(30)
    cache.clear()
    with django_assert_num_queries(MATRIX_QUERIES):
        page = parse(client.get("/compare/"))
    matrix = matrix_on(page)
    assert len(matrix) == 3 + 11 and len(matrix["economy"]) == MATRIX_COUNTRIES_PER_PAGE


# --- A page of countries at a time --------------------------------------------------


def matrix_pages(client, url):
    """Every page of the matrix from ``url`` on, following "Next": a list of matrix_on."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        page = parse(response)
        pages.append(matrix_on(page))
        next_link = page.select_one(".pagination a[rel=next]")
        url = "/compare/" + next_link["href"] if next_link else None
    return pages


def test_the_matrix_shows_a_page_of_countries_at_a_time(client, atlas):
    grow(30)  # 34 countries: pages of 12, 12 and 10
    pages = matrix_pages(client, "/compare/")
    columns = [list(page["economy"]) for page in pages]
    assert [len(names) for names in columns] == [12, 12, 10]
    every = [name for names in columns for name in names]
    assert every == sorted(country.name for country in Country.objects.published())
    for page in pages:  # each page counts its own countries' goals
        for name, cell in page["economy"].items():
            expected = {"Avalon": "0", "Borduria": "0", "Carpathia": "1", "Dorne": "1"}
            assert cell[0] == expected.get(name, "5"), name
    first = parse(client.get("/compare/"))
    assert first.select_one(".result-count").get_text(strip=True) == (
        "Countries 1–12 of 34, by name."
    )
    past = client.get("/compare/?page=4")
    assert past.status_code == HTTPStatus.NOT_FOUND
    notice = parse(past).select_one(".notice").get_text()
    assert "Invalid page “4”: pages run from 1 to 3." in notice


def test_the_matrix_shows_one_region_with_the_pages_keeping_it(client, atlas):
    south = Country.Region.SOUTH_ASIA
    Country.objects.filter(slug__in=["borduria", "carpathia"]).update(region=south)
    grow(13)  # in Europe and Central Asia, with Avalon and Dorne: 15 there
    page = parse(client.get("/compare/", {"region": south}))
    assert matrix_on(page)["economy"] == {
        "Borduria": ("0", None),
        "Carpathia": ("1", "/countries/carpathia/#goal-1"),
    }
    options = {
        option["value"]: option.get_text(strip=True)
        for option in page.select("select#region option")
    }
    assert options[""] == "All regions (17)"
    assert options[south] == "South Asia (2)"
    assert options[Country.Region.EUROPE_CENTRAL_ASIA] == "Europe and Central Asia (15)"
    assert options[Country.Region.NORTH_AMERICA] == "North America (0)"
    assert page.select_one(f"select#region option[value={south}]").has_attr("selected")
    assert page.find("a", class_="clear-filters")["href"] == "/compare/"

    europe = matrix_pages(client, "/compare/?region=europe-central-asia")
    assert [len(matrix["economy"]) for matrix in europe] == [12, 3]
    names = {name for matrix in europe for name in matrix["economy"]}
    assert {"Avalon", "Dorne"} <= names and not names & {"Borduria", "Carpathia"}

    empty = parse(client.get("/compare/", {"region": Country.Region.NORTH_AMERICA}))
    assert empty.select("table.matrix") == []
    assert "No country of this region is published yet." in empty.find("main").get_text()


@pytest.mark.parametrize("extra", [{"page": "2"}, {"region": "bogus"}, {"page": "999999999"}])
def test_the_matrixs_parameters_given_with_a_choice_redirect_to_the_choice(client, atlas, extra):
    response = client.get("/compare/", {"c": ["avalon", "dorne"], **extra})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == compare_url("avalon", "dorne")


def test_the_first_page_has_one_address(client, atlas):
    grow(15)
    page = parse(client.get("/compare/?page=2"))
    assert page.select_one(".pagination a[rel=prev]")["href"] == "?"


def test_an_unknown_region_says_so(client, atlas):
    response = client.get("/compare/", {"region": "atlantis"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = parse(response)
    assert "The atlas has no region “atlantis”." in page.select_one(".notice").get_text()
    assert page.select("table.matrix") == [] and page.select("select#region")


# --- The home page and the navigation ----------------------------------------------


def test_the_home_page_leads_with_the_matrix(client, atlas):
    page = parse(client.get("/"))
    first = page.select_one("main .home-section")
    assert first.h2.get_text(strip=True) == "Themes across countries"
    assert first.find("a", string="Compare countries side by side")["href"] == "/compare/"
    assert matrix_on(first) == matrix_on(parse(client.get("/compare/")))


def test_with_many_countries_the_home_page_sums_up_each_theme(client, atlas):
    from strategy.views import HOME_MATRIX_COUNTRIES

    grow(HOME_MATRIX_COUNTRIES)  # each with five goals, on "economy" among others
    page = parse(client.get("/"))
    table = page.select_one("main .home-section table.matrix")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Theme",
        "Countries",
        "Goals",
    ]
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    count = HOME_MATRIX_COUNTRIES
    assert rows["economy"] == [str(count + 2), str(count * 5 + 2)]
    assert rows["health"] == ["2", "2"]


def test_the_main_navigation_leads_to_compare(client, atlas):
    nav = parse(client.get("/")).select_one("nav[aria-label=Main]")
    assert nav.find("a", string="Compare")["href"] == "/compare/"
    nav = parse(client.get("/compare/")).select_one("nav[aria-label=Main]")
    assert nav.find("a", string="Compare")["aria-current"] == "page"


def test_empty_choices_are_ignored_and_errors_have_no_canonical(client, mexico):
    assert client.get("/compare/?c=&c=").status_code == 200  # the matrix
    response = client.get("/compare/?c=mexico&c=")
    assert response.status_code == 400
    page = parse(response)
    assert "“”" not in page.get_text() and page.select_one('link[rel="canonical"]') is None


def test_the_matrix_escapes_names(client, atlas):
    Country.objects.filter(slug="avalon").update(name='<b onmouseover="x()">Avalon</b> & Co')
    response = client.get("/compare/")
    html = response.content.decode()
    assert "<b onmouseover" not in html
    link = parse(response).find("a", href="/countries/avalon/#goal-1")
    assert link.get_text(" ", strip=True) == (
        '1 goal of <b onmouseover="x()">Avalon</b> & Co on health'
    )
