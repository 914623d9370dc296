"""
With the full synthetic dataset loaded (300 countries x 12 goals, 1,000 sources,
60 themes), every public page and admin changelist runs exactly as many SQL
queries as with the Mexico fixture alone.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations.synthetic import create_synthetic_content

pytestmark = pytest.mark.django_db

# Rendered afresh; those keeping what they rendered read the version once more.
PUBLIC = {
    "/countries/mexico/": 5,
    "/countries/": 9,
    "/countries/?region=latin-america-caribbean": 9,
    "/": 6,
    "/themes/": 4,
    "/themes/economy/": 9,
    "/citations/": 5,
    "/citations/british-embassy-mexico-city-2018/": 3,
    "/compare/": 6,
    "/search/?q=mexico": 3,  # found at both sizes: the version, the facets, the page
}

# Includes the session and user lookups of a logged-in request.
ADMIN = {
    "admin:strategy_country_changelist": 5,
    "admin:strategy_goal_changelist": 7,
    "admin:citations_citation_changelist": 6,
}


def count(client, url, *, afresh=False):
    if afresh:  # rendered from nothing kept: the page cache and its fragments cleared
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_public_pages_and_admin_changelists_at_scale(client, admin_client, mexico):
    small = {url: count(client, url, afresh=True) for url in PUBLIC}
    small_admin = {name: count(admin_client, reverse(name)) for name in ADMIN}

    create_synthetic_content(countries=300, goals_per_country=12, citations=1000, themes=60)
    large = {url: count(client, url, afresh=True) for url in PUBLIC}
    large_admin = {name: count(admin_client, reverse(name)) for name in ADMIN}

    assert small == PUBLIC
    assert large == PUBLIC
    assert small_admin == ADMIN
    assert large_admin == ADMIN
