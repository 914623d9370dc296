"""The site as its people use it, one journey per test, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from citations.models import Citation

from .helpers import check_accessibility, log_in, member_of

pytestmark = pytest.mark.browser

OXFORD_REPORT = "british-embassy-mexico-city-2018"


def test_visitor_follows_a_footnote_to_its_source_and_back(site, page):
    """Home, Mexico, footnote 1, its entry under Sources, back, and out to the source."""
    source_url = Citation.objects.get(key=OXFORD_REPORT).url
    page.goto(site)
    page.get_by_role("link", name="Mexico", exact=True).first.click()
    expect(page).to_have_url(f"{site}/countries/mexico/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mexico")

    marker = page.get_by_role("link", name="Footnote 1", exact=True)
    marker.click()
    expect(page).to_have_url(re.compile(r"#note-1$"))
    note = page.locator("li#note-1")
    expect(note).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "note-1"
    expect(note).to_contain_text("TOWARDS AN AI STRATEGY IN MEXICO")

    note.get_by_role("link", name="Back to where footnote 1 is cited").click()
    expect(page).to_have_url(re.compile(r"#ref-1-1$"))
    expect(marker).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "ref-1-1"

    source = note.locator("a.source-link")
    expect(source).to_have_attribute("href", source_url)
    expect(source).to_have_attribute("rel", "noopener noreferrer")
    # The source lives on another site; the browser is offline, so stand in for it.
    page.route(source_url, lambda route: route.fulfill(body="%PDF-1.4", content_type="text/plain"))
    source.click()
    expect(page).to_have_url(source_url)


def test_editor_s_change_is_reviewed_approved_and_then_public(site, page, visitor, browser):
    """
    An editor rewords a goal of published Mexico and swaps one of its themes,
    and submits it for review; the public still sees the old page; a Country
    manager reads the comparison and approves it; then the public sees it.
    """
    member_of("Editors", "elena")
    log_in(page, site, "elena")

    page.get_by_role("link", name="Countries").click()
    page.get_by_role("link", name="Mexico").click()
    expect(page.get_by_role("heading", name="Change country")).to_be_visible()
    expect(page.locator("#working-draft-note")).to_contain_text("Working draft")
    goal = page.locator("#goals-0")
    expect(goal.get_by_label("Title:")).to_have_value(
        "Digitise small businesses with Big Data, analytics and AI"
    )
    description = goal.get_by_label("Description:")
    description.fill(
        description.input_value().replace(
            "One of the main goals", "Above all, one of the main goals"
        )
    )
    themes = goal.get_by_label("Themes:")
    themes.fill(themes.input_value().replace("economy", "entrepreneurship"))
    page.get_by_label("Summary of the change:").fill("Goal 1 reworded.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_contain_text("working draft of Mexico")
    expect(page.locator("#goal-changes li.changed ins").first).to_contain_text("Above all")
    expect(page.locator("#goal-changes li.changed")).to_contain_text(
        "Themes added: entrepreneurship"
    )
    page.get_by_label("Comment for the reviewer:").fill("Reworded after the 2024 update.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#review-state")).to_contain_text("Awaiting review")

    visitor.goto(f"{site}/countries/mexico/")
    expect(visitor.locator("li.goal").first).not_to_contain_text("Above all")

    member_of("Country managers", "marta")
    manager = browser.new_context().new_page()
    log_in(manager, site, "marta")
    manager.locator("#review-queue").get_by_role("link", name="Mexico").click()
    expect(manager.locator("#review-state")).to_contain_text("Reworded after the 2024 update.")
    assert_accessible(manager, "the draft page with its comparison and review steps")
    manager.get_by_role("button", name="Approve and publish").click()
    expect(manager.locator(".messagelist .success")).to_contain_text("Published: Mexico.")

    visitor.goto(f"{site}/countries/mexico/")
    first_goal = visitor.locator("li.goal").first
    expect(first_goal).to_contain_text("Above all, one of the main goals is to digitize those")
    tags = first_goal.get_by_role("list", name="Themes").get_by_role("link")
    expect(tags.filter(has_text="entrepreneurship")).to_have_count(1)
    assert sorted(tags.all_inner_texts()) == [
        "big data",
        "digitalisation",
        "entrepreneurship",
        "small business",
    ]
    first_goal.get_by_role("link", name="entrepreneurship").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("entrepreneurship")
    expect(visitor.locator("li.goal h2")).to_have_text(
        ["Digitise small businesses with Big Data, analytics and AI"]
    )


def assert_accessible(page, label):
    results = check_accessibility(page)
    assert results.response["passes"], f"axe-core checked nothing on {label}"
    assert results.violations_count == 0, f"{label}:\n{results.generate_report()}"


def add_citation(page, site):
    page.goto(f"{site}/admin/citations/citation/add/")
    page.get_by_label("Key:").fill("chile-2021")
    page.get_by_label("Authors:").fill("Ministerio de Ciencia de Chile")
    page.get_by_label("Year:").fill("2021")
    page.get_by_label("Title:", exact=True).fill("Política Nacional de Inteligencia Artificial")
    page.get_by_label("URL:").fill("https://minciencia.gob.cl/areas/inteligencia-artificial/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def add_draft_country(page, site):
    """Chile, with two goals, its vision citing ``chile-2021``; saved as a draft."""
    page.goto(f"{site}/admin/strategy/country/add/")
    page.get_by_label("Name:").press_sequentially("Chile")
    expect(page.get_by_label("Slug:")).to_have_value("chile")  # filled in as the name is typed
    page.get_by_label("ISO code:").fill("CL")
    page.get_by_label("Region:").select_option(label="Latin America and the Caribbean")
    expect(page.get_by_label("Status:")).to_have_value("draft")
    page.get_by_label("Vision:").fill(
        "Chile wants to take part in the global conversation on AI.[^chile-2021]"
    )
    page.get_by_label("Conclusion:").fill("A policy for the next ten years.")
    goals = [
        ("Ethical and responsible AI", "Put people's rights at the centre.", "ethics, regulation"),
        ("Talent for AI", "Train people for an economy with AI.", "education, ethics"),
    ]
    for index, (title, description, themes) in enumerate(goals):
        page.get_by_role("button", name="Add another Goal").click()
        goal = page.locator(f"#goals-{index}")
        goal.get_by_label("Position:").fill(str(index + 1))
        goal.get_by_label("Title:").fill(title)
        goal.get_by_label("Description:").fill(description)
        goal.get_by_label("Themes:").fill(themes)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def preview_draft(page, site, slug):
    """From the change form, "View on site" shows the draft with its banner."""
    page.locator("a.viewsitelink").click()
    expect(page).to_have_url(f"{site}/countries/{slug}/")
    expect(page.get_by_role("complementary", name="Draft notice")).to_contain_text(
        "Draft — not public"
    )
    expect(page.locator(".vision")).to_contain_text("global conversation on AI")
    page.go_back()


def publish(page):
    """Publish the country open in the admin change form."""
    page.get_by_label("Status:").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")


def expect_not_public(visitor, site, slug):
    visitor.goto(f"{site}/countries/{slug}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Page not found")
    visitor.goto(f"{site}/countries/")
    expect(visitor.locator(".country-list h2")).to_have_text(["Mexico"])


def test_country_manager_adds_and_publishes_a_country(site, page, visitor):
    """A new source, a new country citing it as a draft, then published for all to read."""
    member_of("Country managers", "marta")
    log_in(page, site, "marta")
    add_citation(page, site)
    add_draft_country(page, site)
    expect_not_public(visitor, site, "chile")
    preview_draft(page, site, "chile")

    # Publishing first lists what the country lacks: here the source's language.
    page.goto(f"{site}/admin/strategy/country/")
    page.get_by_role("link", name="Chile").click()
    country_form = page.url
    page.get_by_label("Status:").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("#id_status_error")).to_contain_text(
        "Not ready to publish: source [^chile-2021]: no language"
    )
    page.goto(f"{site}/admin/citations/citation/")
    page.get_by_role("link", name="chile-2021").click()
    page.get_by_label("Language:").fill("es")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    page.goto(country_form)
    publish(page)

    visitor.goto(f"{site}/countries/")
    expect(visitor.locator(".country-list h2")).to_have_text(["Chile", "Mexico"])
    visitor.get_by_role("link", name="Chile").click()
    expect(visitor.locator(".vision")).to_contain_text("global conversation on AI")
    visitor.get_by_role("link", name="Footnote 1", exact=True).click()
    expect(visitor.locator("li#note-1 a.source-link")).to_have_attribute(
        "href", "https://minciencia.gob.cl/areas/inteligencia-artificial/"
    )
    for theme, titles in [
        ("ethics", ["Ethical and responsible AI", "Talent for AI"]),
        ("regulation", ["Ethical and responsible AI"]),
        ("education", ["Talent for AI", "Cheaper, more tailored public services"]),
    ]:
        visitor.goto(f"{site}/countries/chile/")
        visitor.locator("li.goal").get_by_role("link", name=theme, exact=True).first.click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(theme)
        expect(visitor.locator("li.goal h2")).to_have_text(titles)


def test_two_editors_save_the_same_country(site, browser):
    """The second save is refused with who saved and when, and keeps what was typed."""
    elena = member_of("Editors", "elena")
    elena.first_name, elena.last_name = "Elena", "Ruiz"
    elena.save()
    member_of("Editors", "tomas")
    windows = []
    for username in ("elena", "tomas"):
        context = browser.new_context()
        window = context.new_page()
        log_in(window, site, username)
        window.goto(f"{site}/admin/strategy/country/")
        window.get_by_role("link", name="Mexico").click()
        windows.append(window)
    elena, tomas = windows

    elena.get_by_label("Vision:").fill("Elena's new vision for Mexico.")
    elena.get_by_role("button", name="Save", exact=True).click()
    expect(elena.locator(".messagelist .success")).to_contain_text(
        "The working draft of Mexico was saved"
    )

    typed = "Tomás rewrote the conclusion while Elena was saving."
    tomas.get_by_label("Conclusion:").fill(typed)
    tomas.locator("#goals-1").get_by_label("Title:").fill("Automate routine work")
    tomas.get_by_role("button", name="Save", exact=True).click()

    expect(tomas.locator(".errornote, .errorlist").first).to_be_visible()
    expect(tomas.locator("form#country_form")).to_contain_text(
        "Not saved: this country was saved by Elena Ruiz (elena)"
    )
    expect(tomas.get_by_label("Conclusion:")).to_have_value(typed)
    expect(tomas.locator("#goals-1").get_by_label("Title:")).to_have_value("Automate routine work")

    tomas.goto(f"{site}/countries/mexico/")
    expect(tomas.locator(".vision")).to_contain_text("Elena's new vision for Mexico.")
    expect(tomas.locator(".conclusion")).not_to_contain_text(typed)
    for window in windows:
        window.context.close()


WORD_REPORT = """# Chile

Chile wants to take part in the global conversation on AI.[^1]

## Ethical and responsible AI
Themes: ethics

Put people's rights at the centre.[^2]

## Conclusion

A policy for the next ten years.

# Peru

Peru wants AI for public services.[^2]

## Digital government

Connect every village.

## Conclusion

A start.

"""
WORD_REPORT += (
    "[^1]: Ministerio de Ciencia, Tecnología, Conocimiento e Innovación (2021). Política "
    "Nacional de Inteligencia Artificial. [online] Available at: https://example.org/chile.pdf\n\n"
    "[^2]: Department for Digital, Culture, Media & Sport and Department for Business, Energy "
    "& Industrial Strategy (2021). National AI Strategy. [online] "
    "Available at: https://example.org/uk.pdf\n"
)


def test_country_manager_publishes_a_word_report_of_two_countries(site, page, tmp_path):
    """Upload a Word report, check its authors, confirm, fix what publishing needs, publish."""
    from chapters.word import text_to_docx

    report = tmp_path / "report.docx"
    report.write_bytes(text_to_docx(WORD_REPORT))
    member_of("Country managers", "marta")
    log_in(page, site, "marta")

    page.goto(f"{site}/admin/strategy/country/")
    page.get_by_role("link", name="Import a chapter").click()
    page.get_by_label("Report file:").set_input_files(str(report))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-countries tbody th")).to_have_text(["Chile", "Peru"])
    # The ambiguous author list is shown one name a line, to check.
    authors = page.locator("#import-authors textarea")
    expect(authors).to_have_count(1)
    assert authors.input_value().splitlines() == [
        "Department for Digital, Culture, Media & Sport",
        "Department for Business, Energy & Industrial Strategy",
    ]
    page.get_by_role("button", name="Import report.docx").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Imported report.docx: 2 countries created"
    )

    # Publishing lists what each lacks.
    for name in ("Chile", "Peru"):
        page.get_by_role("row", name=re.compile(name)).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Publish selected countries")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to publish?")
    content = page.locator("#content-main")
    expect(content).to_contain_text("source [^ministerio-de-ciencia-2021]: no language")
    expect(content).to_contain_text("goal 1: no theme")  # Peru's goal
    page.get_by_role("link", name="Cancel").click()

    # Fix the sources' languages, waive Peru's theme, publish both.
    for key, language in (
        ("ministerio-de-ciencia-2021", "es"),
        ("department-for-digital-culture-2021", "en"),
    ):
        page.goto(f"{site}/admin/citations/citation/")
        page.get_by_role("link", name=key, exact=True).click()
        page.get_by_label("Language:").fill(language)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    page.goto(f"{site}/admin/strategy/country/")
    for name in ("Chile", "Peru"):
        page.get_by_role("row", name=re.compile(name)).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Publish selected countries")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("#content-main")).not_to_contain_text("no language")
    page.get_by_label("Waive: goal 1: no theme").check()
    page.get_by_role("button", name="Publish what is ready or waived").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Published: Chile, Peru.")

    # Every sentence, reference and author is on the site.
    page.goto(f"{site}/countries/peru/")
    expect(page.locator(".vision")).to_contain_text("Peru wants AI for public services.")
    page.goto(f"{site}/citations/department-for-digital-culture-2021/")
    expect(page.locator('[itemprop="author"]')).to_have_text(
        [
            "Department for Digital, Culture, Media & Sport",
            "Department for Business, Energy & Industrial Strategy",
        ]
    )


def test_visitor_searches_from_the_header_and_narrows_by_theme(site, page):
    """Search from a page's header, see marked matches, narrow by a theme facet, go to the goal."""
    page.goto(f"{site}/themes/")
    page.get_by_role("searchbox", name="Search the atlas").fill("small businesses")
    page.get_by_role("searchbox", name="Search the atlas").press("Enter")
    expect(page).to_have_url(f"{site}/search/?q=small+businesses")
    expect(page.locator(".result-count")).to_contain_text("1 result")
    first = page.locator("ol.results li").first
    expect(first.locator("h2 mark")).to_have_text(["small", "businesses"])
    # The page's own search box holds the query, ready to change.
    expect(page.get_by_role("searchbox", name="Search countries, goals and sources")).to_have_value(
        "small businesses"
    )
    facets = page.get_by_role("complementary", name="Narrow the results")
    facets.get_by_role("link", name="big data").click()
    expect(page).to_have_url(re.compile(r"q=small\+businesses&theme=big-data$"))
    expect(page.locator(".active-filters")).to_contain_text("Theme: big data")
    page.locator("ol.results h2 a").first.click()
    expect(page).to_have_url(re.compile(r"/countries/mexico/#goal-1$"))
    expect(page.locator("#goal-1")).to_be_in_viewport()
