"""
The open-data page (``/data/``): the API, the CSV and the bibliography
downloads, with real examples drawn from the published content.
"""

import json
from functools import partial

from django.shortcuts import render
from django.urls import reverse

from strategy.models import give_goal_counts
from strategy.themes import published_themes_with_counts, with_addresses
from web.addresses import absolute_url
from web.views import public_view

from . import open_data
from . import views as api

# What each column of the goals CSV holds (every column of ``api.CSV_COLUMNS``).
CSV_COLUMN_NOTES = {
    "country": "The country's name.",
    "position": "The goal's number in the country's strategy: 1, 2, 3 and so on.",
    "goal": "The goal's title.",
    "description": "The goal's text, in Markdown; [^key] cites the source with that key.",
    "themes": "The goal's themes, separated by “; ”.",
    "citations": "The keys of the sources the description cites, in order, separated by “; ”.",
    "iso_code": "The country's ISO 3166-1 alpha-2 code (MX), or empty when not set.",
    "region": "The country's World Bank region, by name, or empty when not set.",
    "language": (
        "The language of the goal's texts: the one asked for with ?lang=es, or en where "
        "the goal is not yet translated."
    ),
}

# An excerpt shows this much of a long text, and the first item of a list.
EXCERPT_CHARACTERS = 90


def excerpt(value):
    """``value`` shortened for reading: long texts cut, lists cut to their first item."""
    if isinstance(value, dict):
        return {key: excerpt(item) for key, item in value.items()}
    if isinstance(value, list):
        return [excerpt(item) for item in value[:1]]
    if isinstance(value, str) and len(value) > EXCERPT_CHARACTERS:
        return value[:EXCERPT_CHARACTERS].rstrip() + "…"
    return value


def as_json(value):
    return json.dumps(excerpt(value), indent=2, ensure_ascii=False)


def envelope(request, url_name, count, first):
    """The first page of a list, as the API gives it, with only its first item."""
    return {
        "count": count,
        "next": (
            absolute_url(request, f"{reverse(url_name)}?page=2") if count > api.PAGE_SIZE else None
        ),
        "previous": None,
        "results": [first],
    }


def api_examples(request):
    """
    (title, address, excerpt) of an answer of each JSON endpoint, from the
    content as it is; an endpoint with nothing to show yet is left out.
    """
    absolute = partial(absolute_url, request)
    examples = []
    countries = api.published_countries_in_full()
    # The list's example is its real first item; the country with the most
    # goals makes the fullest example of one country: found by its pk alone,
    # then read in full (ordering every country in full, with what it
    # prefetches, costs three times as much at 300 countries).
    fullest = countries.order_by("-goal_count", "name_en").values_list("pk", flat=True).first()
    country = countries.filter(pk=fullest).first() if fullest is not None else None
    first = api.country_summaries().first()
    if first is not None:
        give_goal_counts([first])
    if country is not None:
        data = api.country_data(request, country)
        summary = api.country_summary(request, first)
        examples.append(
            (
                "Countries",
                absolute(reverse("api:country_list")),
                envelope(request, "api:country_list", countries.count(), summary),
            )
        )
        examples.append(("One country", data["url"], data))
    citations = api.cited_citations()
    citation = citations.first()
    if citation is not None:
        examples.append(
            (
                "Sources",
                absolute(reverse("api:citation_list")),
                envelope(
                    request,
                    "api:citation_list",
                    citations.count(),
                    api.cited_citation_data(request, citation),
                ),
            )
        )
    themes = with_addresses(published_themes_with_counts())
    if themes:
        examples.append(
            (
                "Themes",
                absolute(reverse("api:theme_list")),
                envelope(
                    request, "api:theme_list", len(themes), api.theme_data(request, themes[0])
                ),
            )
        )
    return [(title, url, as_json(data)) for title, url, data in examples], country


@public_view
def data(request):
    modified = open_data.last_modified()
    examples, country = api_examples(request)
    return render(
        request,
        "api/data.html",
        {
            "dataset": open_data.dataset_json_ld(request, modified),
            "modified": modified,
            "endpoints": open_data.api_endpoints(request),
            "examples": examples,
            "example_country": country,
            "api_index": absolute_url(request, reverse("api:index")),
            "openapi_url": absolute_url(request, reverse("api:openapi")),
            "goals_csv": absolute_url(request, reverse("api:goals_csv")),
            "csv_columns": [(name, CSV_COLUMN_NOTES[name]) for name in api.CSV_COLUMNS],
            "licence_name": open_data.LICENCE_NAME,
            "licence_url": open_data.LICENCE_URL,
            "page_size": api.PAGE_SIZE,
        },
    )
