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

from . import languages
from .models import Country, Goal, PublishedVersion
from .themes import give_themes

FIELDS = ["name", "slug", "iso_code", "region", "vision", "conclusion"]
GOAL_FIELDS = ["position", "title", "description"]
# A version keeps each translated text in every language: "vision_en", "vision_es".
STORED_FIELDS = languages.stored(FIELDS, languages.COUNTRY_TEXTS)
STORED_GOAL_FIELDS = languages.stored(GOAL_FIELDS, languages.GOAL_TEXTS)


def content_of(country):
    """What the public reads of ``country`` now, in every language, as JSON-ready data."""
    return {
        **{name: getattr(country, name) for name in STORED_FIELDS},
        "goals": [
            {
                **{name: getattr(goal, name) for name in STORED_GOAL_FIELDS},
                # Themes by their English names, as they are known (themes.give_themes).
                "themes": sorted(tag.name_en or tag.name for tag in goal.tags.all()),
            }
            for goal in country.goals.prefetch_related("tags").order_by("position")
        ],
    }


def _texts(content, field_names, translated):
    """
    A version's fields, each translated one in every language; a version
    kept before the atlas had languages holds the English text under the
    plain name.
    """
    values = {}
    for name in field_names:
        if name not in translated:
            values[name] = content.get(name, "")
            continue
        for code in languages.codes():
            value = content.get(languages.column(name, code))
            if value is None and code == languages.default_language():
                value = content.get(name, "")
            values[languages.column(name, code)] = value
    return values


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
        **_texts(content, FIELDS, languages.COUNTRY_TEXTS),
    )
    goals = [
        (
            Goal(country=country, **_texts(data, GOAL_FIELDS, languages.GOAL_TEXTS)),
            data["themes"],
        )
        for data in content.get("goals", [])
    ]
    give_themes(goals)
    return country, [goal for goal, _ in goals]
