"""
Importing a report chapter (``chapters.reader.Chapter``) into a Country,
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
exactly what the import would do. Themes are checked as the admin checks
them (``strategy.themes``); publication dates are set by
``strategy.publishing``, as for every save.
"""

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import pycountry
import reversion
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from reversion.models import Version
from taggit.models import Tag

from citations.models import Citation
from citations.references import citation_fields, make_key, unique_key
from editing.diffs import FieldChange
from strategy import drafts, publishing, readiness, versions
from strategy.languages import in_english
from strategy.models import Country, CountrySlugRedirect, Goal
from strategy.regions import region_for
from strategy.revisions import revision_state
from strategy.themes import suggest_themes, theme_problems

from .problems import ChapterError, Problem, refuse_if
from .reader import Report
from .syntax import default_source_label, relabel

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
    diffs: list = field(default_factory=list)  # FieldDiff of each field that changes

    @property
    def overwrites_edits(self):
        """Whether the import replaces something an editor changed since the last import."""
        return any(diff.edited_since_import for diff in self.diffs)

    def __str__(self):
        text = f"{self.kind} {self.action}: {self.label}"
        if self.fields:
            text += f" ({', '.join(self.fields)})"
        if self.note:
            text += f" — {self.note}"
        return text


class FieldDiff(FieldChange):
    """A field a re-import changes: what it holds, what it will hold, and whether an editor
    changed it after the last import."""

    def __init__(self, label, old, new, edited_since_import=False):
        super().__init__(label, old, new)
        self.edited_since_import = edited_since_import


class LastImport:
    """
    A country as its last import left it (the latest revision of its history
    made by an import), to tell what editors have changed since.
    """

    def __init__(self, country):
        version = (
            Version.objects.get_for_object(country)
            .filter(revision__comment__startswith="Imported from")
            .select_related("revision")
            .first()
        )
        self.date = version.revision.date_created if version else None
        self.country, self.goals, self.goal_themes = {}, {}, {}
        if version is not None:
            self.country, self.goals, self.goal_themes = revision_state(version)

    def edited(self, name, current, goal=None):
        """Whether field ``name`` (of the country, or of ``goal``) changed since the import."""
        before = self.country if goal is None else self.goals.get(goal.pk)
        return bool(before) and name in before and before[name] != current

    def themes_edited(self, goal, current_names):
        return goal.pk in self.goals and self.goal_themes.get(goal.pk, set()) != set(current_names)

    def added_since(self, goal):
        """Whether ``goal`` was added after the last import (by an editor)."""
        return self.date is not None and goal.pk not in self.goals


def _diffs(model, before, after, last_import, goal=None):
    """FieldDiffs of the fields that change, from ``before`` to ``after`` (dicts by name)."""
    return [
        FieldDiff(
            str(model._meta.get_field(name).verbose_name),
            before[name],
            after[name],
            last_import is not None and last_import.edited(name, before[name], goal),
        )
        for name in before
    ]


@dataclass
class ImportResult:
    country: Country
    created: bool
    outcomes: list
    warnings: list
    dry_run: bool = False
    number: int = 1  # the chapter's number in the report
    suggestions: list = field(default_factory=list)  # ThemeSuggestion of its goals

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


@dataclass
class ReportResult:
    """What importing a report does: one ``ImportResult`` per chapter, in order."""

    results: list
    warnings: list
    dry_run: bool = False

    @property
    def changed_anything(self):
        return any(result.changed_anything for result in self.results)

    def totals(self):
        """ "2 countries created, 6 goals created, ..." over every chapter."""
        outcomes = [outcome for result in self.results for outcome in result.outcomes]
        return ImportResult(None, False, outcomes, []).totals()


# Importing reads and writes English, whatever language the admin speaks:
# themes are known by their English names, texts go into the English columns.
@in_english
def import_report(
    report,
    *,
    publish=False,
    dry_run=False,
    user=None,
    source_name="report",
    progress=None,
    accept_themes=None,
    waive_missing=False,
):
    """
    Import every chapter of ``report`` in one transaction, all or nothing,
    each country as one revision of its history ("Imported from
    <source_name>", by ``user``). A source cited by several chapters becomes
    one citation. With ``dry_run``, roll everything back and report what the
    import would do. Raise ChapterError, with nothing written, listing the
    problems of every chapter that cannot be imported. ``progress``, if
    given, is called with (number, count, country name) before each chapter.

    Goals the chapter gives no themes get themes suggested from the atlas's
    existing ones (``strategy.themes.suggest_themes``), listed in each
    result's ``suggestions``; ``accept_themes`` says which to give them:
    None for none, ``ALL`` for every suggestion, or a set of
    ``(chapter number, goal position, theme)`` choices. ``publish`` makes
    public each country that is ready (``strategy.readiness``); one that is
    not stays a draft, with a warning listing what it lacks, unless
    ``waive_missing`` (the waiver written into its revision).
    """
    results, problems = [], []
    try:
        with transaction.atomic():
            taken_keys = set(Citation.objects.values_list("key", flat=True))
            theme_names = list(Tag.objects.order_by("name_en").values_list("name_en", flat=True))
            for number, chapter in enumerate(report.chapters, start=1):
                if progress is not None:
                    progress(number, len(report.chapters), chapter.name)
                importer = ChapterImport(
                    chapter,
                    publish,
                    taken_keys,
                    user=user,
                    comment=f"Imported from {source_name}",
                    number=number,
                    theme_names=theme_names,
                    accept_themes=accept_themes,
                    waive_missing=waive_missing,
                )
                try:
                    with transaction.atomic():
                        results.append(importer.run())
                except ChapterError as error:
                    problems += error.problems  # and on to the next chapter
            refuse_if(problems)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ChapterError(
            [
                Problem(
                    "the database refused the import, so nothing was written; someone may "
                    f"have changed the same content at the same moment: try again ({error})"
                )
            ]
        ) from error
    warnings = [*report.warnings, *(warning for result in results for warning in result.warnings)]
    for result in results:
        result.dry_run = dry_run
    return ReportResult(results, sorted(warnings, key=lambda warning: warning.line or 0), dry_run)


def import_chapter(chapter, **options):
    """Import one chapter as ``import_report`` imports a report: its ``ImportResult``."""
    result = import_report(Report([chapter]), **{"source_name": "chapter", **options})
    return result.results[0]


@in_english
def apply_chapter(chapter, *, publish=False):
    """
    Write the chapter into the database inside the caller's transaction;
    raise ChapterError (the caller rolls back) when it cannot be imported.
    """
    return ChapterImport(chapter, publish).run()


def _action(created, changed):
    if created:
        return "created"
    return "changed" if changed else "unchanged"


def _verbose_names(model, names):
    return [str(model._meta.get_field(name).verbose_name) for name in names]


def validation_problems(error, model, lines, default_line, prefix=""):
    """A model's ValidationError as problems, each at the line of its field."""
    problems = []
    for field_name, messages in error.message_dict.items():
        label = (
            ""
            if field_name == NON_FIELD_ERRORS
            else f"{model._meta.get_field(field_name).verbose_name}: "
        )
        line = lines.get(field_name, default_line)
        problems += [Problem(f"{prefix}{label}{message}", line) for message in messages]
    return problems


class ChapterImport:
    """
    One chapter going into the atlas. Each step writes its part and raises
    ChapterError with every problem it found; what was done is collected in
    ``outcomes`` and ``warnings``, the report of the import.
    """

    def __init__(
        self,
        chapter,
        publish,
        taken_keys=None,
        *,
        user=None,
        comment="Imported",
        number=1,
        theme_names=None,
        accept_themes=None,
        waive_missing=False,
    ):
        self.chapter = chapter
        self.publish = publish
        self.user, self.comment = user, comment
        self.number = number
        if theme_names is None:
            theme_names = list(Tag.objects.order_by("name_en").values_list("name_en", flat=True))
        self.theme_names = theme_names
        self.accept_themes = accept_themes
        self.waive_missing = waive_missing
        self.suggestions = []
        self.outcomes = []
        self.warnings = list(chapter.warnings)
        # Every key in use, looked up once (or handed on from chapter to
        # chapter): new keys are checked against it without a query each
        # (many sources by one author in one year try many keys).
        if taken_keys is None:
            taken_keys = set(Citation.objects.values_list("key", flat=True))
        self.taken_keys = taken_keys

    def run(self):
        """
        Import the chapter: each new citation as a revision of its own, the
        country with its goals and themes as one revision of the country's
        (so that either can be restored from its own history).
        """
        written_in = self.chapter.metadata.get("language")
        if written_in and written_in != settings.LANGUAGE_CODE:
            raise ChapterError(
                [
                    Problem(
                        f"{self.chapter.name}: the chapter says it is written in “{written_in}” "
                        "(front matter language); import it as that language's version "
                        f"(import_strategy --language {written_in}, or that language in the "
                        "admin's import form), not as the English text",
                        self.chapter.line,
                    )
                ]
            )
        existing = self.find_country()
        keys = self.import_citations()
        with self.revision():
            return self.run_country(existing, keys)

    @contextmanager
    def revision(self):
        """A django-reversion revision by this import's user, with its comment."""
        with reversion.create_revision():
            self.revision_comment = self.comment
            if self.user is not None:
                reversion.set_user(self.user)
            yield
            reversion.set_comment(self.revision_comment)

    def run_country(self, existing, keys):
        was_published = existing is not None and existing.is_published
        self.last_import = LastImport(existing) if existing is not None else None
        self.country_diffs = []
        country, country_fields = self.import_country(existing, keys)
        created = existing is None
        goals_changed = self.import_goals(country, created, keys)

        before = set() if created else set(country.citations.all())
        country.sync_citations()
        if country.is_published and not was_published:
            country_fields = self.check_readiness(country, country_fields)
        if not created:
            extra = []
            if set(country.citations.all()) != before:
                extra.append("cited sources")
            if goals_changed:
                extra.append("goals")
            if extra and not country_fields:
                # Only its goals or sources changed: record when the country changed.
                publishing.save_change(country)
            country_fields += extra
        if country.is_published and (not was_published or country_fields):
            versions.record(country, self.comment)  # what the public reads changed
        status = country.get_status_display().lower()
        self.outcomes.insert(
            0,
            Outcome(
                "country",
                _action(created, country_fields),
                f"{country.name} ({country.slug}), {status}",
                [] if created else country_fields,
                self.edits_note(self.country_diffs),
                self.country_diffs,
            ),
        )
        return ImportResult(
            country=country,
            created=created,
            outcomes=sorted(self.outcomes, key=lambda outcome: KINDS.index(outcome.kind)),
            warnings=self.warnings,
            number=self.number,
            suggestions=self.suggestions,
        )

    def check_readiness(self, country, country_fields):
        """
        The country is to be made public: keep it a draft, with a warning, if
        it lacks anything (``strategy.readiness``), unless that is waived.
        Returns its changed fields.
        """
        items = readiness.missing_for(country)
        if not items:
            return country_fields
        lacking = "; ".join(map(str, items))
        if self.waive_missing:
            self.revision_comment += f". {readiness.waiver_note(items)}"
            self.warnings.append(
                Problem(f"{country.name} published with what it lacks waived: {lacking}")
            )
            return country_fields
        country.status = Country.Status.DRAFT
        country.published_at = country.last_published_change = None
        country.save(update_fields=["status", "published_at", "last_published_change"])
        self.warnings.append(
            Problem(
                f"{country.name} stays a draft: publishing it needs what it lacks ({lacking}); "
                "fix it in the admin and publish it there, or waive it",
                self.chapter.line,
            )
        )
        return [name for name in country_fields if name != "status"]

    # --- Country -----------------------------------------------------------

    def find_country(self):
        """The country the chapter is about, or None for a new one."""
        chapter = self.chapter
        given_slug = chapter.metadata.get("slug")
        by_name = Country.objects.filter(name_en__iexact=chapter.name).first()
        by_slug = Country.objects.filter(slug=given_slug or slugify(chapter.name)).first()
        if given_slug and by_slug and by_name and by_slug != by_name:
            refuse_if(
                [
                    Problem(
                        f"the slug “{given_slug}” belongs to {by_slug.name}, but the name "
                        f"“{chapter.name}” to another country ({by_name.slug})",
                        chapter.line,
                    )
                ]
            )
        country = (by_slug or by_name) if given_slug else (by_name or by_slug)
        if country is not None and drafts.working_draft(country) is not None:
            # Importing would change the published version under the draft, and
            # publishing the draft would then silently undo the import.
            refuse_if(
                [
                    Problem(
                        f"{country.name} has a working draft of changes not yet published: "
                        "publish or discard it (on its draft page) before importing into it",
                        chapter.line,
                    )
                ]
            )
        return country

    def import_country(self, country, keys):
        """
        The country, created or updated from the chapter and saved if it
        changed, and the names of the fields that changed.
        """
        chapter, metadata = self.chapter, self.chapter.metadata
        created = country is None
        if created:
            country = Country(status=Country.Status.DRAFT)
        values = self.country_values(country, keys)
        changed = [name for name, value in values.items() if getattr(country, name) != value]
        previous_slug = country.slug
        if not created:
            before = {name: getattr(country, name) for name in changed if name != "status"}
            self.country_diffs = _diffs(Country, before, values, self.last_import)
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
            raise ChapterError(validation_problems(error, Country, lines, chapter.line)) from None
        was_public = not created and country.published_at is not None
        if created or changed:
            publishing.record_change(country)
            country.save()
        if "slug" in changed and not created:
            # As an editor's rename does: a public address keeps leading here.
            CountrySlugRedirect.objects.record_slug_change(
                country, previous_slug, was_public=was_public
            )
        return country, _verbose_names(Country, changed)

    def country_values(self, country, keys):
        """The country's fields as the chapter gives them."""
        chapter, metadata = self.chapter, self.chapter.metadata
        values = {
            "name": chapter.name,
            "vision": relabel(chapter.vision, keys),
            "conclusion": relabel(chapter.conclusion, keys),
            "slug": metadata.get("slug") or country.slug or slugify(chapter.name),
        }
        if not values["slug"]:
            refuse_if(
                [
                    Problem(
                        f"cannot make a slug from the name “{chapter.name}”: give one in the "
                        'front matter (slug = "...")',
                        chapter.line,
                    )
                ]
            )
        if "iso_code" in metadata:
            values["iso_code"] = metadata["iso_code"]
        elif not country.iso_code:
            values["iso_code"] = self.derived_iso_code(country)
        if "region" in metadata:
            values["region"] = metadata["region"]
        elif not country.region:
            values["region"] = region_for(values.get("iso_code", country.iso_code))
        if self.publish:
            values["status"] = Country.Status.PUBLISHED
        return values

    def derived_iso_code(self, country):
        """The ISO code pycountry gives the name, unless another country has it."""
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
        holder = Country.objects.filter(iso_code=code).exclude(pk=country.pk).first()
        if holder:
            self.warnings.append(
                Problem(
                    f"ISO code left blank: {code} is already the code of {holder.name}",
                    self.chapter.line,
                )
            )
            return ""
        return code

    # --- Citations ---------------------------------------------------------

    def import_citations(self):
        """Each footnote's citation, found or created: footnote label -> citation key."""
        keys, first_label, problems = {}, {}, []  # first_label: citation pk -> first label
        for label, footnote in self.chapter.footnotes.items():
            citation, reason = find_citation(footnote.reference)
            if citation is not None:
                keys[label] = citation.key
                if citation.pk in first_label:
                    if self.key_given(label) != citation.key:  # not said so on purpose
                        self.warnings.append(
                            Problem(
                                f"footnotes [^{first_label[citation.pk]}] and [^{label}] cite "
                                f"the same source ({reason}); both now cite “{citation.key}”",
                                footnote.line,
                            )
                        )
                else:
                    first_label[citation.pk] = label
                    self.reuse_citation(citation, reason, label, footnote)
                continue
            try:
                citation = self.create_citation(label, footnote)
            except ChapterError as error:
                problems += error.problems
                continue
            first_label[citation.pk] = label
            keys[label] = citation.key
        refuse_if(problems)
        return keys

    def key_given(self, label):
        """The key the front matter gives the footnote ``label``, if any."""
        return self.chapter.citation_metadata.get(label, {}).get("key")

    def create_citation(self, label, footnote):
        """A new citation for the footnote, with the front matter's key or one made for it."""
        metadata = self.chapter.citation_metadata.get(label, {})
        is_taken = self.taken_keys.__contains__

        key = metadata.get("key")
        if key:
            try:
                validate_slug(key)
            except ValidationError:
                refuse_if(
                    [
                        Problem(
                            f"front matter: the key “{key}” of [^{label}] may only use "
                            "letters, digits, hyphens and underscores",
                            1,
                        )
                    ]
                )
            if is_taken(key):
                wanted, key = key, unique_key(key, is_taken)
                self.warnings.append(
                    Problem(
                        f"[^{label}]: the key “{wanted}” belongs to another source; "
                        f"this one gets “{key}”",
                        footnote.line,
                    )
                )
        else:
            reference = footnote.reference
            key = make_key(reference.authors[0], reference.year, reference.title, is_taken)
        citation = Citation(
            key=key,
            language=metadata.get("language", ""),
            source_label=metadata.get("source_label", default_source_label(label)),
            **citation_fields(footnote.reference),
        )
        try:
            citation.full_clean()
        except ValidationError as error:
            problems = validation_problems(
                error, Citation, {}, footnote.line, prefix=f"[^{label}]: "
            )
            raise ChapterError(problems) from None
        with self.revision():
            citation.save()
        self.taken_keys.add(key)
        self.outcomes.append(Outcome("citation", "created", f"{key} [^{label}]"))
        return citation

    def reuse_citation(self, citation, reason, label, footnote):
        """Keep a citation already in the atlas as it is; warn where the chapter differs."""
        given = citation_fields(footnote.reference)
        metadata = self.chapter.citation_metadata.get(label, {})
        if "language" in metadata:
            given["language"] = metadata["language"]
        differing = [name for name, value in given.items() if getattr(citation, name) != value]
        if differing:
            self.warnings.append(
                Problem(
                    f"[^{label}] is already in the atlas as “{citation.key}” ({reason}) and is "
                    "kept as it is there; the chapter differs in: "
                    + ", ".join(_verbose_names(Citation, differing)),
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

    def import_goals(self, country, created, keys):
        """The chapter's goals, matched in order with the country's; whether any changed."""
        existing = (
            [] if created else list(country.goals.order_by("position").prefetch_related("tags"))
        )
        last_position = max((goal.position for goal in existing), default=0)
        anything_changed, problems = False, []
        for index, section in enumerate(self.chapter.goals):
            if index < len(existing):
                goal, new = existing[index], False
            else:
                last_position += 1
                goal, new = Goal(country=country, position=last_position), True
            try:
                changed = self.import_goal(goal, new, section, keys)
            except ChapterError as error:
                problems += error.problems
                continue
            anything_changed = anything_changed or new or bool(changed)
        refuse_if(problems)
        for goal in existing[len(self.chapter.goals) :]:
            note = ""
            if self.last_import is not None and self.last_import.added_since(goal):
                note = "added in the admin since the last import: the import deletes it"
            self.outcomes.append(
                Outcome("goal", "deleted", f"{goal.position}. {goal.title}", note=note)
            )
            goal.delete()
            anything_changed = True
        return anything_changed

    def import_goal(self, goal, new, section, keys):
        """One goal from its section, saved if it changed; the names of what changed."""
        refuse_if(
            [
                Problem(f"goal: {text}", section.line)
                for text in theme_problems(section.themes or [])
            ]
        )
        values = {"description": relabel(section.text, keys)}
        note = ""
        if section.title is not None:
            values["title"] = section.title
            values["title_suggested"] = section.title_suggested
        elif new:
            values["title"] = section.suggested_title
            values["title_suggested"] = True
            note = "title made from its text: refine it"
        changed = [name for name, value in values.items() if getattr(goal, name) != value]
        diffs = []
        if not new:
            before = {name: getattr(goal, name) for name in changed if name != "title_suggested"}
            diffs = _diffs(Goal, before, values, self.last_import, goal)
        for name, value in values.items():
            setattr(goal, name, value)
        try:
            goal.full_clean()
        except ValidationError as error:
            raise ChapterError(
                validation_problems(error, Goal, {}, section.line, prefix="goal: ")
            ) from None
        if new or changed:
            goal.save()
        current_tags = [] if new else list(goal.tags.all())
        current = [tag.name for tag in current_tags]
        themes = section.themes
        if themes is not None and {name.casefold() for name in themes} != {
            name.casefold() for name in current
        }:
            # django-taggit finds existing themes whatever their case (TAGGIT_CASE_INSENSITIVE).
            goal.tags.set(themes)
            changed.append("tags")
            if not new:
                edited = self.last_import is not None and self.last_import.themes_edited(
                    goal, current
                )
                diffs.append(FieldDiff("themes", ", ".join(current), ", ".join(themes), edited))
        if not themes and (themes is not None or not current):
            # The goal is left without themes (the chapter gives none, or an
            # empty list): suggest the atlas's own.
            suggested, given = self.suggest_themes(goal)
            note = "; ".join(filter(None, [note, suggested]))
            if given and "tags" not in changed:
                changed.append("tags")
        self.outcomes.append(
            Outcome(
                "goal",
                _action(new, changed),
                f"{goal.position}. {goal.title}",
                [] if new else _verbose_names(Goal, changed),
                "; ".join(filter(None, [note, self.edits_note(diffs)])),
                diffs,
            )
        )
        return changed

    def edits_note(self, diffs):
        """What the outcome says when it replaces editors' changes since the last import."""
        edited = [diff.label for diff in diffs if diff.edited_since_import]
        if not edited:
            return ""
        when = self.last_import.date.strftime("%-d %B %Y")
        return f"edited in the admin since the last import ({when}): replaces {', '.join(edited)}"

    def suggest_themes(self, goal):
        """
        Suggest the atlas's existing themes for a goal without any, and give
        it those ``accept_themes`` accepts: (a note for the outcome, whether
        it was given any).
        """
        names = suggest_themes(goal.description, self.theme_names)
        if not names:
            return "", False
        accept = self.accept_themes
        accepted = [
            name
            for name in names
            if accept is ALL or (accept and (self.number, goal.position, name) in accept)
        ]
        self.suggestions.append(ThemeSuggestion(self.number, goal.position, goal.title, names))
        if accepted:
            goal.tags.set(accepted)
            return f"themes suggested, given: {', '.join(accepted)}", True
        return f"themes suggested: {', '.join(names)}", False


@dataclass(frozen=True)
class ThemeSuggestion:
    """Existing themes a goal's text speaks of, for staff to keep or drop."""

    chapter: int  # the chapter's number in the report, from 1
    position: int
    goal_title: str
    themes: list


ALL = "all"  # accept_themes: every suggestion


def find_citation(reference):
    """(citation, why) for a reference already in the atlas, or (None, why not)."""
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
