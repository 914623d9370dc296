"""
Writing a country as a report chapter, which ``chapters.reader`` reads back
as the same country: goals as ``## `` headings with their ``Themes:``
lines, TOML front matter (written by tomli-w) for what Markdown cannot
hold, and the references in Harvard style.
"""

import tomli_w

from citations.models import Citation
from citations.references import format_reference, reference_from_citation

from .syntax import (
    CONCLUSION_HEADING,
    FRONT_MATTER_FENCE,
    LABEL_RE,
    default_source_label,
    escape_line,
    format_themes,
    relabel,
)


def write_chapter(country):
    """The country (draft or published) as the text of a chapter."""
    goals = list(country.goals.order_by("position").prefetch_related("tags"))
    keys = country.cited_keys(goals)
    citations = {citation.key: citation for citation in Citation.objects.filter(key__in=keys)}
    themes = [sorted(tag.name for tag in goal.tags.all()) for goal in goals]
    return format_chapter(
        country,
        list(zip(goals, themes, strict=True)),
        [citations[key] for key in keys if key in citations],
    )


def format_chapter(country, goals, cited):
    """
    The text of ``write_chapter``: ``goals`` are (goal, theme names) pairs in
    order, ``cited`` the citations in order of first use.
    """
    labels = footnote_labels(cited)

    def text(value, first_of_goal=False):
        return _escape_text(relabel(value, labels), first_of_goal=first_of_goal)

    parts = [front_matter(country, cited, labels), f"# {country.name}", text(country.vision)]
    for goal, theme_names in goals:
        parts.append(f"## {goal.title}")
        if theme_names:
            parts.append(f"Themes: {format_themes(theme_names)}")
        parts.append(text(goal.description, first_of_goal=True))
    parts.append(f"## {CONCLUSION_HEADING}")
    if country.conclusion.strip():
        parts.append(text(country.conclusion))
    for citation in cited:
        reference = format_reference(reference_from_citation(citation))
        parts.append(f"[^{labels[citation.key]}]: {reference}")
    return "\n\n".join(parts) + "\n"


def front_matter(country, cited, labels):
    """The ``+++`` block: slug, ISO code, region, and each citation's key and more."""
    data = {"slug": country.slug, "iso_code": country.iso_code, "region": country.region}
    citations = {}
    for citation in cited:
        label = labels[citation.key]
        entry = citations[label] = {"key": citation.key}
        if citation.language:
            entry["language"] = citation.language
        if citation.source_label != default_source_label(label):
            entry["source_label"] = citation.source_label
    if citations:
        data["citations"] = citations
    return f"{FRONT_MATTER_FENCE}\n{tomli_w.dumps(data).strip()}\n{FRONT_MATTER_FENCE}"


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
