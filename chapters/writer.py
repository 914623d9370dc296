"""
Writing countries as report chapters, which ``chapters.reader`` reads back
as the same countries: goals as ``## `` headings with their ``Themes:``
lines, TOML front matter (written by tomli-w) for what Markdown cannot
hold, and the references in Harvard style. One country, or the whole atlas
as one report; as Markdown, or for Word (``chapters.word.text_to_docx``).
"""

import tomli_w
from django.conf import settings
from django.utils import translation

from citations.footnotes import MARKER_RE
from citations.models import Citation
from citations.references import format_reference, reference_from_citation

from .syntax import (
    CONCLUSION_HEADING,
    FRONT_MATTER_CLASS,
    FRONT_MATTER_FENCE,
    LABEL_RE,
    default_source_label,
    escape_line,
    format_themes,
    relabel,
)


def write_chapter(country):
    """The country (draft or published) as the text of a chapter."""
    return write_report([country])


def write_report(countries, *, for_word=False):
    """
    Countries (drafts or published) as one report, a chapter each: footnote
    labels are the report's own, so a source that several chapters cite is
    one label with one reference line. ``for_word`` writes it for pandoc to
    make a Word file: the front matter in a code block, and one footnote per
    marker, numbered in reading order as Word numbers them.
    """
    chapters = [_chapter_parts(country) for country in countries]
    cited = list({c.key: c for _, _, citations in chapters for c in citations}.values())
    labels = footnote_labels(cited)
    numbering = _WordNumbering() if for_word else None
    defined = set()
    texts = []
    for country, goals, citations in chapters:
        texts.append(
            format_chapter(country, goals, citations, labels, defined=defined, numbering=numbering)
        )
    return "\n".join(texts)


def _chapter_parts(country):
    goals = list(country.goals.order_by("position").prefetch_related("tags"))
    keys = country.cited_keys(goals)
    citations = {citation.key: citation for citation in Citation.objects.filter(key__in=keys)}
    themes = [sorted(tag.name for tag in goal.tags.all()) for goal in goals]
    return (
        country,
        list(zip(goals, themes, strict=True)),
        [citations[key] for key in keys if key in citations],
    )


class _WordNumbering:
    """Markers numbered one by one across a report written for Word: number -> citation."""

    def __init__(self):
        self.citations = []

    def relabel(self, text, by_key):
        def number(marker):
            citation = by_key.get(marker[1])
            if citation is None:
                return marker[0]
            self.citations.append(citation)
            return f"[^{len(self.citations)}]"

        return MARKER_RE.sub(number, text)


def format_chapter(country, goals, cited, labels=None, *, defined=None, numbering=None):
    """
    The text of one chapter: ``goals`` are (goal, theme names) pairs in
    order, ``cited`` the citations in order of first use, ``labels`` their
    footnote labels (``footnote_labels``). References already ``defined``
    (a set of labels, updated) by an earlier chapter of the report are not
    written again. With ``numbering`` (``_WordNumbering``), markers are
    numbered one by one instead, for Word.
    """
    labels = labels if labels is not None else footnote_labels(cited)
    defined = defined if defined is not None else set()
    by_key = {citation.key: citation for citation in cited}
    first_number = len(numbering.citations) + 1 if numbering else None

    def text(value, first_of_goal=False):
        if numbering is not None:
            value = numbering.relabel(value, by_key)
        else:
            value = relabel(value, labels)
        return _escape_text(value, first_of_goal=first_of_goal)

    body = [f"# {country.name}", text(country.vision)]
    for goal, theme_names in goals:
        body.append(f"## {goal.title}")
        if theme_names:
            body.append(f"Themes: {format_themes(theme_names)}")
        body.append(text(goal.description, first_of_goal=True))
    body.append(f"## {CONCLUSION_HEADING}")
    if country.conclusion.strip():
        body.append(text(country.conclusion))

    if numbering is not None:
        notes = list(enumerate(numbering.citations[first_number - 1 :], start=first_number))
        front = front_matter(country, [(str(number), c) for number, c in notes], for_word=True)
        references = [
            f"[^{number}]: {format_reference(reference_from_citation(citation))}"
            for number, citation in notes
        ]
    else:
        front = front_matter(country, [(labels[c.key], c) for c in cited])
        references = [
            f"[^{labels[c.key]}]: {format_reference(reference_from_citation(c))}"
            for c in cited
            if labels[c.key] not in defined
        ]
        defined.update(labels[c.key] for c in cited)
    return "\n\n".join([front, *body, *references]) + "\n"


def front_matter(country, labelled, *, for_word=False):
    """
    The chapter's front matter: slug, ISO code, region, and each citation's
    key and more by its label; ``labelled`` is (label, citation) pairs. For
    Word, a code block (which pandoc keeps as one); else a ``+++`` block.
    """
    data = {"slug": country.slug, "iso_code": country.iso_code, "region": country.region}
    # The language the chapter is written in, when not English (an export in
    # Spanish), so that importing it says whether it is read as it was written.
    language = translation.get_language()
    if language and language != settings.LANGUAGE_CODE:
        data["language"] = language
    goals = list(country.goals.all())
    suggested = [number for number, goal in enumerate(goals, start=1) if goal.title_suggested]
    if suggested:
        data["suggested_titles"] = suggested
    citations = {}
    for label, citation in labelled:
        entry = citations[label] = {"key": citation.key}
        if citation.language:
            entry["language"] = citation.language
        if citation.source_label != default_source_label(label):
            entry["source_label"] = citation.source_label
    if citations:
        data["citations"] = citations
    toml = tomli_w.dumps(data).strip()
    if for_word:
        return f"``` {FRONT_MATTER_CLASS}\n{toml}\n```"
    return f"{FRONT_MATTER_FENCE}\n{toml}\n{FRONT_MATTER_FENCE}"


def footnote_labels(citations):
    """
    The label each citation gets in a chapter: its source footnote number
    when it has one (so the report's numbering comes back), else its key.
    """
    labels, used = {}, set()
    for citation in citations:
        candidates = [citation.source_label, citation.key]
        label = next(
            (
                candidate
                for candidate in candidates
                if candidate and candidate not in used and LABEL_RE.fullmatch(candidate)
            ),
            None,
        )
        number = 2
        while label is None or label in used:
            label = f"{citation.key}-{number}"
            number += 1
        labels[citation.key] = label
        used.add(label)
    return labels


def _escape_text(text, first_of_goal=False):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join(
        escape_line(line, first_of_goal=first_of_goal and index == 0)
        for index, line in enumerate(lines)
    )
