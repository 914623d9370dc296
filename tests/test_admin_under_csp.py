"""
The admin works in a real browser under the site's Content-Security-Policy:
logging in, the country form's prepopulated slug, "Add another Goal" inlines,
the themes field, saving, and the goal form's country autocomplete, with no
policy violation and no console error.
"""

import pytest
from django.core.management import call_command
from django.db import connections

from strategy.models import Country

from .conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Records every CSP violation the page reports, before any page script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def chromium_page(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(base_url=live_server.url)
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and page.console_errors.append(f"{message.text} ({message.location['url']})")
            ),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        yield page
        browser.close()
        # Queries made while Playwright's loop runs open their own connection:
        # close it, or the test database cannot be dropped at the end.
        connections.close_all()


def assert_no_violations(page):
    assert page.evaluate("window.cspViolations") == []
    # The admin links no icon, so the browser asks for /favicon.ico and reports
    # the 404 as a console error; nothing else may go wrong.
    errors = [text for text in page.console_errors if not text.endswith("/favicon.ico)")]
    assert errors == []


def test_the_admin_works_under_the_content_security_policy(chromium_page, django_user_model):
    page = chromium_page
    call_command("loaddata", "mexico", verbosity=0)
    django_user_model.objects.create_superuser("editor", password=PASSWORD)

    response = page.goto("/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert_no_violations(page)

    # The add form: the slug follows the name (prepopulate.js), "Add another
    # Goal" adds inline forms (inlines.js), themes are typed in.
    page.goto("/admin/strategy/country/add/")
    page.locator("#id_name").press_sequentially("Freedonia Republic")
    assert page.input_value("#id_slug") == "freedonia-republic"
    page.fill("#id_vision", "Lead the region.[^secretaria-de-hacienda-2017]")
    page.select_option("#id_status", "published")
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
    page.wait_for_url("**/admin/strategy/country/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    assert_no_violations(page)

    country = Country.objects.get(slug="freedonia-republic")
    assert [goal.title for goal in country.goals.all()] == ["Skills", "Care"]
    assert sorted(country.goals.get(position=1).tags.names()) == ["education", "skills"]

    # The goal form's country field is an autocomplete (select2, jQuery).
    page.goto("/admin/strategy/goal/add/")
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Mexi")
    page.locator(".select2-results__option", has_text="Mexico").click()
    assert page.locator("#id_country").input_value() == str(Country.objects.get(slug="mexico").pk)

    # The existing country's change form, with its three goals inline.
    page.goto(f"/admin/strategy/country/{Country.objects.get(slug='mexico').pk}/change/")
    assert page.locator(".inline-related.has_original").count() == 3
    page.get_by_role("button", name="Toggle theme").first.click()
    assert_no_violations(page)
