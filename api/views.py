"""
Read-only JSON API of published content, and a CSV of published goals.

Plain Django views: a few read-only endpoints need no more than a paginator
and ``JsonResponse``. Lists share one envelope (the one Django REST
framework uses, so clients written for it work)::

    {"count": 12, "next": "https://.../api/countries/?page=2", "previous": null,
     "results": [...]}

Field names are stable; new fields may be added, none renamed or removed.
Texts (``vision``, ``description``, ``conclusion``) are Markdown with
footnote markers ``[^key]`` that name citations by key. Drafts never appear.
Every endpoint runs a fixed number of queries, whatever the content.
"""

import csv
from functools import wraps
from http import HTTPStatus

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from citations.footnotes import find_markers
from citations.models import Citation
from strategy import languages
from strategy.models import Country, Goal, give_goal_counts
from strategy.themes import published_themes_with_counts, with_addresses
from web.addresses import absolute_url, page_address, site_address
from web.views import page_of

from . import open_data
from .openapi import openapi_description

PAGE_SIZE = 50


def api_view(view=None, *, query=()):
    """
    GET and HEAD only; errors as JSON ``{"detail": ...}`` rather than HTML
    pages (readable by scripts of any origin: ``api.middleware``); the response depends on
    the query parameters in ``query`` alone (as ``web.views.public_view``
    declares them).
    """
    if view is None:
        return lambda view: api_view(view, query=query)

    # Read-only: other methods get the 405 below, not a CSRF failure first.
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(
                {"detail": f"Method {request.method} not allowed: this API is read-only."},
                status=HTTPStatus.METHOD_NOT_ALLOWED,
            )
            response["Allow"] = "GET, HEAD"
            return response
        # ?lang=es: texts, names and page addresses in that language (English by default).
        code = request.GET.get("lang", "") or languages.default_language()
        if code not in languages.codes():
            return JsonResponse(
                {
                    "detail": f"Unknown language “{code[:20]}”: lang is one of "
                    + ", ".join(languages.codes())
                    + "."
                },
                status=HTTPStatus.BAD_REQUEST,
                json_dumps_params={"ensure_ascii": False},
            )
        try:
            with translation.override(code):
                response = view(request, *args, **kwargs)
        except Http404 as error:
            detail = str(error) if str(error) else "Not found."
            response = JsonResponse({"detail": detail}, status=HTTPStatus.NOT_FOUND)
        response.headers.setdefault("Content-Language", code)
        return response  # with its CORS headers from api.middleware

    wrapper.query_parameters = frozenset({*query, "lang"})
    return wrapper


def paginated(request, queryset, serialize, prepare=None):
    """
    One page of ``queryset`` in the list envelope; a bad ``?page=`` is a 404.
    ``prepare(items)``, when given, reads what ``serialize`` needs for the
    page's items.
    """
    page = page_of(Paginator(queryset, PAGE_SIZE), request.GET.get("page"))
    paginator = page.paginator
    items = list(page.object_list)
    if prepare is not None:
        prepare(items)

    def page_url(page_number):
        # Only the page (and the language asked for): other parameters are not
        # the API's, and stay out of its links.
        return absolute_url(request, f"{request.path}?page={page_number}{_lang_query('&')}")

    return JsonResponse(
        {
            "count": paginator.count,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(request, item) for item in items],
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- Serializers -------------------------------------------------------------


def _absolute(request, path):
    return absolute_url(request, path)


def _lang_query(separator="?"):
    """``?lang=es`` for an API address when the answer is in another language than English."""
    code = translation.get_language()
    return "" if code == languages.default_language() else f"{separator}lang={code}"


def _api_url(request, name, **kwargs):
    """An API address, in the language of this answer."""
    return _absolute(request, page_address(name, **kwargs) + _lang_query())


def citation_data(request, citation):
    return {
        "key": citation.key,
        "authors": citation.author_list,
        "year": citation.year,
        "title": citation.title,
        "subtitle": citation.subtitle,
        "publisher": citation.publisher,
        "medium": citation.medium,
        "url": citation.url,
        "accessed_on": citation.accessed_on.isoformat() if citation.accessed_on else None,
        "language": citation.language,
        "source_label": citation.source_label,
        "html_url": _absolute(request, citation.get_absolute_url()),
    }


def country_summary(request, country):
    return {
        "name": country.name,
        "slug": country.slug,
        "iso_code": country.iso_code,
        "region": country.region,
        "region_name": country.get_region_display() if country.region else "",
        "goal_count": country.goal_count,
        "published_at": country.published_at.isoformat() if country.published_at else None,
        "updated_at": country.updated_at.isoformat(),
        "url": _api_url(request, "api:country_detail", slug=country.slug),
        "html_url": _absolute(request, country.get_absolute_url()),
    }


def goal_data(goal):
    return {
        "position": goal.position,
        "title": goal.title,
        "description": goal.description,
        "themes": sorted(tag.name for tag in goal.tags.all()),
        "citations": find_markers(goal.description),
    }


def theme_data(request, theme):
    return {
        "name": theme.name,
        "slug": theme.slug,
        "goal_count": theme.goal_count,
        "html_url": _absolute(request, reverse("strategy:theme_detail", args=[theme.slug])),
    }


# --- Views -------------------------------------------------------------------


@api_view
def index(request):
    """What the API has, and where its description and documentation are."""
    return JsonResponse(
        {
            "name": f"{open_data.NAME} API",
            "description": open_data.DESCRIPTION,
            "license": {"name": open_data.LICENCE_NAME, "url": open_data.LICENCE_URL},
            "openapi": absolute_url(request, reverse("api:openapi")),
            "documentation": absolute_url(request, reverse("data")),
            "endpoints": open_data.api_endpoints(request),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@api_view
def openapi(request):
    """The OpenAPI 3.1 description of this API (``api/openapi.py``)."""
    server = site_address(request)
    return JsonResponse(openapi_description(server), json_dumps_params={"ensure_ascii": False})


# What ``country_summary`` reads of a country.
SUMMARY_FIELDS = ("pk", "name", "slug", "iso_code", "region", "published_at", "updated_at")


def country_summaries():
    """
    The published countries as ``/api/countries/`` lists them, in its order;
    ``give_goal_counts`` gives those shown their goal counts.
    """
    return (
        Country.objects.published()
        .only(*SUMMARY_FIELDS)  # not the long texts, in each language, of every country listed
        .order_by(languages.display_order(), "slug")
    )


@api_view(query=["page"])
def country_list(request):
    return paginated(request, country_summaries(), country_summary, prepare=give_goal_counts)


def published_countries_in_full():
    """Published countries with what ``country_data`` reads: goal counts, goals, tags, sources."""
    return (
        Country.objects.published()
        .annotate(goal_count=Count("goals"))
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("position").prefetch_related("tags")),
            Prefetch("citations", queryset=Citation.objects.order_by("key")),
        )
    )


@api_view
def country_detail(request, slug):
    country = get_object_or_404(published_countries_in_full(), slug=slug)
    return JsonResponse(country_data(request, country), json_dumps_params={"ensure_ascii": False})


def country_data(request, country):
    """One country in full, from ``published_countries_in_full()``."""
    goals = list(country.goals.all())
    themes = {tag.slug: tag for goal in goals for tag in goal.tags.all()}
    data = country_summary(request, country)
    data.update(
        {
            "language": languages.current(),
            "vision": country.vision,
            "conclusion": country.conclusion,
            "themes": [
                {"name": tag.name, "slug": tag.slug}
                for tag in with_addresses(sorted(themes.values(), key=lambda tag: tag.name))
            ],
            "goals": [goal_data(goal) for goal in goals],
            "citations": [citation_data(request, citation) for citation in country.citations.all()],
            "translations": translations_of(country, goals),
        }
    )
    return data


def translations_of(country, goals):
    """
    The country's texts in every language, as written: null where a text has
    not been translated (the fields above then give the English one).
    """
    return {
        code: {
            **{
                name: getattr(country, languages.column(name, code))
                for name in languages.COUNTRY_TEXTS
            },
            "goals": [
                {
                    "position": goal.position,
                    **{
                        name: getattr(goal, languages.column(name, code))
                        for name in languages.GOAL_TEXTS
                    },
                }
                for goal in goals
            ],
        }
        for code in languages.codes()
    }


def cited_citations():
    """Every source a published country cites, with those countries (``published_countries``)."""
    return (
        Citation.objects.cited()
        .order_by("key")
        .prefetch_related(
            Prefetch(
                "countries",
                queryset=Country.objects.published().order_by("name_en").only("slug"),
                to_attr="published_countries",
            )
        )
    )


def cited_citation_data(request, citation):
    """A source of ``cited_citations()``, with the slugs of the countries citing it."""
    data = citation_data(request, citation)
    data["countries"] = [country.slug for country in citation.published_countries]
    return data


@api_view(query=["page"])
def citation_list(request):
    return paginated(request, cited_citations(), cited_citation_data)


@api_view(query=["page"])
def theme_list(request):
    # Themes are few: all are read, those without an address left out
    # (``with_addresses``), and the rest paginated.
    return paginated(request, with_addresses(published_themes_with_counts()), theme_data)


# --- CSV ---------------------------------------------------------------------

# New columns go at the end, so that a spreadsheet reading columns by position
# keeps working.
CSV_COLUMNS = [
    "country",
    "position",
    "goal",
    "description",
    "themes",
    "citations",
    "iso_code",
    "region",
    "language",  # the language of the goal's texts: ?lang's, or "en" where not yet translated
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """
    A cell a spreadsheet will not run as a formula: text starting with = + - @
    (or a tab or carriage return) gets a leading apostrophe (OWASP's advice
    against CSV injection).
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@api_view
def goals_csv(request):
    """Every goal of every published country, one row each, for spreadsheets."""
    goals = (
        Goal.objects.published()
        .select_related("country")
        .prefetch_related("tags")
        .order_by(languages.display_order("country__name"), "country__slug", "position")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ai-strategy-atlas-goals.csv"'
    response.write("\ufeff")  # a byte order mark, so Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for goal in goals:
        row = [
            goal.country.name,
            goal.position,
            goal.title,
            goal.description,
            "; ".join(sorted(tag.name for tag in goal.tags.all())),
            "; ".join(find_markers(goal.description)),
            goal.country.iso_code,
            goal.country.get_region_display() if goal.country.region else "",
            languages.text(goal, "description").lang,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response
