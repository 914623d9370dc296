"""The pages on a phone, on paper, and built from the site's own files only."""

import pytest
from playwright.sync_api import expect

from citations.models import Citation

from .helpers import PHONE, PUBLIC_PAGES

pytestmark = pytest.mark.browser


def test_every_page_fits_a_360px_screen_without_sideways_scrolling(site, page):
    page.set_viewport_size(PHONE)
    widths = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(site + path)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(PUBLIC_PAGES, PHONE["width"])


def test_country_prints_with_its_sources_and_their_addresses(site, page):
    page.goto(f"{site}/countries/mexico/")
    page.emulate_media(media="print")

    for hidden in [
        page.get_by_role("link", name="Skip to content"),
        page.get_by_role("navigation", name="Main"),
        page.get_by_role("navigation", name="Breadcrumb"),
        page.get_by_role("navigation", name="On this page"),
    ]:
        expect(hidden).to_be_hidden()
    for heading in ["Vision", "Strategic goals", "Conclusion", "Sources"]:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    notes = page.locator("section.notes li")
    expect(notes).to_have_count(2)
    cited = ["british-embassy-mexico-city-2018", "secretaria-de-hacienda-2017"]
    for note, key in zip(notes.all(), cited, strict=True):
        expect(note).to_be_visible()
        expect(note).to_contain_text(f"Available at: {Citation.objects.get(key=key).url}")
    footer = page.locator(".site-footer")
    expect(footer.get_by_text(f"Printed from {site}/countries/mexico/")).to_be_visible()
    expect(footer.get_by_role("link", name="Creative Commons Attribution 4.0")).to_be_visible()

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")


def test_pages_use_only_the_sites_own_files_and_log_no_errors(site, page):
    requested, failed, errors = [], [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: response.ok or failed.append(response.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in PUBLIC_PAGES.values():
        page.goto(site + path)
    assert [url for url in requested if not url.startswith(site)] == []
    assert f"{site}/static/css/site.css" in requested
    assert failed == [site + PUBLIC_PAGES["not found"]]
    # Chromium reports that 404 on the console too; nothing else may be there.
    assert [error for error in errors if not error.startswith("Failed to load resource")] == []


def test_footnote_markers_are_tap_targets_and_back_links_leave_room(site, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site}/countries/mexico/")
    markers = page.locator("sup.footnote-ref a")
    assert markers.count() > 0
    for index in range(markers.count()):
        box = markers.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
    last = markers.nth(markers.count() - 1)
    last.click()
    page.locator(".notes li a[href^='#ref-']").last.click()
    page.wait_for_timeout(300)  # the jump is instant; let layout settle
    top = page.evaluate("document.querySelector(location.hash).getBoundingClientRect().top")
    assert top >= 48, f"the cited sentence is at {top}px, cut off at the top"
