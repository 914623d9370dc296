"""Public pages run a fixed number of SQL queries, however large the content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import CitationFactory, CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(country, goals, citations):
    """Give ``country`` many goals, each citing a source and carrying themes."""
    sources = [CitationFactory() for _ in range(citations)]
    start = country.goals.count()
    for index in range(goals):
        source = sources[index % citations]
        GoalFactory(
            country=country,
            position=start + index + 1,
            description=f"Goal text.[^{source.key}]",
            tags=[f"theme-{index % 7}", "economy"],
        )
    for _ in range(goals):
        CountryFactory()
    country.sync_citations()


# Expected counts of a page rendered afresh, fixed whatever the size of the
# content. Each includes the one query for the content version (the cache key).
EXPECTED = {
    "/countries/mexico/": 5,  # country, goals, tags of goals, cited sources
    "/countries/": 4,  # count, page of countries, themes for the filter
    "/": 5,  # countries, countries by region, recent countries, themes
    "/themes/": 2,
    "/themes/economy/": 6,  # theme, goal count, a page of goals, their tags, cited sources
    "/citations/": 3,  # count, page
    "/citations/british-embassy-mexico-city-2018/": 3,  # source, citing countries
}


@pytest.mark.parametrize("url", EXPECTED)
def test_query_count_does_not_grow_with_content(client, mexico, url):
    small = queries(client, url)
    cached = queries(client, url)
    grow(mexico, goals=50, citations=50)
    large = queries(client, url)
    assert (small, cached, large) == (EXPECTED[url], 1, EXPECTED[url])
