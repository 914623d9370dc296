"""Footnote previews: hover or focus a marker to read its reference; Escape hides it."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import check_accessibility

pytestmark = pytest.mark.browser

HACIENDA = "Informe de autoevaluación enero-diciembre 2017"


def first_marker_of(page, note_id):
    return page.locator(f'sup.footnote-ref a[href="#{note_id}"]').first


def reference_text(page, note_id):
    return page.locator(f"#{note_id} .reference cite").inner_text()


def test_hovering_a_marker_shows_its_reference(site, page):
    page.goto(f"{site}/countries/mexico/")
    marker = first_marker_of(page, "note-2")
    preview = page.locator("#" + marker.get_attribute("aria-describedby"))
    expect(preview).to_be_hidden()
    expect(preview).to_have_attribute("role", "tooltip")
    marker.hover()
    expect(preview).to_be_visible()
    expect(preview).to_contain_text(reference_text(page, "note-2"))
    expect(preview).not_to_contain_text("About this source")
    page.mouse.move(0, 0)
    expect(preview).to_be_hidden()


def test_focusing_a_marker_shows_it_and_escape_hides_it(site, page):
    page.goto(f"{site}/countries/mexico/")
    marker = first_marker_of(page, "note-1")
    marker.focus()
    preview = page.locator("#" + marker.get_attribute("aria-describedby"))
    expect(preview).to_be_visible()
    expect(preview).to_contain_text(reference_text(page, "note-1"))
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    expect(marker).to_be_focused()  # the preview never takes focus
    marker.blur()
    marker.focus()
    expect(preview).to_be_visible()
    page.keyboard.press("Tab")  # focus moves on: the preview goes
    expect(marker).not_to_be_focused()
    expect(preview).to_be_hidden()


def test_the_spanish_source_reads_as_spanish(site, page):
    page.goto(f"{site}/countries/mexico/")
    expect(page.locator(".notes cite", has_text=HACIENDA)).to_have_attribute("lang", "es")


def test_without_javascript_the_marker_still_links_to_its_note(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site}/countries/mexico/")
        expect(page.locator(".footnote-preview")).to_have_count(0)
        marker = first_marker_of(page, "note-1")
        expect(marker).not_to_have_attribute("aria-describedby", re.compile(".+"))
        marker.click()
        expect(page).to_have_url(re.compile(r"#note-1$"))
        expect(page.locator("#note-1")).to_be_in_viewport()
    finally:
        context.close()


def test_cite_box_opened_and_a_preview_shown_pass_axe(site, page):
    page.goto(f"{site}/countries/mexico/")
    for summary in page.locator(".cite-box summary").all():
        summary.click()
    expect(page.locator(".cite-box details[open]")).to_have_count(3)
    first_marker_of(page, "note-1").focus()
    expect(page.locator(".footnote-preview:visible")).to_have_count(1)
    results = check_accessibility(page)
    assert results.violations_count == 0, results.generate_report()
