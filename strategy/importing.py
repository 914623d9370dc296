"""
Importing a report chapter (``strategy.chapters.Chapter``) into a Country,
its goals and its citations.

* **The country** is found by the slug in the front matter, else by name,
  else by the slug made from the name; otherwise it is created, as a draft
  unless ``publish``. Its name, vision and conclusion come from the chapter.
  The ISO code comes from the front matter, else (for a new country, or
  one without a code) from the name through pycountry; a name pycountry
  does not know, or a code another country has, leaves it blank with a
  warning. The region comes only from the front matter.
* **Goals** are matched in order with the country's goals. A chapter with
  ``## `` headings sets their titles and themes; a chapter without them
  keeps the titles and themes editors gave existing goals, and new goals get
  a title made from their text. Goals beyond the chapter's are deleted.
* **Citations**: a reference that is already in the database (same URL, or
  same title and year) is reused as it is there (it may be cited by other
  countries, and editors may have corrected it) with a warning if the
  chapter says otherwise; others are created with the key from the front
  matter or from ``citations.references.make_key``. Markers are rewritten
  to the keys and the country's cited sources follow its markers.

The whole import runs in one transaction and one revision, and saves only
what changed, so importing the same file twice changes nothing the second
time. A dry run does the same work and rolls it back, so what it reports is
exactly what the import would do.
"""

from collections import Counter
from dataclasses import dataclass, field

import pycountry
import reversion
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from taggit.models import Tag

from citations.models import Citation
from citations.references import make_key, unique_key

from .chapters import Problem, default_source_label, relabel
from .models import Country, Goal, validate_theme_name

KINDS = ("country", "goal", "citation")
PLURALS = {"country": "countries", "goal": "goals", "citation": "citations"}


@dataclass
class Outcome:
    """What the import does to one country, goal or citation."""

    kind: str  # "country", "goal" or "citation"
    action: str  # "created", "changed", "unchanged" or "deleted"
    label: str
    fields: list = field(default_factory=list)  # the fields that change
    note: str = ""

    def __str__(self):
        text = f"{self.kind} {self.action}: {self.label}"
        if self.fields:
            text += f" ({', '.join(self.fields)})"
        if self.note:
            text += f" — {self.note}"
        return text


@dataclass
class ImportResult:
    country: Country
    created: bool
    outcomes: list
    warnings: list
    dry_run: bool = False

    @property
    def changed_anything(self):
        return any(outcome.action != "unchanged" for outcome in self.outcomes)

    def totals(self):
        """ "2 goals created, 1 citation unchanged, ..." in a fixed order."""
        counts = Counter((outcome.action, outcome.kind) for outcome in self.outcomes)
        parts = []
        for action in ("created", "changed", "deleted", "unchanged"):
            for kind in KINDS:
                if counts[action, kind]:
                    number = counts[action, kind]
                    parts.append(f"{number} {PLURALS[kind] if number > 1 else kind} {action}")
        return ", ".join(parts)


class ImportFailed(Exception):
    """The chapter cannot be imported; ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems):
        super().__init__("\n".join(problem.format("chapter") for problem in problems))
        self.problems = problems


class _RollBack(Exception):
    def __init__(self, result):
        self.result = result


def import_chapter(chapter, *, publish=False, dry_run=False, user=None, source_name="chapter"):
    """
    Import ``chapter`` in one transaction and one revision ("Imported from
    <source_name>", by ``user``). With ``dry_run``, roll everything back and
    report what the import would do. Raise ImportFailed, with nothing
    written, when the chapter cannot be imported.
    """
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(f"Imported from {source_name}")
            if user is not None:
                reversion.set_user(user)
            result = apply_chapter(chapter, publish=publish)
            if dry_run:
                result.dry_run = True
                raise _RollBack(result)
    except _RollBack as rollback:
        return rollback.result
    except IntegrityError as error:
        raise ImportFailed(
            [
                Problem(
                    "the database refused the import, so nothing was written; someone may "
                    f"have changed the same content at the same moment: try again ({error})"
                )
            ]
        ) from error
    return result


def apply_chapter(chapter, *, publish=False):
    """
    Write the chapter into the database inside the caller's transaction;
    raise ImportFailed (the caller rolls back) when it cannot be imported.
    """
    importer = _Importer(chapter, publish)
    importer.run()
    return ImportResult(
        country=importer.country,
        created=importer.country_created,
        outcomes=sorted(importer.outcomes, key=lambda outcome: KINDS.index(outcome.kind)),
        warnings=importer.warnings,
    )


def theme_problems(names):
    """What is wrong with theme names, as the admin's goal form would say it."""
    problems = []
    for name in names:
        try:
            validate_theme_name(name)
        except ValidationError as error:
            problems += error.messages
    return problems


def _action(created, changed):
    if created:
        return "created"
    return "changed" if changed else "unchanged"


class _Importer:
    def __init__(self, chapter, publish):
        self.chapter = chapter
        self.publish = publish
        self.outcomes = []
        self.warnings = list(chapter.warnings)
        self.problems = []
        self.keys = {}  # footnote label -> citation key
        self.country = None
        self.country_created = False
        self.country_saved = False

    def check(self):
        if self.problems:
            raise ImportFailed(sorted(self.problems, key=lambda problem: problem.line or 0))

    def run(self):
        self.find_country()
        self.check()
        self.import_citations()
        self.check()
        country_fields = self.import_country()
        self.check()
        goals_changed = self.import_goals()
        self.check()

        before = set() if self.country_created else set(self.country.citations.all())
        self.country.sync_citations()
        if not self.country_created:
            if set(self.country.citations.all()) != before:
                country_fields.append("cited sources")
            if goals_changed:
                country_fields.append("goals")
            if country_fields and not self.country_saved:
                # Its goals or sources changed: record when the country last changed.
                self.country.save(update_fields=["updated_at"])
        action = _action(self.country_created, country_fields)
        status = self.country.get_status_display().lower()
        self.outcomes.insert(
            0,
            Outcome(
                "country",
                action,
                f"{self.country.name} ({self.country.slug}), {status}",
                [] if self.country_created else country_fields,
            ),
        )

    # --- Country -----------------------------------------------------------

    def find_country(self):
        chapter = self.chapter
        given_slug = chapter.metadata.get("slug")
        by_name = Country.objects.filter(name__iexact=chapter.name).first()
        by_slug = Country.objects.filter(slug=given_slug or slugify(chapter.name)).first()
        if given_slug and by_slug and by_name and by_slug != by_name:
            self.problems.append(
                Problem(
                    f"the slug “{given_slug}” belongs to {by_slug.name}, but the name "
                    f"“{chapter.name}” to another country ({by_name.slug})",
                    chapter.line,
                )
            )
        if given_slug:
            self.country = by_slug or by_name
        else:
            self.country = by_name or by_slug

    def derived_iso_code(self):
        name = self.chapter.name
        try:
            code = pycountry.countries.lookup(name).alpha_2
        except LookupError:
            self.warnings.append(
                Problem(
                    f"ISO code left blank: pycountry knows no country called “{name}”; "
                    "an editor can set it",
                    self.chapter.line,
                )
            )
            return ""
        holder = Country.objects.filter(iso_code=code).exclude(pk=self.country.pk).first()
        if holder:
            self.warnings.append(
                Problem(
                    f"ISO code left blank: {code} is already the code of {holder.name}",
                    self.chapter.line,
                )
            )
            return ""
        return code

    def import_country(self):
        chapter, metadata = self.chapter, self.chapter.metadata
        if self.country is None:
            self.country = Country(status=Country.Status.DRAFT)
            self.country_created = True
        country = self.country
        values = {
            "name": chapter.name,
            "vision": relabel(chapter.vision, self.keys),
            "conclusion": relabel(chapter.conclusion, self.keys),
        }
        values["slug"] = metadata.get("slug") or country.slug or slugify(chapter.name)
        if not values["slug"]:
            self.problems.append(
                Problem(
                    f"cannot make a slug from the name “{chapter.name}”: give one in the "
                    'front matter (slug = "...")',
                    chapter.line,
                )
            )
            return []
        if "iso_code" in metadata:
            values["iso_code"] = metadata["iso_code"]
        elif not country.iso_code:
            values["iso_code"] = self.derived_iso_code()
        if "region" in metadata:
            values["region"] = metadata["region"]
        if self.publish:
            values["status"] = Country.Status.PUBLISHED

        changed = [name for name, value in values.items() if getattr(country, name) != value]
        for name, value in values.items():
            setattr(country, name, value)
        lines = {
            "vision": chapter.vision_line,
            "conclusion": chapter.conclusion_line,
            **{name: 1 for name in ("slug", "iso_code", "region") if name in metadata},
        }
        try:
            country.full_clean()
        except ValidationError as error:
            self.add_validation_problems(error, Country, lines, chapter.line)
            return []
        if self.country_created or changed:
            country.save()
            self.country_saved = True
        return [str(Country._meta.get_field(name).verbose_name) for name in changed]

    # --- Citations ---------------------------------------------------------

    def find_citation(self, reference):
        if reference.url:
            citation = Citation.objects.filter(url=reference.url).order_by("pk").first()
            if citation:
                return citation, "same URL"
        citation = (
            Citation.objects.filter(title__iexact=reference.title, year=reference.year)
            .order_by("pk")
            .first()
        )
        return citation, "same title and year"

    def key_is_taken(self, key):
        return key in self.keys.values() or Citation.objects.filter(key=key).exists()

    def import_citations(self):
        seen = {}  # citation pk -> first label citing it
        for label, footnote in self.chapter.footnotes.items():
            reference = footnote.reference
            metadata = self.chapter.citation_metadata.get(label, {})
            citation, reason = self.find_citation(reference)
            if citation is not None:
                self.keys[label] = citation.key
                if citation.pk in seen:
                    self.warnings.append(
                        Problem(
                            f"footnotes [^{seen[citation.pk]}] and [^{label}] cite the same "
                            f"source ({reason}); both now cite “{citation.key}”",
                            footnote.line,
                        )
                    )
                    continue
                seen[citation.pk] = label
                self.reuse_citation(citation, reason, label, footnote, metadata)
                continue

            key = metadata.get("key")
            if key:
                try:
                    validate_slug(key)
                except ValidationError:
                    self.problems.append(
                        Problem(
                            f"front matter: the key “{key}” of [^{label}] may only use "
                            "letters, digits, hyphens and underscores",
                            1,
                        )
                    )
                    continue
                if self.key_is_taken(key):
                    wanted, key = key, unique_key(key, self.key_is_taken)
                    self.warnings.append(
                        Problem(
                            f"[^{label}]: the key “{wanted}” belongs to another source; "
                            f"this one gets “{key}”",
                            footnote.line,
                        )
                    )
            else:
                key = make_key(
                    reference.authors[0], reference.year, reference.title, self.key_is_taken
                )
            citation = Citation(
                key=key,
                authors="\n".join(reference.authors),
                year=reference.year,
                title=reference.title,
                subtitle=reference.subtitle,
                medium=reference.medium,
                publisher=reference.publisher,
                url=reference.url,
                accessed_on=reference.accessed_on,
                language=metadata.get("language", ""),
                source_label=metadata.get("source_label", default_source_label(label)),
            )
            try:
                citation.full_clean()
            except ValidationError as error:
                self.add_validation_problems(
                    error, Citation, {}, footnote.line, prefix=f"[^{label}]: "
                )
                continue
            citation.save()
            seen[citation.pk] = label
            self.keys[label] = key
            self.outcomes.append(Outcome("citation", "created", f"{key} [^{label}]"))

    def reuse_citation(self, citation, reason, label, footnote, metadata):
        reference = footnote.reference
        given = {
            "authors": "\n".join(reference.authors),
            "year": reference.year,
            "title": reference.title,
            "subtitle": reference.subtitle,
            "medium": reference.medium,
            "publisher": reference.publisher,
            "url": reference.url,
            "accessed_on": reference.accessed_on,
        }
        if "language" in metadata:
            given["language"] = metadata["language"]
        differing = [
            str(Citation._meta.get_field(name).verbose_name)
            for name, value in given.items()
            if getattr(citation, name) != value
        ]
        if differing:
            self.warnings.append(
                Problem(
                    f"[^{label}] is already in the atlas as “{citation.key}” ({reason}) and is "
                    f"kept as it is there; the chapter differs in: {', '.join(differing)}",
                    footnote.line,
                )
            )
        self.outcomes.append(
            Outcome(
                "citation",
                "unchanged",
                f"{citation.key} [^{label}]",
                note=f"already in the atlas ({reason})",
            )
        )

    # --- Goals -------------------------------------------------------------

    def import_goals(self):
        country = self.country
        existing = (
            []
            if self.country_created
            else list(country.goals.order_by("position").prefetch_related("tags"))
        )
        last_position = max((goal.position for goal in existing), default=0)
        anything_changed = False
        for index, section in enumerate(self.chapter.goals):
            if index < len(existing):
                goal, created = existing[index], False
            else:
                last_position += 1
                goal, created = Goal(country=country, position=last_position), True
            values = {"description": relabel(section.text, self.keys)}
            themes = section.themes
            note = ""
            if section.title is not None:
                values["title"] = section.title
            elif created:
                values["title"] = section.suggested_title
                note = "title made from its text: refine it"
            bad_themes = theme_problems(themes or [])
            if bad_themes:
                self.problems += [Problem(f"goal: {text}", section.line) for text in bad_themes]
                continue

            changed = [name for name, value in values.items() if getattr(goal, name) != value]
            for name, value in values.items():
                setattr(goal, name, value)
            try:
                goal.full_clean()
            except ValidationError as error:
                self.add_validation_problems(error, Goal, {}, section.line, prefix="goal: ")
                continue
            if created or changed:
                goal.save()
            current = [] if created else [tag.name for tag in goal.tags.all()]
            if themes is not None and {name.casefold() for name in themes} != {
                name.casefold() for name in current
            }:
                goal.tags.set(self.tags(themes))
                changed.append("tags")
            anything_changed = anything_changed or created or bool(changed)
            fields = [str(Goal._meta.get_field(name).verbose_name) for name in changed]
            self.outcomes.append(
                Outcome(
                    "goal",
                    _action(created, changed),
                    f"{goal.position}. {goal.title}",
                    [] if created else fields,
                    note,
                )
            )
        for goal in existing[len(self.chapter.goals) :]:
            self.outcomes.append(Outcome("goal", "deleted", f"{goal.position}. {goal.title}"))
            goal.delete()
            anything_changed = True
        return anything_changed

    def tags(self, names):
        """Tags for the names, in order, made where missing (names compare case-blind)."""
        tags = []
        for name in names:
            tag = Tag.objects.filter(name__iexact=name).first()
            tags.append(tag or Tag.objects.create(name=name))
        return tags

    # --- Errors ------------------------------------------------------------

    def add_validation_problems(self, error, model, lines, default_line, prefix=""):
        for field_name, messages in error.message_dict.items():
            if field_name == NON_FIELD_ERRORS:
                label = ""
            else:
                label = f"{model._meta.get_field(field_name).verbose_name}: "
            for message in messages:
                self.problems.append(
                    Problem(f"{prefix}{label}{message}", lines.get(field_name, default_line))
                )
