"""
The public record of change: each published version of a country's page.

Whenever what the public reads of a country changes (it is published, its
working draft is published, a theme merge renames its themes),
``record(country, summary)`` keeps the page's content as it now is in a
``PublishedVersion``, numbered 1, 2, 3 … per country. The country's change
log lists them newest first, with the date and the editor's summary, and
``/countries/<slug>/versions/<n>/`` shows the page as it was. Drafts, and
the summaries of changes not yet published, never appear there.

A version keeps the text, goals and themes as they were; its footnotes lead
to the sources as they are now (a source's own record is kept, and
corrected, on its page).
"""

from django.db.models import Max
from django.utils import timezone

from .models import Country, Goal, PublishedVersion
from .themes import give_themes

FIELDS = ["name", "slug", "iso_code", "region", "vision", "conclusion"]
GOAL_FIELDS = ["position", "title", "description"]


def content_of(country):
    """What the public reads of ``country`` now, as JSON-ready data."""
    return {
        **{name: getattr(country, name) for name in FIELDS},
        "goals": [
            {
                **{name: getattr(goal, name) for name in GOAL_FIELDS},
                "themes": sorted(tag.name for tag in goal.tags.all()),
            }
            for goal in country.goals.prefetch_related("tags").order_by("position")
        ],
    }


def record(country, summary=""):
    """
    Keep ``country`` as now published as its next version, with the editor's
    ``summary`` ("First published." or "Published." when none). Call it
    inside the transaction that publishes the change.
    """
    latest = country.versions.aggregate(latest=Max("number"))["latest"] or 0
    default = "First published." if latest == 0 else "Published."
    return PublishedVersion.objects.create(
        country=country,
        number=latest + 1,
        published_at=country.last_published_change or timezone.now(),
        summary=(summary.strip() or default)[:300],
        content=content_of(country),
    )


def as_page(version):
    """
    The version as the country page's template reads a country: an unsaved
    ``Country`` (with the current publication dates replaced by the
    version's) and its goals, each with its themes.
    """
    content = version.content
    country = Country(
        pk=version.country_id,
        status=Country.Status.PUBLISHED,
        published_at=version.country.published_at,
        last_published_change=version.published_at,
        **{name: content.get(name, "") for name in FIELDS},
    )
    goals = [
        (
            Goal(country=country, **{name: data.get(name, "") for name in GOAL_FIELDS}),
            data["themes"],
        )
        for data in content.get("goals", [])
    ]
    give_themes(goals)
    return country, [goal for goal, _ in goals]
