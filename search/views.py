from http import HTTPStatus
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.cache import patch_cache_control

from strategy.models import Country
from strategy.themes import published_themes_with_counts, with_addresses
from web.views import page_number, page_of, public_view

from .results import UnknownFilter, search

PARAMETERS = ("q", "region", "theme", "page")


def address(**parameters):
    """The query string of a search page, keeping only the parameters that are set."""
    return urlencode({name: value for name, value in parameters.items() if value})


@public_view(query=PARAMETERS)
def search_page(request):
    """
    ``/search/?q=``: published countries, goals and sources that match, best
    first, narrowed by ``region`` and ``theme``. Result pages are marked
    private: the page cache keeps only the pages the site links to, and any
    words can be searched.
    """
    text = request.GET.get("q", "")
    region = request.GET.get("region", "")
    theme = request.GET.get("theme", "")
    status = HTTPStatus.OK
    problem = None
    page_number(request.GET.get("page"))  # a malformed page is a 404 even without a query
    try:
        found, page = search(
            text, region=region, theme=theme, page_value=request.GET.get("page"), page_of=page_of
        )
    except UnknownFilter as error:
        found, page, problem, status = None, None, str(error), HTTPStatus.NOT_FOUND
    shown = " ".join(text.split())[:500]
    context = {"text": shown, "q_only": address(q=shown), "found": found, "page_obj": page}
    if found is not None:
        query = found.query.text
        context.update(
            query=address(q=query, region=region, theme=theme),
            without_region=address(q=query, theme=theme),
            without_theme=address(q=query, region=region),
            region_label=dict(Country.Region.choices).get(region, ""),
            regions=[
                {**row, "address": address(q=query, region=row["value"], theme=theme)}
                for row in found.regions
            ],
            themes=[
                {**row, "address": address(q=query, region=region, theme=row["slug"])}
                for row in found.themes
            ],
        )
        if found.query.is_empty or not found.total:
            themes = published_themes_with_counts()
            popular = sorted(themes, key=lambda theme: -theme.goal_count)[:8]
            context["suggested_themes"] = with_addresses(popular)
    context["problem"] = problem
    if problem:
        context["canonical_address"] = ""  # an error page has no canonical address
    response = render(request, "search/results.html", context, status=status)
    if text:
        patch_cache_control(response, private=True)
    return response
