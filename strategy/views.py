from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import ListView
from taggit.models import Tag

from citations.footnotes import FootnoteRenderer, find_markers
from citations.models import Citation
from citations.views import bibliography_response

from .models import Country, CountrySlugRedirect, Goal, with_addresses

GOALS_WITH_THEMES = Prefetch("goals", queryset=Goal.objects.order_by("position").with_themes())


def published_goals():
    return Goal.objects.filter(country__in=Country.objects.published())


def published_themes():
    """Themes used by at least one published goal."""
    return Tag.objects.filter(Exists(published_goals().filter(tags=OuterRef("pk")))).order_by(
        "name"
    )


def published_themes_with_counts():
    """Published themes, each with how many published goals use it."""
    return (
        Tag.objects.filter(goal__country__in=Country.objects.published())
        .annotate(goal_count=Count("goal", distinct=True))
        .order_by("name")
    )


def cited_citations(*texts):
    """The citations that ``texts`` cite, in one query."""
    return Citation.objects.filter(key__in=find_markers("\n".join(texts)))


# The home page lists every country while they fit on it; past that it shows
# how many each region has, linking to the country list for that region.
HOME_COUNTRY_LIMIT = 30


@csrf_exempt  # read-only page: other methods get 405, not a CSRF failure
@require_safe
def home(request):
    countries = Country.objects.published()
    listed = list(countries[: HOME_COUNTRY_LIMIT + 1])
    regions = Country.Region
    by_region = [
        {"value": row["region"], "label": regions(row["region"]).label, "count": row["count"]}
        for row in countries.exclude(region="")
        .values("region")
        .annotate(count=Count("pk"))
        .order_by("region")
    ]
    return render(
        request,
        "strategy/home.html",
        {
            "countries": listed if len(listed) <= HOME_COUNTRY_LIMIT else None,
            "regions": by_region,
            "recent": countries.order_by("-last_published_change")[:5],
            "themes": with_addresses(published_themes()),
        },
    )


@method_decorator(csrf_exempt, name="dispatch")  # read-only page: other methods get 405
class CountryListView(ListView):
    http_method_names = ["get", "head"]
    template_name = "strategy/country_list.html"
    context_object_name = "countries"
    paginate_by = 50

    def get_queryset(self):
        countries = Country.objects.published().annotate(goal_count=Count("goals")).order_by("name")
        region = self.request.GET.get("region", "")
        if region in Country.Region.values:
            countries = countries.filter(region=region)
        theme = self.request.GET.get("theme", "")
        if theme:
            countries = countries.filter(goals__tags__slug=theme).distinct()
        return countries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = Country.Region.choices
        context["selected_region"] = self.request.GET.get("region", "")
        context["themes"] = with_addresses(published_themes())
        context["selected_theme"] = self.request.GET.get("theme", "")
        filters = self.request.GET.copy()
        filters.pop("page", None)
        context["query"] = filters.urlencode()
        return context


@csrf_exempt  # read-only page: other methods get 405, not a CSRF failure
@require_safe
def country_detail(request, slug):
    try:
        country = (
            Country.objects.visible_to(request.user)
            .prefetch_related(GOALS_WITH_THEMES)
            .get(slug=slug)
        )
    except Country.DoesNotExist:
        return redirect_old_slug(slug)
    goals = list(country.goals.all())
    footnotes = FootnoteRenderer(
        cited_citations(country.vision, *(goal.description for goal in goals), country.conclusion)
    )
    vision = footnotes.render(country.vision)
    rendered_goals = [(goal, footnotes.render(goal.description)) for goal in goals]
    conclusion = footnotes.render(country.conclusion)
    response = render(
        request,
        "strategy/country_detail.html",
        {
            "country": country,
            "vision": vision,
            "goals": rendered_goals,
            "conclusion": conclusion,
            "notes": footnotes.notes,
        },
    )
    if not country.is_published:
        # A draft preview is for the signed-in editor only: no shared cache keeps it.
        patch_cache_control(response, private=True, no_store=True)
    return response


def redirect_old_slug(slug):
    """A published country's former address leads, permanently, to its current one."""
    new_slug = (
        CountrySlugRedirect.objects.filter(old_slug=slug, country__in=Country.objects.published())
        .values_list("country__slug", flat=True)
        .first()
    )
    if new_slug is None:
        raise Http404("No country has this address.")
    return redirect("strategy:country_detail", slug=new_slug, permanent=True)


@csrf_exempt  # read-only page: other methods get 405, not a CSRF failure
@require_safe
def country_citations(request, slug, extension):
    """The sources a published country cites, as BibTeX, RIS or CSL-JSON."""
    country = get_object_or_404(Country.objects.published(), slug=slug)
    citations = country.citations.order_by("key")
    return bibliography_response(citations, f"{country.slug}-citations", extension)


@csrf_exempt  # read-only page: other methods get 405, not a CSRF failure
@require_safe
def theme_list(request):
    themes = with_addresses(published_themes_with_counts())
    return render(request, "strategy/theme_list.html", {"themes": themes})


THEME_GOALS_PER_PAGE = 20


@csrf_exempt  # read-only page: other methods get 405, not a CSRF failure
@require_safe
def theme_detail(request, slug):
    theme = get_object_or_404(published_themes(), slug=slug)
    goals = (
        published_goals()
        .filter(tags=theme)
        .select_related("country")
        .with_themes()
        .order_by("country__name", "position")
    )
    paginator = Paginator(goals, THEME_GOALS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page of this theme.") from None
    goals = list(page.object_list)
    footnotes = FootnoteRenderer(cited_citations(*(goal.description for goal in goals)))
    rendered_goals = [(goal, footnotes.render(goal.description)) for goal in goals]
    return render(
        request,
        "strategy/theme_detail.html",
        {
            "theme": theme,
            "goals": rendered_goals,
            "notes": footnotes.notes,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
        },
    )
