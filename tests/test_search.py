"""
Search (/search/?q=): ranked, marked, faceted, published content only, and an
index that follows every kind of change. Runs on SQLite (FTS5) and, in CI, on
PostgreSQL (full text search); the few backend-specific checks say which.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from chapters.importer import import_report
from chapters.reader import parse_report
from operations.synthetic import create_synthetic_content, synthetic_report
from search.models import Document
from search.query import MAX_TERMS, parse
from strategy import publishing
from strategy.models import Country
from strategy.revisions import save_revision

from .admin_forms import form_data, publish_draft
from .conftest import ON_POSTGRESQL
from .factories import CitationFactory, CountryFactory, GoalFactory
from .helpers import parse as parse_html
from .test_hostile_requests import NAUGHTY_STRINGS, errors_logged  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def search(client, q="", **filters):
    response = client.get(reverse("search:results"), {"q": q, **filters})
    return response, parse_html(response)


def results(client, q, **filters):
    """The results' addresses, best first."""
    response, page = search(client, q, **filters)
    assert response.status_code == 200, response.content[:500]
    return [a["href"] for a in page.select("ol.results h2 a")]


def facet(page, heading):
    """A facet's options: name -> (count, link)."""
    for h2 in page.select("aside.facets h2"):
        if h2.get_text(strip=True) == heading:
            return {
                li.a.get_text(strip=True): (int(li.select_one(".count").get_text()), li.a["href"])
                for li in h2.find_next_sibling("ul").select("li")
            }
    return {}


def goal(country, title, description, themes=()):
    made = GoalFactory(country=country, title=title, description=description)
    made.tags.add(*themes)
    return made


def test_a_country_s_name_ranks_above_a_passing_mention(client):
    other = CountryFactory(
        name="Elbonia", vision="Unlike Freedonia, Elbonia will build datacentres."
    )
    goal(other, "Trade with neighbours", "Export models to Freedonia and beyond.")
    freedonia = CountryFactory(name="Freedonia", vision="A vision of robots.")
    found = results(client, "freedonia")
    assert found[0] == freedonia.get_absolute_url()
    assert set(found) == {
        freedonia.get_absolute_url(),
        other.get_absolute_url(),
        f"{other.get_absolute_url()}#goal-{other.goals.get().position}",
    }


def test_a_goal_title_ranks_above_the_same_word_in_body_text(client):
    country = CountryFactory(name="Elbonia")
    body = goal(country, "Skills for everyone", "Train nurses in quantum robotics.")
    titled = goal(country, "Quantum computing", "Build a national lab.")
    assert results(client, "quantum") == [titled.get_absolute_url(), body.get_absolute_url()]


def test_snippets_mark_the_matched_words_and_escape_everything_else(client):
    country = CountryFactory(name="Elbonia")
    goal(
        country, "Small <b>firms</b>", 'Help <script>alert("x")</script> small businesses adopt AI.'
    )
    _, page = search(client, "business")
    result = page.select_one("ol.results li")
    assert [m.get_text() for m in result.select(".snippet mark")] == ["businesses"]
    assert page.select_one("main script") is None and result.select_one("b") is None
    assert '<script>alert("x")</script>' in result.select_one(".snippet").get_text()
    assert result.h2.get_text(strip=True) == "Small <b>firms</b>"


def test_stemming_and_phrases_and_exclusions(client):
    country = CountryFactory(name="Elbonia")
    a = goal(country, "One", "Regulating autonomous vehicles on public roads.")
    b = goal(country, "Two", "Public vehicles and autonomous regulation of data.")
    assert set(results(client, "regulate vehicle")) == {a.get_absolute_url(), b.get_absolute_url()}
    assert results(client, '"autonomous vehicles"') == [a.get_absolute_url()]
    assert results(client, "vehicles -data") == [a.get_absolute_url()]
    assert set(results(client, "roads or data")) == {a.get_absolute_url(), b.get_absolute_url()}


def test_sources_are_found_by_title_and_author(client):
    source = CitationFactory(title="Readiness index of robots", authors="Oxford Insights")
    CountryFactory(name="Elbonia", vision=f"Cited here.[^{source.key}]").sync_citations()
    uncited = CitationFactory(title="Unrelated robots survey")
    assert results(client, "readiness") == [source.get_absolute_url()]
    assert results(client, "oxford insights") == [source.get_absolute_url()]
    assert uncited.get_absolute_url() not in results(client, "robots")


def test_facets_count_matches_by_region_and_theme_and_combine(client):
    europe = CountryFactory(name="Elbonia", region=Country.Region.EUROPE_CENTRAL_ASIA)
    africa = CountryFactory(name="Wakanda", region=Country.Region.SUB_SAHARAN_AFRICA)
    goal(europe, "Robots one", "Robots at work.", ["industry"])
    goal(europe, "Robots two", "Robots at home.", ["health"])
    goal(africa, "Robots three", "Robots in clinics.", ["health"])

    _, page = search(client, "robots")
    regions, themes = facet(page, "Region"), facet(page, "Theme")
    assert {name: count for name, (count, _) in regions.items()} == {
        "Europe and Central Asia": 2,
        "Sub-Saharan Africa": 1,
    }
    assert {name: count for name, (count, _) in themes.items()} == {"health": 2, "industry": 1}

    # A facet is a link that keeps the query; following it narrows the results.
    link = themes["health"][1]
    assert "q=robots" in link and "theme=health" in link
    response = client.get(reverse("search:results") + link)
    page = parse_html(response)
    assert len(page.select("ol.results li")) == 2
    assert {n: c for n, (c, _) in facet(page, "Region").items()} == {
        "Europe and Central Asia": 1,
        "Sub-Saharan Africa": 1,
    }
    # Both filters at once, and a link to drop each.
    both = results(client, "robots", theme="health", region="sub-saharan-africa")
    assert both == [africa.goals.get().get_absolute_url()]
    _, page = search(client, "robots", theme="health", region="sub-saharan-africa")
    removes = [a["href"] for a in page.select(".active-filters a")]
    assert removes == ["?q=robots&theme=health", "?q=robots&region=sub-saharan-africa"]


def test_results_are_paginated_keeping_the_query(client):
    country = CountryFactory(name="Elbonia")
    for n in range(25):
        goal(country, f"Robots {n}", "Robots everywhere.")
    _, page = search(client, "robots")
    assert "25 results" in page.select_one(".result-count").get_text()
    assert len(page.select("ol.results li")) == 20
    following = page.select_one('a[rel="next"]')["href"]
    assert following == "?q=robots&page=2"
    page = parse_html(client.get(reverse("search:results") + following))
    assert len(page.select("ol.results li")) == 5
    assert page.select_one("ol.results")["start"] == "21"
    assert client.get(reverse("search:results"), {"q": "robots", "page": "9"}).status_code == 404


def test_no_results_suggests_themes_and_dropping_filters(client, mexico):
    response, page = search(client, "zyxwvut")
    assert response.status_code == 200
    assert "0 results" in page.select_one(".result-count").get_text()
    suggested = [a["href"] for a in page.select(".suggestions a")]
    assert reverse("strategy:country_list") in suggested
    assert any(href.startswith("/themes/") and href != "/themes/" for href in suggested)
    _, page = search(client, "zyxwvut", region="latin-america-caribbean")
    assert "?q=zyxwvut" in [a["href"] for a in page.select(".search-results a")]


def test_unknown_filters_and_empty_queries_say_so(client, mexico):
    response, page = search(client, "data", region="atlantis")
    assert response.status_code == 404
    assert "no region “atlantis”" in page.select_one(".notice").get_text()
    response, page = search(client, "data", theme="no-such-theme")
    assert response.status_code == 404
    response, page = search(client, "")
    assert response.status_code == 200 and page.select_one("ol.results") is None
    response, page = search(client, "-data ,;")
    assert response.status_code == 200
    assert "Type a word" in page.select_one(".notice").get_text()


def test_every_page_has_one_labelled_search_form(client, mexico):
    pages = {
        "/countries/mexico/": "header search form",
        "/themes/": "header search form",
        "/citations/": "header search form",
        "/compare/": "header search form",
        "/": "main search form",  # the home page leads with it
        "/search/?q=data": "main search form",
    }
    for url, where in pages.items():
        page = parse_html(client.get(url))
        assert len(page.select("search form")) == 1, url
        form = page.select_one(where)
        assert form["action"] == reverse("search:results") and form["method"] == "get", url
        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for={field['id']}]"), url


def test_result_pages_are_not_kept_by_the_page_cache(client, mexico):
    response, _ = search(client, "data")
    assert "private" in response["Cache-Control"]


# Published content only -----------------------------------------------------


def test_unpublished_countries_are_never_found(client):
    CountryFactory(name="Secretland", status=Country.Status.DRAFT, vision="Zeppelins.")
    assert results(client, "zeppelins") == []
    assert results(client, "secretland") == []
    assert not Document.objects.filter(title="Secretland").exists()


def test_publish_then_unpublish(client, manager_user):
    country = CountryFactory(name="Elbonia", status=Country.Status.DRAFT, vision="Zeppelins.")
    goal(country, "Airships", "Zeppelins for freight.", ["transport"])
    assert results(client, "zeppelins") == []
    publishing.publish(country, user=manager_user)
    assert len(results(client, "zeppelins")) == 2
    publishing.unpublish(Country.objects.get(pk=country.pk), user=manager_user)
    assert results(client, "zeppelins") == []
    _, page = search(client, "freight")
    assert facet(page, "Theme") == {}


@pytest.mark.published_mexico
def test_a_working_draft_s_words_are_found_only_once_published(
    client, mexico, editor_client, manager_client
):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(editor_client.get(url), "country_form")
    data["vision"] = data["vision"] + " Quokkas everywhere."
    assert editor_client.post(url, data).status_code == 302
    assert results(client, "quokkas") == []
    publish_draft(manager_client, mexico)
    assert results(client, "quokkas") == [mexico.get_absolute_url()]


# The index follows every change ---------------------------------------------


def test_the_index_follows_edits_of_goals_themes_and_sources(client):
    country = CountryFactory(name="Elbonia")
    made = goal(country, "Airships", "Zeppelins for freight.")
    made.title, made.description = "Hovercraft", "Cushions of air."
    made.save()
    assert results(client, "zeppelins") == [] and results(client, "hovercraft")
    made.tags.add("transport")
    _, page = search(client, "hovercraft")
    assert "transport" in facet(page, "Theme")
    made.tags.remove("transport")
    _, page = search(client, "hovercraft")
    assert facet(page, "Theme") == {}
    made.delete()
    assert results(client, "hovercraft") == []

    source = CitationFactory(title="Old title")
    country.vision = f"Cited.[^{source.key}]"
    country.save()
    country.sync_citations()
    assert results(client, "old title") == [source.get_absolute_url()]
    source.title = "Renamed report"
    source.save()
    assert results(client, "old title") == [] and results(client, "renamed report")
    country.vision = "Cites nothing now."
    country.save()
    country.sync_citations()
    assert results(client, "renamed report") == []


def test_the_index_follows_a_country_s_rename_and_deletion(client):
    country = CountryFactory(name="Elbonia")
    goal(country, "Airships", "Zeppelins.")
    country.name = "Freedonia"
    country.save()
    assert results(client, "freedonia")[0] == country.get_absolute_url()
    assert results(client, "elbonia") == []
    country.delete()
    assert results(client, "freedonia") == [] and results(client, "zeppelins") == []
    assert not Document.objects.exists()


def test_the_index_follows_a_restore(client, editor_user):
    country = CountryFactory(name="Elbonia")
    made = goal(country, "Airships", "Zeppelins.")
    save_revision(country, user=editor_user, comment="First")
    made.description = "Hovercraft."
    made.save()
    save_revision(country, user=editor_user, comment="Second")
    assert results(client, "zeppelins") == []
    Version.objects.get_for_object(country).order_by("pk").first().revision.revert(delete=True)
    assert results(client, "zeppelins") == [made.get_absolute_url()]
    assert results(client, "hovercraft") == []


def test_the_index_follows_an_import(client):
    import_report(
        parse_report(synthetic_report(chapters=2, goals=1)), publish=True, waive_missing=True
    )
    assert Country.objects.published().count() == 2
    found = results(client, '"synthetic country 02"')
    assert found[0] == Country.objects.get(name="Synthetic country 02").get_absolute_url()


def test_the_rebuild_command_writes_the_same_index(client, mexico):
    country = CountryFactory(name="Elbonia")
    goal(country, "Airships", "Zeppelins.", ["transport"])

    def everything():
        return sorted(
            (
                d.kind,
                d.title,
                d.context,
                d.body,
                d.url,
                d.region,
                tuple(t.name for t in d.themes.all()),
            )
            for d in Document.objects.prefetch_related("themes")
        )

    kept = everything()
    Document.objects.all().delete()
    assert results(client, "zeppelins") == []
    call_command("rebuild_search_index", verbosity=0)
    assert everything() == kept
    assert results(client, "zeppelins")


# Hostile input --------------------------------------------------------------


def test_hostile_queries_never_fail(client, mexico, errors_logged):  # noqa: F811
    queries = [
        *NAUGHTY_STRINGS,
        "a" * 10_000,
        "data " * 2_000,
        'NEAR(data AI, 2) "unterminated',
        "data* ^AI title:data {data} (data OR) AND NOT - -- \" ' : * + | & ! <-> \\",
        "OR OR OR",
        '""',
    ]
    for q in queries:
        for extra in ({}, {"region": "latin-america-caribbean"}, {"theme": "economy"}):
            response = client.get(reverse("search:results"), {"q": q, **extra})
            assert response.status_code in (200, 400), (q[:80], response.status_code)
    assert errors_logged() == []


def test_long_queries_are_shortened_and_say_so(client, mexico):
    query = parse(" ".join(f"word{n}" for n in range(100)))
    assert sum(len(term.words) for group in query.groups for term in group) == MAX_TERMS
    assert query.shortened
    _, page = search(client, " ".join(["data"] * 100))
    assert "Only the first words" in page.select_one(".result-count").get_text()


# Backends and queries -------------------------------------------------------


def test_the_database_s_own_full_text_search_is_used():
    with connection.cursor() as cursor:
        if ON_POSTGRESQL:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_vector'"
            )
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_document_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()


def count_queries(client, **parameters):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search:results"), parameters)
    assert response.status_code == 200
    return len(captured)


SEARCHES = {
    "plain": {"q": "data"},
    "filtered": {"q": "data", "region": "latin-america-caribbean", "theme": "economy"},
    "nothing": {"q": "zyxwvut"},
}
# The content version (page cache), then the facets (and count) and the page; a
# theme filter adds its lookup; with no results, the suggested themes (goals
# per theme, the themes, kept after reading the version again) replace the page.
QUERIES = {"plain": 3, "filtered": 4, "nothing": 5}


def test_search_runs_the_same_queries_at_fixture_size_and_with_300_countries(client, mexico):
    small = {name: count_queries(client, **p) for name, p in SEARCHES.items()}
    create_synthetic_content(countries=300, goals_per_country=12, citations=1000, themes=60)
    assert Document.objects.filter(kind=Document.Kind.GOAL).count() >= 300 * 12
    large = {name: count_queries(client, **p) for name, p in SEARCHES.items()}
    assert small == QUERIES
    assert large == QUERIES
    assert len(results(client, "synthetic")) == 20


def test_error_pages_and_filters_read_right(client, mexico):
    # The chosen region is named even when nothing in it matches.
    _, page = search(client, "mexico", region="south-asia")
    assert "Region: South Asia" in page.select_one(".active-filters").get_text(" ", strip=True)
    # A 404 names no canonical address; a malformed page is a 404 without a query too.
    response, page = search(client, "data", region="nowhere")
    assert response.status_code == 404 and page.select_one('link[rel="canonical"]') is None
    assert client.get(reverse("search:results"), {"page": "abc"}).status_code == 404


def test_a_word_is_found_however_its_characters_are_spelled(client, mexico):
    composed = results(client, "México")
    assert composed
    assert results(client, "Me\u0301xico") == composed  # a combining accent, as macOS may send it
    assert results(client, "\uff2d\uff45\uff58\uff49\uff43\uff4f")  # full-width letters
