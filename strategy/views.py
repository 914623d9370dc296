import functools
import hashlib
from collections import Counter
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps import views as sitemaps_views
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control

from citations.footnotes import FootnoteRenderer, find_markers, plain_summary
from citations.models import Citation
from citations.views import bibliography_response, keep_references
from pagecache.fragments import kept, rendered_rows
from web.addresses import absolute_url
from web.views import PublicListView, page_of, public_view

from . import comparison, languages, page_citation, page_scopes, versions
from .models import Country, CountrySlugRedirect, Goal, give_goal_counts, may_preview
from .regions import countries_by_region
from .sitemaps import SITEMAPS
from .themes import published_themes, published_themes_with_counts, shown_themes, with_addresses

GOALS_WITH_THEMES = Prefetch("goals", queryset=Goal.objects.order_by("position").with_themes())


def cited_citations(*texts):
    """The citations that ``texts`` cite, in one query."""
    return Citation.objects.filter(key__in=find_markers("\n".join(texts)))


# The home page's map of regions lists this many countries in each region;
# past that, the region's box links to the country list for the rest.
HOME_REGION_LIMIT = 12
# The home page shows the whole themes-by-countries matrix while the countries
# fit across it; past that, a summary of each theme linking to /compare/.
HOME_MATRIX_COUNTRIES = 6
# /compare/ shows the matrix this many countries across at a time, a page of
# the countries (of one region, if chosen) after another.
MATRIX_COUNTRIES_PER_PAGE = 12


@public_view
def home(request):
    published = Country.objects.published()
    regions, shown = countries_by_region(published, HOME_REGION_LIMIT)
    count = sum(region["count"] for region in regions)
    compact = count > HOME_MATRIX_COUNTRIES
    # Not compact, every country is among those the map shows (fewer than its
    # limit in any region): the matrix's columns.
    countries = [] if compact else shown
    themes = shown_themes()
    return render(
        request,
        "strategy/home.html",
        {
            "countries": countries,
            "country_count": count,
            "regions": regions,
            "matrix": comparison.theme_matrix(countries, themes, cells=not compact),
            "compact_matrix": compact,
            "recent": published.order_by("-last_published_change")[:5],
            "themes": themes,
        },
    )


class CountryListView(PublicListView):
    """
    Published countries, narrowed by ``?region=`` and ``?theme=``. A region or
    theme the atlas does not have is answered 404, with the page saying so.
    """

    template_name = "strategy/country_list.html"
    context_object_name = "countries"
    paginate_by = 50
    query_parameters = frozenset({"region", "theme", "page"})

    def get(self, request, *args, **kwargs):
        self.region = request.GET.get("region", "")
        self.theme = request.GET.get("theme", "")
        self.themes = shown_themes()
        self.problem = self.filter_problem()
        response = super().get(request, *args, **kwargs)
        if self.problem:
            response.status_code = HTTPStatus.NOT_FOUND
        return response

    def filter_problem(self):
        if self.region and self.region not in Country.Region.values:
            return f"The atlas has no region “{self.region[:60]}”."
        if self.theme and not any(theme.slug == self.theme for theme in self.themes):
            return f"No published goal has the theme “{self.theme[:60]}”."
        return ""

    def get_queryset(self):
        if self.problem:
            return Country.objects.none()
        # Each country's goal count is read for the cards to be rendered only
        # (``give_goal_counts``): counted in this query, it would be counted for
        # every country, for the page and for the paginator's count.
        countries = (
            Country.objects.published()
            .only("pk", "name", "slug", "region")  # what a card shows
            .order_by(languages.display_order(), "slug")
        )
        if self.region:
            countries = countries.filter(region=self.region)
        if self.theme:
            countries = countries.filter(goals__tags__slug=self.theme).distinct()
        return countries

    def option_counts(self):
        """
        How many published countries each region and each theme would list,
        with the other filter kept (two queries, whatever the number of
        countries): ({region: count}, {theme slug: count}).
        """
        if self.problem:
            return {}, {}
        published = Country.objects.published()
        in_theme = published.filter(goals__tags__slug=self.theme) if self.theme else published
        by_region = dict(
            in_theme.order_by()
            .values_list("region")
            .annotate(count=Count("pk", distinct=True))
            .values_list("region", "count")
        )
        in_region = published.filter(region=self.region) if self.region else published
        by_theme = dict(
            Goal.objects.filter(country__in=in_region)
            .order_by()
            .values_list("tags__slug")
            .annotate(count=Count("country", distinct=True))
            .values_list("tags__slug", "count")
        )
        return by_region, by_theme

    def filters_form(self):
        """
        The filters' form, each option with how many countries it lists: kept
        rendered under the site's version, as the counts are of every
        country; a filter the atlas does not have is shown as typed, uncounted.
        """

        def render():
            by_region, by_theme = self.option_counts()
            return render_to_string(
                "strategy/country_filters.html",
                {
                    "regions": [
                        (value, label, by_region.get(value, 0))
                        for value, label in Country.Region.choices
                    ],
                    "selected_region": self.region,
                    "themes": [(theme, by_theme.get(theme.slug, 0)) for theme in self.themes],
                    "selected_theme": self.theme,
                    "filtered": bool(self.region or self.theme),
                    "problem": self.problem,
                },
            )

        if self.problem:
            return render()
        # The filters are known values here (``filter_problem``).
        name = f"country-list-filters:{languages.current()}:{self.region}:{self.theme}"
        return kept(name, render)  # rendered HTML: a SafeString, in the cache too

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = {"region": self.region, "theme": self.theme}
        context.update(
            filters=self.filters_form(),
            filtered=bool(self.region or self.theme),
            problem=self.problem,
            cards=rendered_rows(
                "strategy/country_card.html",
                context["countries"],
                name="country",
                scope_of=lambda country: page_scopes.country_scope(country.slug),
                key_of=lambda country: country.pk,
                prepare=give_goal_counts,
            ),
            # Pagination links keep the filters, and nothing else.
            query=urlencode({name: value for name, value in filters.items() if value}),
        )
        return context


@public_view(scope=page_scopes.view_scope)
def country_detail(request, slug):
    try:
        country = Country.objects.visible_to(request.user).get(slug=slug)
    except Country.DoesNotExist:
        return redirect_old_slug(slug)
    if country.is_published:
        country = _working_draft_for(request.user, country)
    context = {}
    public = country.is_published and not country.is_working_draft
    if public:
        context = citable_page_context(request, country)

    def goals():
        return list(country.goals.order_by("position").with_themes())

    # The public page's parts are kept under the version of the content it
    # shows (pagecache: the country's own), so a page rendered again (another
    # address, the page cache off or full) reuses them until the country changes.
    stamp = getattr(request, "content_stamp", None) if public else None
    response = render_country(request, country, goals, fragment_stamp=stamp, **context)
    if not country.is_published:
        # A draft preview is for the signed-in editor only: no shared cache keeps it.
        patch_cache_control(response, private=True, no_store=True)
    return response


@dataclass
class ShownGoal:
    """A goal as its country's page shows it, in the page's language."""

    goal: object
    title: languages.Text
    description: languages.Text
    html: str

    def __getattr__(self, name):
        return getattr(self.goal, name)


def render_country(request, country, goals, *, fragment_stamp=None, **context):
    """
    A country's page, in the active language: its text with numbered
    footnotes, its goals, its sources. A text not yet translated is shown in
    English and marked so (``languages.Text.fallback``). ``goals`` is the
    list of its goals or a function that reads them.

    The parts that cost (the goals, the footnotes, the page's metadata) are
    made only when the template shows them: with ``fragment_stamp`` (the
    version of the country's content) the template keeps the rendered parts
    in the cache (``{% cache %}``, ``settings.FRAGMENT_CACHE_SECONDS``) under
    that version, the language and the site's address, and shows them from
    there while the country is unchanged.
    """

    @functools.cache
    def profile():
        return country_profile(country, goals() if callable(goals) else goals, context)

    def part(name):
        return lambda: profile()[name]

    language = languages.current()
    keep = fragment_stamp is not None and settings.FRAGMENT_CACHE_SECONDS
    page = {
        "country": country,
        "name": languages.text(country, "name"),
        "citable": "page_reference" in context,
        "page_language": language,
        # What the kept parts are kept under, with the country's pk; None: not kept.
        "fragment_key": (
            f"{fragment_stamp} {language} {context.get('site_address', '')}" if keep else None
        ),
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
        **{name: part(name) for name in PROFILE_PARTS},
        **context,
    }
    return render(request, "strategy/country_detail.html", page)


# What ``country_profile`` makes, each shown by the template only when needed.
PROFILE_PARTS = (
    "vision",
    "vision_text",
    "goals",
    "conclusion",
    "conclusion_text",
    "notes",
    "translated",
    "untranslated",
    "article",
)


def country_profile(country, goals, context):
    """The rendered texts, goals and sources of a country's page (``render_country``)."""
    vision = languages.text(country, "vision")
    conclusion = languages.text(country, "conclusion")
    shown = [
        (goal, languages.text(goal, "title"), languages.text(goal, "description")) for goal in goals
    ]
    footnotes = FootnoteRenderer(
        cited_citations(vision.value, *(text.value for _, _, text in shown), conclusion.value)
    )
    rendered_vision = footnotes.render(vision.value)
    shown_goals = [
        ShownGoal(goal, title, text, footnotes.render(text.value)) for goal, title, text in shown
    ]
    name = languages.text(country, "name")
    texts = [
        name,
        vision,
        conclusion,
        *(g.title for g in shown_goals),
        *(g.description for g in shown_goals),
    ]
    page = {
        "vision": rendered_vision,
        "vision_text": vision,
        "goals": shown_goals,
        "conclusion": footnotes.render(conclusion.value),
        "conclusion_text": conclusion,
        "notes": footnotes.notes,
        # In a language other than English: whether any text is the team's
        # translation (the page says so), and whether any is not translated yet.
        "translated": languages.current() != languages.default_language()
        and any(not text.fallback for text in texts if text.value),
        "untranslated": any(text.fallback for text in texts if text.value),
        "article": None,
    }
    if "page_reference" in context:
        page["article"] = page_citation.article_data(
            context["page_reference"](),
            country_name=country.name,
            description=context["summary"](),
            image=context["site_image"],
            sources=[n.citation.link_url for n in page["notes"] if n.citation.link_url],
            site_address=context["site_address"],
        )
    return page


def citable_page_context(request, country):
    """
    What makes a published country's page citable: its reference (the cite
    box, the downloads), its summary for link previews, and its site image.
    The reference and the summary are made when the page shows them (as
    functions the template calls), not when a cached part shows them already.
    """
    address = absolute_url(request, country.get_absolute_url())
    reference = functools.cache(lambda: page_citation.page_reference(country, address))
    return {
        "page_reference": reference,
        "page_reference_parts": lambda: page_citation.harvard_parts(reference()),
        "page_reference_formats": lambda: page_citation.rendered_formats(reference()),
        "page_reference_tags": lambda: page_citation.highwire_tags(reference()),
        "summary": functools.cache(lambda: plain_summary(country.vision)),
        "site_image": absolute_url(request, static(SITE_IMAGE)),
        "site_address": absolute_url(request, "/"),
    }


# The picture link previews show for the site's pages (1200 by 630 pixels).
SITE_IMAGE = "img/atlas-card.png"


@public_view
def country_cite(request, slug, extension):
    """A published country's page as a reference to itself: BibTeX, RIS or CSL-JSON."""
    country = get_object_or_404(Country.objects.published(), slug=slug)
    address = absolute_url(request, country.get_absolute_url())
    reference = page_citation.page_reference(country, address)
    bib_format, render_reference = page_citation.PAGE_FORMATS[extension]
    response = HttpResponse(render_reference(reference), content_type=bib_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{reference.key}.{extension}"'
    return response


@public_view
def country_changes(request, slug):
    """A published country's change log: each published version, newest first."""
    country = Country.objects.published().filter(slug=slug).first()
    if country is None:
        return redirect_old_slug(slug, "strategy:country_changes")
    return render(
        request,
        "strategy/country_changes.html",
        {
            "country": country,
            "versions": country.versions.only("number", "published_at", "summary"),
        },
    )


@public_view
def country_version(request, slug, number):
    """One published version of a country's page, as it was, at its permanent address."""
    country = Country.objects.published().filter(slug=slug).first()
    if country is None:
        return redirect_old_slug(slug, "strategy:country_version", number=number)
    if number > MAX_VERSION_NUMBER:
        raise Http404("No such version.")
    if not request.path.endswith(f"/versions/{number}/"):  # "01": one address per version
        return redirect("strategy:country_version", slug=slug, number=number, permanent=True)
    version = get_object_or_404(country.versions.select_related("country"), number=number)
    page, goals = versions.as_page(version)
    page.slug = country.slug  # its addresses are the country's current ones
    return render_country(
        request, page, goals, version=version, latest=country.versions.values("number").first()
    )


# Larger numbers in an address are no version (and no database integer).
MAX_VERSION_NUMBER = 2**31 - 1


def redirect_old_slug(slug, view_name="strategy:country_detail", **kwargs):
    """
    A published country's former address leads, permanently, to the same
    page (``view_name`` with ``kwargs``) at its current one; else 404.
    """
    new_slug = (
        CountrySlugRedirect.objects.filter(old_slug=slug, country__in=Country.objects.published())
        .values_list("country__slug", flat=True)
        .first()
    )
    if new_slug is None:
        raise Http404("No country has this address.")
    return redirect(view_name, slug=new_slug, permanent=True, **kwargs)


def _working_draft_for(user, country):
    """
    What staff who may edit countries see at a published country's address:
    its working draft, if it has one (a preview with the draft banner).
    """
    if not may_preview(user):
        return country
    return Country.with_drafts.filter(draft_of=country, draft_edited=True).first() or country


@public_view
def country_citations(request, slug, extension):
    """The sources a published country cites, as BibTeX, RIS or CSL-JSON."""
    country = get_object_or_404(Country.objects.published(), slug=slug)
    citations = country.citations.order_by("key")
    return bibliography_response(citations, f"{country.slug}-citations", extension)


@public_view
def theme_list(request):
    themes = with_addresses(published_themes_with_counts())
    return render(request, "strategy/theme_list.html", {"themes": themes})


THEME_GOALS_PER_PAGE = 20


@public_view(query=["page"])
def theme_detail(request, slug):
    theme = get_object_or_404(published_themes(), slug=slug)
    goals = (
        Goal.objects.published()
        .filter(tags=theme)
        .select_related("country")
        .with_themes()
        .order_by(languages.display_order("country__name"), "country__slug", "position")
    )
    page = page_of(Paginator(goals, THEME_GOALS_PER_PAGE), request.GET.get("page"))
    paginator = page.paginator
    goals = list(page.object_list)
    footnotes = FootnoteRenderer(cited_citations(*(goal.description for goal in goals)))
    # Each goal's block is kept under its country's version and its text as
    # numbered on this page (the numbers follow the goals before it).
    rendered_goals = rendered_rows(
        "strategy/theme_goal.html",
        [(goal, footnotes.render(goal.description)) for goal in goals],
        name="row",
        scope_of=lambda row: page_scopes.country_scope(row[0].country.slug),
        key_of=lambda row: (
            f"{row[0].pk}:{hashlib.blake2b(row[1].encode(), digest_size=16).hexdigest()}"
        ),
    )
    return render(
        request,
        "strategy/theme_detail.html",
        {
            "theme": theme,
            "goals": rendered_goals,
            "notes": keep_references(footnotes.notes),
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
        },
    )


def matrix_page(request, published, context):
    """
    ``/compare/`` without a choice: the themes-by-countries matrix, a page of
    ``MATRIX_COUNTRIES_PER_PAGE`` countries at a time (``?page=``), of one
    region if ``?region=`` names one (an unknown region is answered 404, the
    page saying so).
    """
    region = request.GET.get("region", "")
    by_region = Counter(country.region for country in published)
    context.update(
        regions=[(value, label, by_region[value]) for value, label in Country.Region.choices],
        selected_region=region,
        query=urlencode({"region": region} if region else {}),
        matrix_per_page=MATRIX_COUNTRIES_PER_PAGE,
    )
    if region and region not in Country.Region.values:
        context.update(
            problem=f"The atlas has no region “{region[:60]}”.",
            canonical_address="",
            matrix=None,
        )
        return render(request, "strategy/compare.html", context, status=HTTPStatus.NOT_FOUND)
    columns = [country for country in published if not region or country.region == region]
    try:
        page = page_of(Paginator(columns, MATRIX_COUNTRIES_PER_PAGE), request.GET.get("page"))
    except Http404 as error:  # said on the page, with the form and the regions
        context.update(problem=str(error), canonical_address="", matrix=None)
        return render(request, "strategy/compare.html", context, status=HTTPStatus.NOT_FOUND)
    context.update(
        matrix=comparison.theme_matrix(page.object_list, shown_themes(), only_these=True),
        matrix_countries=page.object_list,
        page_obj=page,
        paginator=page.paginator,
        is_paginated=page.has_other_pages(),
    )
    return render(request, "strategy/compare.html", context)


@public_view(query=["c", "region", "page"], repeated=["c"])
def compare(request):
    """
    ``/compare/?c=<slug>&c=<slug>``: two to four published countries side by
    side, theme by theme. Without ``c``, the themes-by-countries matrix
    (``matrix_page``). A
    choice that cannot be compared is answered 400 or 404, the page saying
    why, with the form to choose again. Each choice has one address: the
    slugs in alphabetical order (other orders, and the matrix's ``page`` and
    ``region`` given with a choice, redirect there).
    """
    slugs = [slug for slug in request.GET.getlist("c") if slug]  # an empty choice is no choice
    published = list(Country.objects.published().only("pk", "name", "slug", "region"))
    context = {
        "published": published,
        # The form's checkbox for each country, kept under the country's version.
        "choices": rendered_rows(
            "strategy/compare_choice.html",
            [(country, country.slug in slugs) for country in published],
            name="row",
            scope_of=lambda row: page_scopes.country_scope(row[0].slug),
            key_of=lambda row: f"{row[0].pk}:{row[1]}",
        ),
        "limits": comparison,
    }
    if not slugs:
        return matrix_page(request, published, context)
    try:
        chosen = comparison.check_choice(slugs, {country.slug: country for country in published})
    except comparison.ChoiceProblem as problem:
        context.update(problem=problem.message, canonical_address="")  # no canonical for a 4xx
        return render(request, "strategy/compare.html", context, status=problem.status)
    if slugs != sorted(slugs) or request.GET.keys() & {"page", "region"}:
        # The matrix's page and region mean nothing to a comparison.
        query = urlencode([("c", slug) for slug in sorted(slugs)])
        return redirect(f"{reverse('strategy:compare')}?{query}", permanent=True)
    countries = {
        country.pk: country
        for country in Country.objects.published()
        .filter(pk__in=[country.pk for country in chosen])
        .prefetch_related(GOALS_WITH_THEMES)
    }
    if len(countries) < len(chosen):  # unpublished a moment ago
        context.update(
            problem="One of these countries is no longer published.", canonical_address=""
        )
        return render(request, "strategy/compare.html", context, status=HTTPStatus.NOT_FOUND)
    countries = [countries[country.pk] for country in chosen]
    footnotes = FootnoteRenderer(cited_citations(*comparison.texts_of(countries)))
    context.update(countries=countries, **comparison.compare_countries(countries, footnotes))
    # Each country's goals on each theme, kept under the country's version
    # and the goals' texts as numbered on this page.
    cells = [cell for row in context["rows"] for cell in row.cells]
    rendered = rendered_rows(
        "strategy/compare_cell.html",
        cells,
        name="cell",
        scope_of=lambda cell: page_scopes.country_scope(cell.country.slug),
        key_of=lambda cell: cell.key,
    )
    for cell, html in zip(cells, rendered, strict=True):
        cell.html = html
    keep_references(context["notes"])
    return render(request, "strategy/compare.html", context)


@public_view
def sitemap(request):
    """Every public page, with when it last changed (Django's sitemaps framework)."""
    return sitemaps_views.sitemap(request, sitemaps=SITEMAPS)


@public_view
def robots_txt(request):
    """Crawlers may read every public page, not the admin; the sitemap lists them."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(request, reverse('strategy:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
