"""
Synthetic content for load tests and scale tests: clearly marked as not real.

Every synthetic country is named "Synthetic country NNN" and its slug starts
with ``synthetic-``; every synthetic source's key starts with ``synthetic-``
and its title says it is synthetic. Nothing here is ever part of a fixture.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from citations.models import Citation, citation_scope
from pagecache.versions import bump_content_version, bump_scopes
from search.index import rebuild as rebuild_search_index
from strategy.models import Country, Goal
from strategy.page_scopes import country_scope

PREFIX = "synthetic"

LOREM = (
    "This synthetic goal exists only to measure the site under load. It names no "
    "real policy and cites synthetic sources so that every page has footnotes to number."
)


@transaction.atomic
def create_synthetic_content(countries=300, goals_per_country=12, citations=1000, themes=60):
    """
    Add published synthetic countries, goals, themes and citations in bulk.
    Returns the number of countries created.
    """
    sources = Citation.objects.bulk_create(
        Citation(
            key=f"{PREFIX}-source-{n:04d}",
            authors=f"Synthetic Institute {n % 97}\nSynthetic Author {n}",
            year=2000 + n % 25,
            title=f"Synthetic report {n} (not a real source)",
            url=f"https://example.org/synthetic/{n}.pdf",
        )
        for n in range(1, citations + 1)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"{PREFIX} theme {n:02d}", slug=f"{PREFIX}-theme-{n:02d}")
        for n in range(1, themes + 1)
    )
    regions = Country.Region.values
    # Published, with the dates publishing gives (strategy.publishing).
    published = timezone.now()
    new_countries = Country.objects.bulk_create(
        Country(
            name=f"Synthetic country {n:03d}",
            slug=f"{PREFIX}-{n:03d}",
            region=regions[n % len(regions)],
            status=Country.Status.PUBLISHED,
            published_at=published,
            last_published_change=published,
            vision=f"A synthetic vision for load tests.[^{sources[n % citations].key}]",
            conclusion="A synthetic conclusion.",
        )
        for n in range(1, countries + 1)
    )
    goals = []
    for index, country in enumerate(new_countries):
        for position in range(1, goals_per_country + 1):
            first = sources[(index * goals_per_country + position) % citations]
            second = sources[(index * 7 + position * 13) % citations]
            goals.append(
                Goal(
                    country=country,
                    position=position,
                    title=f"Synthetic goal {position}",
                    description=f"{LOREM}[^{first.key}] More synthetic text.[^{second.key}]",
                )
            )
    goals = Goal.objects.bulk_create(goals)

    goal_type = ContentType.objects.get_for_model(Goal)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tags[index], content_type=goal_type, object_id=goal.pk)
        for goal in goals
        for index in {goal.pk % themes, goal.pk * 7 % themes}  # one or two themes
    )

    # Keep each country's cited sources in step with its markers, in bulk.
    through = Country.citations.through
    by_key = {source.key: source.pk for source in sources}
    links = set()
    goals_by_country = {}
    for goal in goals:
        goals_by_country.setdefault(goal.country_id, []).append(goal)
    for country in new_countries:
        for key in country.cited_keys(goals_by_country.get(country.pk, [])):
            links.add((country.pk, by_key[key]))
    through.objects.bulk_create(
        through(country_id=country_id, citation_id=citation_id) for country_id, citation_id in links
    )
    # Bulk writes send no signals: the page cache and the search index are told here.
    bump_content_version()
    bump_scopes(
        {country_scope(country.slug) for country in new_countries}
        | {citation_scope(source.pk) for source in sources}
    )
    rebuild_search_index()
    return len(new_countries)


def synthetic_report(chapters=50, goals=3, shared_every=10):
    """
    A report of ``chapters`` chapters in the source report's format (no
    headings but the countries'; footnote numbers running on from chapter to
    chapter), each citing two sources of its own, and every
    ``shared_every``-th chapter also the first chapter's first source. Every
    country is "Synthetic country NN", every source a "Synthetic report".
    """
    parts, number = [], 0
    for index in range(1, chapters + 1):
        number += 2
        mine = (number - 1, number)
        shared = " As the first report says.[^1]" if index % shared_every == 0 else ""
        paragraphs = [f"# Synthetic country {index:02d}", f"Vision {index}.[^{mine[0]}]{shared}"]
        paragraphs += [f"Goal {g} of country {index}.[^{mine[1]}]" for g in range(1, goals + 1)]
        paragraphs.append(f"Conclusion {index}.")
        paragraphs += [
            f"[^{n}]: Synthetic Institute {index} ({2000 + index % 20}). Synthetic report {n}. "
            f"[online] Available at: https://example.org/synthetic/{n}.pdf"
            for n in mine
        ]
        parts.append("\n\n".join(paragraphs))
    return "\n\n".join(parts) + "\n"
