"""
The admin works in a real browser under the site's Content-Security-Policy
(no 'unsafe-inline', no 'unsafe-eval'): logging in, the country form's
prepopulated slug, adding and removing goal inlines, themes, saving, the goal
form's country autocomplete and the theme toggle, with no policy violation and
no console error.
"""

import pytest
from django.contrib.auth import get_user_model

from strategy.models import Country

from .helpers import PASSWORD

pytestmark = pytest.mark.browser

# Records every CSP violation the page reports, before any page script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def watched_page(page):
    """The browser page, recording CSP violations and console errors."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and page.console_errors.append(f"{message.text} ({message.location['url']})")
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def assert_no_violations(page):
    assert page.evaluate("window.cspViolations") == []
    # The admin links no icon, so the browser asks for /favicon.ico and reports
    # the 404 as a console error; nothing else may go wrong.
    errors = [text for text in page.console_errors if not text.endswith("/favicon.ico)")]
    assert errors == []


def test_the_admin_works_under_the_content_security_policy(site, watched_page):
    page = watched_page
    get_user_model().objects.create_superuser("editor", password=PASSWORD)

    response = page.goto(f"{site}/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    assert_no_violations(page)

    # The add form: the slug follows the name (prepopulate.js), "Add another
    # Goal" adds inline forms (inlines.js), themes are typed in.
    page.goto(f"{site}/admin/strategy/country/add/")
    page.locator("#id_name").press_sequentially("Freedonia Republic")
    assert page.input_value("#id_slug") == "freedonia-republic"
    page.fill("#id_vision", "Lead the region.[^secretaria-de-hacienda-2017]")
    add_goal = page.locator(".add-row a", has_text="Add another Goal")
    add_goal.click()
    add_goal.click()
    assert page.input_value("#id_goals-TOTAL_FORMS") == "2"
    for index, (title, themes) in enumerate([("Skills", "education, skills"), ("Care", "health")]):
        page.fill(f"#id_goals-{index}-position", str(index + 1))
        page.fill(f"#id_goals-{index}-title", title)
        page.fill(f"#id_goals-{index}-description", f"{title} for all.")
        page.fill(f"#id_goals-{index}-tags", themes)
    # An inline added by mistake is removed again with its delete link.
    add_goal.click()
    page.locator("#goals-2 .inline-deletelink").click()
    assert page.input_value("#id_goals-TOTAL_FORMS") == "2"
    page.click("input[name=_save]")
    page.wait_for_url(f"{site}/admin/strategy/country/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    assert_no_violations(page)

    country = Country.objects.get(slug="freedonia-republic")
    assert [goal.title for goal in country.goals.all()] == ["Skills", "Care"]
    assert sorted(country.goals.get(position=1).tags.names()) == ["education", "skills"]

    # The goal form's country field is an autocomplete (select2, jQuery).
    mexico = Country.objects.get(slug="mexico")
    page.goto(f"{site}/admin/strategy/goal/add/")
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Mexi")
    page.locator(".select2-results__option", has_text="Mexico").click()
    assert page.locator("#id_country").input_value() == str(mexico.pk)

    # The existing country's change form, with its three goals inline.
    page.goto(f"{site}/admin/strategy/country/{mexico.pk}/change/")
    assert page.locator(".inline-related.has_original").count() == 3
    page.get_by_role("button", name="Toggle theme").first.click()
    assert_no_violations(page)


def test_themes_are_offered_as_an_editor_types_them(site, watched_page):
    from playwright.sync_api import expect

    page = watched_page
    get_user_model().objects.create_superuser("editor", password=PASSWORD)
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    mexico = Country.objects.get(slug="mexico")
    page.goto(f"{site}/admin/strategy/country/{mexico.pk}/change/")
    themes = page.locator("#id_goals-0-tags")
    themes.fill("")
    themes.press_sequentially("digital, smal")
    options = page.locator("#id_goals-0-tags-suggestions [role=option]")
    expect(options).to_have_text(["small business"])
    themes.press("ArrowDown")
    themes.press("Enter")
    expect(themes).to_have_value("digital, small business, ")
    expect(options).to_have_count(0)
    # Added goals get it too.
    page.locator(".add-row a", has_text="Add another Goal").click()
    index = int(page.input_value("#id_goals-TOTAL_FORMS")) - 1
    added = page.locator(f"#id_goals-{index}-tags")
    added.press_sequentially("econ")
    expect(page.locator(".theme-suggestions [role=option]")).to_have_text(["economy"])
    assert_no_violations(page)
