"""
Importing a chapter written in another language as the translation of a
country the atlas has: its name, vision, conclusion and goals' texts become
that language's version of the country (``vision_es``, ...); nothing of the
English version, the goals' order or themes, or the sources changes.

The chapter is matched to its country by its name in that language, its
English name, or its slug (front matter ``slug:``, else made from the name:
"México" is ``mexico``). It must have as many goals as the country, in the
same order; its footnotes must cite sources the atlas already has (by URL,
or title and year, as the English import finds them), so the markers become
the same keys. Goal headings, when the chapter has them, are the goals'
translated titles. A text the same as the English one is not a translation
(an export in that language writes English where nothing is translated yet):
it leaves the translation as it is; a chapter whose texts are all English
is refused, as is one whose front matter names another language. The import
is one transaction and one revision, or, with problems, nothing written.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from strategy import drafts, languages, publishing, versions
from strategy.models import Country
from strategy.revisions import save_revision

from .importer import find_citation
from .problems import ChapterError, Problem
from .syntax import relabel


@dataclass
class TranslationResult:
    country: Country
    language: str
    changed: list = field(default_factory=list)  # what changed, as an editor would say it
    dry_run: bool = False

    def __str__(self):
        language = languages.name_of(self.language)
        if not self.changed:
            return (
                f"{self.country.name_en}: the {language} version is already as the chapter has it."
            )
        done = "would change" if self.dry_run else "changed"
        return f"{self.country.name_en}, {language} version: {done} {', '.join(self.changed)}."


def find_country(chapter, code):
    slug = chapter.metadata.get("slug") or slugify(chapter.name)
    return (
        Country.objects.filter(
            Q(**{f"{languages.column('name', code)}__iexact": chapter.name})
            | Q(name_en__iexact=chapter.name)
            | Q(slug=slug)
        )
        .order_by("pk")
        .first()
    )


@languages.in_english
def import_translation(chapter, code, *, user=None, source_name="chapter", dry_run=False):
    """
    Import ``chapter`` (``chapters.reader.Chapter``) as the ``code`` version of
    its country. Raise ChapterError, with nothing written, listing every problem.
    """
    if code not in languages.other_codes():
        raise ChapterError([Problem(f"“{code}” is not a language the atlas is translated into")])
    written_in = chapter.metadata.get("language")
    if written_in and written_in != code:
        raise ChapterError(
            [
                Problem(
                    f"the chapter says it is written in “{written_in}” (front matter language), "
                    f"not in “{code}”",
                    chapter.line,
                )
            ]
        )
    country = find_country(chapter, code)
    if country is None:
        raise ChapterError(
            [
                Problem(
                    f"no country “{chapter.name}” in the atlas to translate: import its English "
                    "chapter first (or give the English country's slug in the front matter)",
                    chapter.line,
                )
            ]
        )
    problems = []
    if drafts.working_draft(country) is not None:
        problems.append(
            Problem(
                f"{country.name_en} has a working draft: publish or discard it first, so that "
                "the translation does not change a page being edited",
                chapter.line,
            )
        )
    keys = {}
    for label, footnote in chapter.footnotes.items():
        citation, _why = find_citation(footnote.reference)
        if citation is None:
            problems.append(
                Problem(
                    f"footnote [^{label}] cites a source the atlas does not have: a translation "
                    "cites the sources of the English version",
                    footnote.line,
                )
            )
        else:
            keys[label] = citation.key
    goals = list(country.goals.order_by("position"))
    if len(chapter.goals) != len(goals):
        problems.append(
            Problem(
                f"the chapter has {len(chapter.goals)} goals and {country.name_en} has "
                f"{len(goals)}: a translation has the same goals, in the same order",
                chapter.line,
            )
        )
    if problems:
        raise ChapterError(problems)

    values = {
        "name": chapter.name,
        "vision": relabel(chapter.vision, keys),
        "conclusion": relabel(chapter.conclusion, keys),
    }
    if _all_english(country, goals, values, chapter, keys):
        raise ChapterError(
            [
                Problem(
                    f"every text of the chapter is {country.name_en}'s English text: it is not a "
                    f"translation into {languages.name_of(code)} (import it without a language)",
                    chapter.line,
                )
            ]
        )
    with transaction.atomic():
        changed = [f"the {name}" for name in _translate(country, values, code)]
        for goal, section in zip(goals, chapter.goals, strict=True):
            goal_values = {"description": relabel(section.text, keys)}
            if section.title:
                goal_values["title"] = section.title
            if _translate(goal, goal_values, code):
                _check(goal, section.line)
                goal.save()
                changed.append(f"goal {goal.position}")
        if changed:
            _check(country, chapter.line)
            publishing.record_change(country)
            country.save()
            country.sync_citations()
            if country.is_published:
                versions.record(country, f"{languages.name_of(code)} version imported.")
            save_revision(
                country,
                user=user,
                comment=f"{languages.name_of(code)} version imported from {source_name}",
            )
        if dry_run:
            transaction.set_rollback(True)
    return TranslationResult(country, code, changed, dry_run)


def _all_english(country, goals, values, chapter, keys):
    """Whether the chapter's texts are all the country's English ones (an English chapter)."""
    english = languages.default_language()
    texts = [(country, name, value) for name, value in values.items() if value]
    texts += [
        (goal, "description", relabel(section.text, keys))
        for goal, section in zip(goals, chapter.goals, strict=True)
    ]
    return all(value == getattr(obj, languages.column(name, english)) for obj, name, value in texts)


def _translate(obj, values, code):
    """
    Give ``obj`` the ``values`` ({field name: text}) as its ``code`` texts. A
    text the same as the English one is no translation: it leaves the
    translation as it is (empty, or the one written since). Returns the names
    of the fields that changed.
    """
    changed = []
    for name, value in values.items():
        column = languages.column(name, code)
        if value == getattr(obj, languages.column(name, languages.default_language())):
            continue
        if (getattr(obj, column) or "") != value:
            setattr(obj, column, value or None)
            changed.append(name)
    return changed


def _check(obj, line):
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean()
    except ValidationError as error:
        raise ChapterError([Problem(f"{message}", line) for message in error.messages]) from None
