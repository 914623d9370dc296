"""Public pages run a fixed number of SQL queries, however large the content."""

from http import HTTPStatus

import pytest

from .factories import CitationFactory, CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db


def get(client, url):
    assert client.get(url).status_code == HTTPStatus.OK


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
# content. Each includes the one query for the content version (the cache key),
# and a page that keeps parts of what it rendered (pagecache.fragments) reads
# the version once more before it keeps them.
EXPECTED = {
    "/countries/mexico/": 5,  # country, goals, tags of goals, cited sources
    # count, page of countries, their goal counts and versions (the cards), themes,
    # countries per region and per theme
    "/countries/": 9,
    # the countries shown by region, with their counts; themes (kept: the version, then
    # the themes), goals per theme, recent
    "/": 6,
    # countries and their versions (the form), themes, goals per theme and country
    "/compare/": 6,
    "/themes/": 4,  # goals per theme, the themes
    # theme, goal count, a page of goals, their tags, cited sources, the versions of
    # the goals' countries and of the sources (their kept blocks and references)
    "/themes/economy/": 9,
    "/citations/": 5,  # count, page, the sources' versions (their kept references)
    "/citations/british-embassy-mexico-city-2018/": 3,  # source, citing countries
    # the latest change; the fullest country, then it in full with its goals, their
    # tags and its sources; the count; the list's first country and its goal count;
    # an example source, its countries and the count; the themes (goals per theme,
    # the themes)
    "/data/": 16,
}


@pytest.mark.parametrize("url", EXPECTED)
def test_query_count_does_not_grow_with_content(client, mexico, url, django_assert_num_queries):
    with django_assert_num_queries(EXPECTED[url]):
        get(client, url)
    with django_assert_num_queries(1):  # cached
        get(client, url)
    grow(mexico, goals=50, citations=50)
    with django_assert_num_queries(EXPECTED[url]):
        get(client, url)
