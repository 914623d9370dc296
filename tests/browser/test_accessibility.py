"""axe-core finds no WCAG 2.1 A or AA violation; footnotes are announced by number."""

import pytest
from playwright.sync_api import expect

from strategy.models import Country

from .helpers import PUBLIC_PAGES, check_accessibility, log_in, member_of

pytestmark = pytest.mark.browser


def assert_accessible(page, label):
    results = check_accessibility(page)
    # axe-core is injected from the copy shipped in axe-playwright-python: no network needed.
    assert page.evaluate("window.axe.version").startswith("4.")
    assert results.response["passes"], f"axe-core checked nothing on {label}"
    assert results.violations_count == 0, f"{label}: {results.generate_report()}"


def test_every_public_page_type_has_no_violations(site, page):
    reports = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(site + path)
        results = check_accessibility(page)
        assert results.response["passes"], f"axe-core checked nothing on {path}"
        reports[name] = results.generate_report() if results.violations_count else ""
    assert reports == dict.fromkeys(PUBLIC_PAGES, "")


def test_every_spanish_page_type_has_no_violations(site, page):
    """The same pages in Spanish: the language switcher, the translated texts, the dates."""
    reports = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(f"{site}/es{path}")
        assert page.locator("html").get_attribute("lang") == "es"
        results = check_accessibility(page)
        assert results.response["passes"], f"axe-core checked nothing on /es{path}"
        reports[name] = results.generate_report() if results.violations_count else ""
    assert reports == dict.fromkeys(PUBLIC_PAGES, "")


def test_admin_country_form_has_no_violations(site, page):
    member_of("Country managers", "marta")
    log_in(page, site, "marta")
    mexico = Country.objects.get(slug="mexico")
    page.goto(f"{site}/admin/strategy/country/{mexico.pk}/change/")
    expect(page.locator(".inline-related:not(.empty-form)")).to_have_count(3)
    expect(page.locator("#goals-0").get_by_label("Themes:")).not_to_have_value("")
    assert_accessible(page, "the country change form")

    page.get_by_role("button", name="Add another Goal").click()
    expect(page.locator("#goals-3")).to_be_visible()
    assert_accessible(page, "the country change form with a goal added")

    page.get_by_label("Vision:").fill("A vision citing a source that does not exist.[^nowhere]")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    assert_accessible(page, "the country change form showing errors")

    page.emulate_media(color_scheme="dark")
    page.reload()
    assert_accessible(page, "the country change form in the dark theme")


def test_footnote_markers_are_announced_by_number(site, page):
    page.goto(f"{site}/countries/mexico/")
    # Chromium's accessibility tree: what a screen reader is given.
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    announced = sorted(
        (node["role"]["value"], node["name"]["value"])
        for node in nodes
        if node.get("role", {}).get("value") in {"doc-noteref", "doc-backlink"}
    )
    assert announced == [
        ("doc-backlink", "Back to where footnote 1 is cited"),
        ("doc-backlink", "Back to where footnote 2 is cited"),
        ("doc-noteref", "Footnote 1"),
        ("doc-noteref", "Footnote 2"),
    ]
    expect(page.get_by_role("link", name="Footnote 1", exact=True)).to_have_text("[1]")


def test_the_import_preview_with_differences_has_no_violations(site, page, tmp_path):
    """A re-import of a changed Mexico chapter: word differences, themes, the checks."""
    from ..helpers import SOURCE_DIR

    member_of("Country managers", "marta")
    log_in(page, site, "marta")
    edition = tmp_path / "mexico.md"
    source = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8")
    edition.write_text(source.replace("backbone", "heart"), encoding="utf-8")
    page.goto(f"{site}/admin/strategy/country/import/")
    page.get_by_label("Report file:").set_input_files(str(edition))
    page.get_by_role("button", name="Preview the import").click()
    removed = page.locator(".word-diff del").first
    expect(removed).to_have_text("backbone")
    # Not colour alone: struck through, and announced as removed.
    assert "line-through" in removed.evaluate("e => getComputedStyle(e).textDecorationLine")
    before = removed.evaluate("e => getComputedStyle(e, '::before').content")
    assert "removed" in before
    assert_accessible(page, "the import preview with differences")


def test_history_and_comparison_pages_have_no_violations(site, page):
    from strategy.revisions import save_revision

    member_of("Country managers", "marta")
    log_in(page, site, "marta")
    mexico = Country.objects.get(slug="mexico")
    save_revision(mexico, comment="As loaded.")
    mexico.conclusion = mexico.conclusion.replace("Concluding", "In conclusion")
    mexico.save()
    save_revision(mexico, comment="Reworded.")
    page.goto(f"{site}/admin/strategy/country/{mexico.pk}/history/")
    assert_accessible(page, "the country's history")
    page.get_by_role("link", name="Compare with the one before").click()
    expect(page.locator("#field-changes del")).to_have_text("Concluding")
    assert_accessible(page, "the comparison of two revisions")
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the comparison is wider than a phone"
    assert_accessible(page, "the comparison on a phone")
