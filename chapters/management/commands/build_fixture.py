import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.db import transaction
from taggit.models import Tag, TaggedItem

from chapters.importer import apply_chapter
from chapters.problems import ChapterError
from chapters.reader import read_chapter
from chapters.translations import import_translation
from citations.models import Citation
from strategy import languages, publishing, readiness
from strategy.models import Country, Goal, PublishedVersion

TIMESTAMP_FIELDS = ("created_at", "updated_at", "published_at", "last_published_change")
# Set afresh whenever an object is saved, loading a fixture included.
VOLATILE_FIELDS = ("version",)


class Command(BaseCommand):
    help = (
        "Build a fixture from a report chapter and a curation file: import the chapter into "
        "the empty database exactly as import_strategy does, apply the curation (goal titles "
        "and themes, region, citation languages, publication), print the result as a "
        "fixture and roll everything back. Used for strategy/fixtures/mexico.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("chapter", help="the chapter, e.g. strategy/fixtures/source/mexico.md")
        parser.add_argument("curation", help="the curation, e.g. .../source/mexico.curation.json")
        parser.add_argument("-o", "--output", metavar="FILE", help="write the fixture to FILE")

    def handle(self, *args, chapter, curation, output, **options):
        if Country.objects.exists() or Citation.objects.exists() or Tag.objects.exists():
            raise CommandError(
                "build_fixture needs an empty database (no countries, citations or tags), so "
                "that the fixture holds only the chapter; it writes nothing to it."
            )
        try:
            parsed = read_chapter(Path(chapter).read_bytes())
            curation_data = json.loads(Path(curation).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{error.filename}: {error.strerror}") from None
        except ChapterError as error:
            raise CommandError(
                "\n".join(problem.format(chapter) for problem in error.problems)
            ) from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{curation}: not JSON ({error})") from None

        with transaction.atomic():
            try:
                result = apply_chapter(parsed)
                curate(result.country, curation_data)
                translate(result.country, curation_data, Path(chapter).parent)
                if curation_data.get("publish", False):
                    publishing.publish(result.country)
            except readiness.NotReady as error:
                raise CommandError(
                    f"{curation}: the curated country is not ready to publish: "
                    + "; ".join(map(str, error.items))
                ) from None
            except ChapterError as error:
                raise CommandError(
                    "\n".join(problem.format(chapter) for problem in error.problems)
                ) from None
            except ValidationError as error:
                raise CommandError(f"{curation}: {'; '.join(error.messages)}") from None
            fixture = dump(curation_data.get("timestamp"))
            transaction.set_rollback(True)

        text = json.dumps(fixture, indent=2, ensure_ascii=False) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {len(fixture)} objects to {output}.")
        else:
            self.stdout.write(text, ending="")


def curate(country, curation):
    """Apply an editor's curation to the imported country, as edits in the admin would."""
    for name, value in curation.get("country", {}).items():
        setattr(country, name, value)
    country.full_clean()
    country.save()
    goals = {goal.position: goal for goal in country.goals.all()}
    for entry in curation.get("goals", []):
        goal = goals[entry["position"]]
        if "title" in entry:
            goal.title, goal.title_suggested = entry["title"], False
        goal.full_clean()
        goal.save()
        if "themes" in entry:
            tags = [
                Tag.objects.filter(name_en__iexact=name).first() or Tag.objects.create(name=name)
                for name in entry["themes"]
            ]
            goal.tags.clear()
            for tag in tags:  # one at a time, so the fixture lists them in this order
                goal.tags.add(tag)
    for key, fields in curation.get("citations", {}).items():
        citation = Citation.objects.get(key=key)
        for name, value in fields.items():
            setattr(citation, name, value)
        citation.full_clean()
        citation.save()


def translate(country, curation, folder):
    """
    Import each translation the curation names (a chapter in that language,
    beside the English one), as ``import_strategy --language`` does, then
    give the goals' and themes' translated names it lists.
    """
    for code, translation in curation.get("translations", {}).items():
        chapter = read_chapter((folder / translation["chapter"]).read_bytes())
        import_translation(chapter, code)
        country.refresh_from_db()
        goals = {goal.position: goal for goal in country.goals.all()}
        for entry in translation.get("goals", []):
            goal = goals[entry["position"]]
            setattr(goal, languages.column("title", code), entry["title"])
            goal.full_clean()
            goal.save()
        for english, name in translation.get("themes", {}).items():
            tag = Tag.objects.get(name_en=english)
            setattr(tag, languages.column("name", code), name)
            tag.save()


def dump(timestamp):
    """
    The database's content as fixture objects, primary keys renumbered from 1
    in creation order (so the fixture does not depend on the database's
    sequences) and timestamps set to ``timestamp``.
    """
    querysets = [
        Citation.objects.order_by("pk"),
        Country.objects.order_by("pk"),
        Goal.objects.order_by("pk"),
        Tag.objects.order_by("pk"),
        TaggedItem.objects.order_by("object_id", "pk"),
        PublishedVersion.objects.order_by("pk"),
    ]
    objects = []
    renumbered = {}
    # Country.citations has its own through model, which serializers leave out.
    cited = {}
    for country_id, citation_id in Country.citations.through.objects.values_list(
        "country_id", "citation_id"
    ):
        cited.setdefault(country_id, []).append(citation_id)
    for queryset in querysets:
        model = queryset.model
        entries = json.loads(serializers.serialize("json", queryset))
        if model is Country:
            for entry in entries:
                entry["fields"]["citations"] = cited.get(entry["pk"], [])
        renumbered[model] = {entry["pk"]: number for number, entry in enumerate(entries, 1)}
        for entry in entries:
            entry["pk"] = renumbered[model][entry["pk"]]
        objects += entries

    for entry in objects:
        fields = entry["fields"]
        for name in VOLATILE_FIELDS:
            fields.pop(name, None)
        for name in TIMESTAMP_FIELDS:
            if timestamp and fields.get(name):
                fields[name] = timestamp
        if entry["model"] == "strategy.country":
            fields["citations"] = sorted(renumbered[Citation][pk] for pk in fields["citations"])
        elif entry["model"] in ("strategy.goal", "strategy.publishedversion"):
            fields["country"] = renumbered[Country][fields["country"]]
        elif entry["model"] == "taggit.taggeditem":
            fields["tag"] = renumbered[Tag][fields["tag"]]
            fields["object_id"] = renumbered[Goal][fields["object_id"]]
            content_type = ContentType.objects.get_for_id(fields["content_type"])
            fields["content_type"] = list(content_type.natural_key())
    return objects
