"""The compare pages in a browser: stacked on a phone, side by side on a desk, accessible."""

import pytest

from tests.factories import CountryFactory, GoalFactory

from .helpers import DESKTOP, PHONE, check_accessibility

pytestmark = pytest.mark.browser


@pytest.fixture
def atlas(site):
    """Mexico and three more countries, sharing themes with it and each other."""
    for name, themes in [
        ("Freedonia", ["health", "education"]),
        ("Ruritania", ["health"]),
        ("Syldavia with a rather long name", ["economy", "a very long theme name indeed"]),
    ]:
        country = CountryFactory(name=name, slug=name.split()[0].lower())
        GoalFactory(country=country, position=1, title=f"A goal of {name}", tags=themes)
        GoalFactory(country=country, position=2, title="Another goal", tags=themes[:1])
    for number in range(12):  # enough columns that the matrix is wider than a phone
        GoalFactory(country=CountryFactory(name=f"Land {number:02d}"), tags=["health"])
    return site


TWO = "/compare/?c=freedonia&c=mexico"
FOUR = "/compare/?c=freedonia&c=mexico&c=ruritania&c=syldavia"
PAGES = [TWO, FOUR, "/compare/", "/compare/?c=mexico", "/"]


def test_compare_pages_fit_a_phone_with_the_countries_stacked(atlas, page):
    page.set_viewport_size(PHONE)
    for path in PAGES:
        page.goto(atlas + path)
        assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"], path
    for path in (TWO, FOUR):
        page.goto(atlas + path)
        for row in page.locator(".compare-row").all():
            boxes = [cell.bounding_box() for cell in row.locator(".compare-cell").all()]
            assert len(boxes) == path.count("c=")
            assert len({box["x"] for box in boxes}) == 1, f"{path}: side by side on a phone"
            tops = [box["y"] for box in boxes]
            assert tops == sorted(tops) and len(set(tops)) == len(tops)
            assert all(box["x"] + box["width"] <= PHONE["width"] for box in boxes)


def test_the_matrix_scrolls_inside_its_own_box_on_a_phone(atlas, page):
    page.set_viewport_size(PHONE)
    page.goto(atlas + "/compare/")
    scroller = page.locator(".matrix-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]


def test_on_a_desk_the_countries_stand_side_by_side(atlas, page):
    page.set_viewport_size(DESKTOP)
    page.goto(atlas + FOUR)
    boxes = [
        cell.bounding_box()
        for cell in page.locator(".compare-row").first.locator(".compare-cell").all()
    ]
    assert len({box["y"] for box in boxes}) == 1
    lefts = [box["x"] for box in boxes]
    assert lefts == sorted(lefts) and len(set(lefts)) == 4
    assert page.evaluate("document.documentElement.scrollWidth") == DESKTOP["width"]


def test_compare_pages_have_no_accessibility_violations(atlas, page):
    reports = {}
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for path in PAGES:
            page.goto(atlas + path)
            results = check_accessibility(page)
            assert results.response["passes"], f"axe-core checked nothing on {path}"
            reports[(size["width"], path)] = (
                results.generate_report() if results.violations_count else ""
            )
    assert reports == dict.fromkeys(reports, "")
