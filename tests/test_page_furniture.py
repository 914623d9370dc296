"""What every page carries around its content: header, footer, breadcrumbs, contents."""

import pytest
from django.utils import timezone

from citations.models import Citation
from strategy.models import Country

from .helpers import PUBLIC_PAGES, parse

pytestmark = pytest.mark.django_db

PAGES = [*PUBLIC_PAGES, "/countries/atlantis/"]  # and the page-not-found page


@pytest.mark.parametrize("url", PAGES)
def test_every_page_names_the_site_the_licence_and_where_it_was_read(client, mexico, url):
    page = parse(client.get(url))
    assert page.select_one("header.site-header a.site-name")["href"] == "/"
    nav = page.find("nav", attrs={"aria-label": "Main"})
    assert [a["href"] for a in nav.find_all("a")] == [
        "/countries/",
        "/themes/",
        "/compare/",
        "/citations/",
    ]
    footer = page.select_one("footer.site-footer")
    assert footer.find("a", rel="license")["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert footer.select_one(".print-only").get_text() == f"Printed from http://testserver{url}"
    # No inline styles or scripts, so a strict Content-Security-Policy holds.
    # (schema.org data blocks are data, which browsers never run.)
    inline = [script for script in page.find_all("script") if not script.get("src")]
    assert [script for script in inline if script.get("type") != "application/ld+json"] == []
    assert page.find_all("style") == []
    assert page.select("[style]") == []


def footer_updated(client, url):
    time = parse(client.get(url)).select_one("footer.site-footer .updated time")
    return time and time["datetime"]


def test_footer_says_when_the_content_was_last_updated(client, mexico):
    # A change the public does not see (saved while a draft, say) moves the
    # country's updated_at, not the date its pages give.
    Country.objects.filter(pk=mexico.pk).update(updated_at=timezone.now())
    mexico.refresh_from_db()
    assert mexico.updated_at != mexico.last_published_change
    source = Citation.objects.get(key="british-embassy-mexico-city-2018")
    published = mexico.last_published_change.isoformat()
    assert footer_updated(client, "/countries/mexico/") == published
    assert footer_updated(client, "/") == published
    assert footer_updated(client, source.get_absolute_url()) == source.updated_at.isoformat()
    # Lists have no single date to give.
    assert footer_updated(client, "/themes/") is None


def test_country_contents_list_leads_to_each_part_of_the_page(client, mexico):
    page = parse(client.get("/countries/mexico/"))
    contents = page.find("nav", attrs={"aria-label": "On this page"})
    targets = [a["href"] for a in contents.find_all("a")]
    assert targets == [
        "#vision-heading",
        "#goals-heading",
        "#goal-1",
        "#goal-2",
        "#goal-3",
        "#conclusion-heading",
        "#notes-heading",
        "#cite-heading",
    ]
    for target in targets:
        assert page.find(id=target.removeprefix("#")) is not None, target


@pytest.mark.parametrize(
    ("url", "trail"),
    [
        ("/countries/mexico/", ["Home", "Countries", "Mexico"]),
        ("/themes/health/", ["Home", "Themes", "health"]),
        (
            "/citations/british-embassy-mexico-city-2018/",
            ["Home", "Sources", "TOWARDS AN AI STRATEGY IN MEXICO"],  # its title, not its key
        ),
    ],
)
def test_breadcrumbs_lead_back_up_and_mark_the_current_page(client, mexico, url, trail):
    crumbs = parse(client.get(url)).find("nav", attrs={"aria-label": "Breadcrumb"}).find_all("a")
    assert [a.get_text() for a in crumbs] == trail
    assert crumbs[-1]["href"] == url
    assert crumbs[-1]["aria-current"] == "page"
    assert [a.get("aria-current") for a in crumbs[:-1]] == [None] * (len(trail) - 1)
