"""Keyboard users: a skip link, and every control on the Tab path with a visible focus."""

import pytest
from playwright.sync_api import expect

from .helpers import PUBLIC_PAGES

pytestmark = pytest.mark.browser

# Every element a keyboard user should reach, numbered in document order.
MARK_CONTROLS = """() => {
  const selector =
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const controls = [...document.querySelectorAll(selector)].filter(element =>
    element.tabIndex >= 0 && !element.disabled && element.checkVisibility() &&
    element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden');
  controls.forEach((element, index) => { element.dataset.controlIndex = index; });
  return controls.length;
}"""
# The focused element's number and how its focus is drawn.
FOCUSED = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  return [element.dataset.controlIndex ?? element.tagName,
          style.outlineStyle, parseFloat(style.outlineWidth)];
}"""


def test_skip_link_takes_keyboard_users_to_the_content(site, page):
    page.goto(f"{site}/countries/mexico/")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is the first link in the content, past the site's navigation.
    expect(page.locator("main").get_by_role("link", name="Home")).to_be_focused()


def test_tab_reaches_every_control_in_order_with_a_visible_focus(site, page):
    for path in PUBLIC_PAGES.values():
        page.goto(site + path)
        count = page.evaluate(MARK_CONTROLS)
        assert count >= 5, path
        reached = []
        for _ in range(count):
            page.keyboard.press("Tab")
            index, outline_style, outline_width = page.evaluate(FOCUSED)
            reached.append(index)
            # The browser's own ring is style "auto"; ours is a solid 3px line.
            assert (outline_style, outline_width) == ("solid", 3), f"control {index} on {path}"
        assert reached == [str(index) for index in range(count)], path
