"""
The health of the sources' links, as editors read it: the "Source health"
report (counts by status, the links that need an editor first, with where
each is cited) and the access date a live check suggests.

Who cites a source is read through the citations' reverse relations (their
countries, and those countries' goals), so this layer imports nothing from
``strategy``.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse

from .footnotes import find_markers
from .models import Citation, LinkCheck

Status = LinkCheck.Status
# A check counts for a citation only while it is of the citation's address.
CURRENT = Q(link__url=F("url")) & ~Q(url="") & Q(link__checked_at__isnull=False)
FAILING = Q(link__first_failed_at__isnull=False) & ~Q(link__status__in=LinkCheck.DEAD)
# The order of the report: what needs an editor first. Every checked
# citation is in one of these or live.
SECTIONS = [
    ("Broken or unreachable", CURRENT & Q(link__status__in=LinkCheck.DEAD)),
    ("Failed once, to be checked again", CURRENT & FAILING),
    (
        "Redirected: the address could be updated",
        CURRENT & Q(link__status=Status.REDIRECTED) & ~FAILING,
    ),
    ("Not checked", CURRENT & Q(link__status=Status.NOT_CHECKED) & ~FAILING),
]
COUNTS = [
    ("live", CURRENT & Q(link__status=Status.LIVE) & ~FAILING),
    ("redirected", SECTIONS[2][1]),
    ("broken", CURRENT & Q(link__status=Status.BROKEN)),
    ("unreachable", CURRENT & Q(link__status=Status.UNREACHABLE)),
    ("failed once", SECTIONS[1][1]),
    ("not checked (with a reason)", SECTIONS[3][1]),
]


def suggested_access_date(citation):
    """The date of the last live check, when it is later than the access date; else None."""
    check = citation.link_check
    if check is None or check.last_live_on is None:
        return None
    if check.status not in LinkCheck.ANSWERING:
        return None
    if citation.accessed_on and citation.accessed_on >= check.last_live_on:
        return None
    return check.last_live_on


@dataclass
class Row:
    citation: object
    change_url: str
    # (country name, its admin address, [where in it: "vision", "goal 3 “…”", …])
    cited_in: list = field(default_factory=list)


def where_cited(citation):
    places = []
    for country in citation.countries.all():
        where = []
        if citation.key in find_markers(country.vision):
            where.append("vision")
        for goal in country.goals.all():
            if citation.key in find_markers(goal.description):
                where.append(f"goal {goal.position} “{goal.title}”")
        if citation.key in find_markers(country.conclusion):
            where.append("conclusion")
        address = reverse(
            f"admin:{country._meta.app_label}_{country._meta.model_name}_change", args=[country.pk]
        )
        places.append((country.name, address, where))
    return places


def report():
    """
    {"counts": [(label, count)], "sections": [(title, [Row])]}: how many
    sources each status has, then each section's sources with where they
    are cited, in a fixed number of queries.
    """
    with_url = Citation.objects.exclude(url="")
    counted = with_url.aggregate(
        **{f"n{i}": Count("pk", filter=condition) for i, (_, condition) in enumerate(COUNTS)},
        never=Count("pk", filter=~CURRENT),
    )
    counts = [(label, counted[f"n{i}"]) for i, (label, _) in enumerate(COUNTS)]
    counts += [
        ("never checked", counted["never"]),
        ("no URL", Citation.objects.filter(url="").count()),
    ]
    countries = Citation.countries.rel.related_model
    cited_in = Prefetch(
        "countries",
        queryset=countries.objects.order_by("name_en").prefetch_related("goals"),
    )
    sections = []
    for title, condition in SECTIONS:
        citations = (
            with_url.filter(condition)
            .prefetch_related(cited_in)
            .order_by("link__first_failed_at", "key")
        )
        rows = [
            Row(
                citation,
                reverse("admin:citations_citation_change", args=[citation.pk]),
                where_cited(citation),
            )
            for citation in citations
        ]
        sections.append((title, rows))
    return {"counts": counts, "sections": sections}
