"""Atom feeds, the sitemap and robots.txt, read back with real parsers."""

import xml.etree.ElementTree as ET
from http import HTTPStatus

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from strategy.models import Country

from .admin_forms import error_text, form_data, publish_draft
from .factories import CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def feed(path):
    response = Client().get(path)
    assert response.status_code == HTTPStatus.OK, path
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def publish_change(client, country, summary):
    url = reverse("admin:strategy_country_change", args=[country.pk])
    data = form_data(client.get(url), "country_form")
    data.update(vision=f"{summary} vision.", change_summary=summary)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    publish_draft(client, country)


def test_feeds_list_published_changes_and_never_drafts(mexico, manager_client):
    secret = CountryFactory(name="Atlantis", slug="atlantis", status=Country.Status.DRAFT)
    GoalFactory(country=secret, tags=["health"])
    publish_change(manager_client, mexico, "Budget figures updated")
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(manager_client.get(url), "country_form")
    data.update(change_summary="A summary not yet published")
    manager_client.post(url, data)  # saved as a working draft only

    everything = feed("/feed/")
    titles = [entry.title for entry in everything.entries]
    assert titles[:2] == ["Mexico: version 2", "Mexico: version 1"]
    assert everything.entries[0].summary == "Budget figures updated"
    assert everything.entries[0].link.endswith("/countries/mexico/versions/2/")
    assert everything.entries[0].updated_parsed is not None
    text = str(everything)
    assert "Atlantis" not in text and "not yet published" not in text

    assert [e.title for e in feed("/countries/mexico/feed/").entries] == titles[:2]
    theme = mexico.goals.first().tags.first()
    assert feed(f"/themes/{theme.slug}/feed/").entries[0].title == "Mexico: version 2"
    assert Client().get("/countries/atlantis/feed/").status_code == HTTPStatus.NOT_FOUND
    page = Client().get("/countries/mexico/").content.decode()
    assert 'type="application/atom+xml"' in page and "/countries/mexico/feed/" in page


def test_the_sitemap_lists_every_public_page_with_lastmod(mexico):
    CountryFactory(name="Atlantis", slug="atlantis", status=Country.Status.DRAFT)
    response = Client().get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)  # noqa: S314 -- the site's own sitemap
    entries = {
        url.find("s:loc", SITEMAP_NS).text.removeprefix("http://testserver"): url.find(
            "s:lastmod", SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }
    expected = ["/", "/countries/", "/themes/", "/citations/", "/countries/mexico/"]
    expected += ["/countries/mexico/versions/1/", "/citations/secretaria-de-hacienda-2017/"]
    for path in expected:
        assert path in entries, path
        assert entries[path] is not None and entries[path].text.startswith("20"), path
    theme = mexico.goals.first().tags.first()
    assert f"/themes/{theme.slug}/" in entries
    assert not any("atlantis" in path for path in entries)


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(db):
    response = Client().get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_a_source_page_s_breadcrumbs_show_its_title(mexico):
    from citations.models import Citation

    from .helpers import parse

    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    page = parse(Client().get(citation.get_absolute_url()))
    crumbs = page.select_one("nav.breadcrumbs").get_text(" ", strip=True)
    assert citation.title[:40] in crumbs and citation.key not in crumbs


def test_a_summary_reaches_feed_readers_as_typed_and_the_feed_has_an_author(mexico, manager_client):
    typed = "Budget <b>doubled</b> for <goal 3> & R&D <img src=http://evil/p.png>"
    publish_change(manager_client, mexico, typed)
    parsed = feed("/feed/")
    assert parsed.feed.author == "AI Strategy Atlas"
    summary = parsed.entries[0].summary
    assert "<b>" not in summary.replace("&lt;b&gt;", "") and "<img" not in summary
    assert "&lt;goal 3&gt;" in summary  # an escaped text, shown by readers as typed


def test_an_expired_form_gets_a_styled_page(manager_user):
    from django.test import Client as CsrfClient

    client = CsrfClient(enforce_csrf_checks=True)
    client.force_login(manager_user)
    response = client.post("/admin/strategy/country/1/draft/", {"step": "publish"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    from .helpers import parse

    assert parse(response).h1.get_text() == "Not sent: the form had expired"
