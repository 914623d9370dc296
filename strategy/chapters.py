"""
Report chapters: one country's strategy as Markdown, read and written.

The format is the report's own (``strategy/fixtures/source/mexico.md``)::

    # Country

    The vision.[^30]

    A paragraph per goal ...

    The conclusion.

    [^30]: Authors (Year). Title: Subtitle. [online] Available at: URL

* The ``# `` heading is the country's name. Footnote markers ``[^label]``
  cite the ``[^label]: reference`` lines (Harvard style, read by
  ``citations.references``); a reference line may go on over the lines that
  follow it up to a blank line.
* **Without** ``## `` headings, the first paragraph is the vision, the last
  the conclusion, and each paragraph between is a goal (its title is made
  from its text, for an editor to refine).
* **With** ``## `` headings (as ``write_chapter`` writes), the text before
  the first one is the vision, each ``## Title`` section is a goal (a
  ``Themes: a, b`` line under the heading gives its themes; a theme with a
  comma in its name is written in double quotes), and a last section
  ``## Conclusion`` is the conclusion.
* Optional front matter in TOML between ``+++`` lines (Hugo's convention)
  carries what the Markdown cannot: the slug, ISO code and region, and per
  footnote label the citation's key, language and source footnote number.
  Without it, the slug comes from the name, the ISO code from pycountry,
  the key from ``citations.references.make_key`` and the source footnote
  number from a numeric label.

    +++
    slug = "mexico"
    iso_code = "MX"
    region = "latin-america-caribbean"

    [citations."30"]
    key = "british-embassy-mexico-city-2018"
    language = "en"
    +++

A text line that would read as structure (a ``#``/``##`` heading or a
``[^label]:`` line, or ``Themes:`` first in a goal) is written with a
backslash in front, and one backslash is taken off such lines when read, so
any text goes out and comes back the same.

Reading touches no database: ``strategy.importing`` turns a ``Chapter``
into rows. ``write_chapter`` turns a country back into text.
"""

import csv
import json
import re
import tomllib
from dataclasses import dataclass, field

from citations.footnotes import MARKER_RE
from citations.models import Citation
from citations.references import (
    ReferenceParseError,
    format_reference,
    parse_reference,
    reference_from_citation,
)

DEFINITION_RE = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")
LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # the same as a marker's key
SUBHEADING_RE = re.compile(r"^#{3,6}(?:[ \t]|$)")
THEMES_RE = re.compile(r"^Themes:[ \t]*(?P<themes>.*)$", re.IGNORECASE)
ESCAPED_RE = re.compile(r"^\\+")
FRONT_MATTER_FENCE = "+++"
CONCLUSION_TITLES = {"conclusion", "conclusions"}
CONCLUSION_HEADING = "Conclusion"

# Longer lines and references than any report has: refused with their line
# (a file of one huge line is not a chapter, and reading it costs time).
MAX_LINE_LENGTH = 20_000
MAX_REFERENCE_LENGTH = 2_000

TITLE_WORDS = 8
NAME_MAX_LENGTH = 100
TITLE_MAX_LENGTH = 200


@dataclass
class Problem:
    """Something wrong (or worth a warning) at a line of the chapter."""

    message: str
    line: int | None = None

    def format(self, filename):
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where}: {self.message}"


class ChapterError(Exception):
    """The chapter cannot be read; ``problems`` says where and why."""

    def __init__(self, problems):
        super().__init__("\n".join(problem.format("chapter") for problem in problems))
        self.problems = problems


@dataclass
class Footnote:
    label: str
    reference: object  # citations.references.Reference
    line: int


@dataclass
class Section:
    """A goal: its title (None when the chapter has no headings), themes and text."""

    title: str | None
    themes: list | None
    text: str
    line: int

    @property
    def suggested_title(self):
        return suggest_title(self.text)


@dataclass
class Chapter:
    name: str
    line: int
    vision: str
    vision_line: int
    goals: list
    conclusion: str
    conclusion_line: int
    headed: bool
    footnotes: dict  # label -> Footnote, cited ones only, in order of first use
    metadata: dict = field(default_factory=dict)  # slug, iso_code, region, when given
    citation_metadata: dict = field(default_factory=dict)  # label -> {key, language, ...}
    warnings: list = field(default_factory=list)


# --- Reading ---------------------------------------------------------------


def heading(line, level):
    """
    The title of a ``#`` (level 1) or ``##`` (level 2) heading on ``line``
    ("" for a heading without one), or None when the line is no such heading.
    """
    if not line.startswith("#" * level):
        return None
    rest = line[level:]
    if rest and rest[0] not in " \t":
        return None
    return rest.strip(" \t")


def decode(data):
    """Bytes as text, or ChapterError saying where the file is not UTF-8."""
    if not data.strip():
        raise ChapterError([Problem("the file is empty", 1)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex().upper()
        raise ChapterError(
            [Problem(f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8", line)]
        ) from None
    return text


def read_chapter(data):
    """A chapter from the bytes of a file: ``parse_chapter(decode(data))``."""
    return parse_chapter(decode(data))


def parse_chapter(text):
    """
    Read a chapter. Raise ChapterError listing every problem found (with its
    line) when the chapter cannot be imported as it is; problems that do not
    stop an import are in ``Chapter.warnings``.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    problems, warnings = [], []
    lines = _checked_lines(lines, problems)
    metadata, citation_metadata, start = _read_front_matter(lines, problems)

    name = name_line = None
    stray_text = False
    body = []  # (line number, text) after the "# " heading, footnote lines removed
    definitions = {}  # label -> (line, text)
    index = start
    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        definition = DEFINITION_RE.match(line)
        if definition:
            text_lines = [definition["text"]]
            while index < len(lines) and lines[index].strip() and not _structural(lines[index]):
                text_lines.append(lines[index])
                index += 1
            label = definition["label"]
            if not LABEL_RE.fullmatch(label):
                problems.append(
                    Problem(
                        f"footnote label [^{label}] may only use letters, digits, hyphens "
                        "and underscores",
                        number,
                    )
                )
            elif label in definitions:
                problems.append(
                    Problem(
                        f"footnote [^{label}] is defined twice (first on line "
                        f"{definitions[label][0]})",
                        number,
                    )
                )
            else:
                definitions[label] = (number, " ".join(text_lines))
            continue
        if name is None:
            title = heading(line, 1)
            if title is not None:
                name, name_line = title, number
                if not name:
                    problems.append(Problem("the “# ” heading has no country name", number))
            elif line.strip() and not stray_text:
                stray_text = True
                problems.append(
                    Problem(
                        "text before the “# Country” heading; a chapter starts with "
                        "the country's name as a “# ” heading",
                        number,
                    )
                )
            continue
        if heading(line, 1) is not None:
            problems.append(
                Problem("a second “# ” heading: a file holds one country's chapter", number)
            )
            continue
        if SUBHEADING_RE.match(line):
            warnings.append(
                Problem(
                    "a “###” sub-heading is not part of the chapter format; it is kept as "
                    "text (use “## ” for a goal)",
                    number,
                )
            )
        body.append((number, line))

    if name is None:
        problems.append(
            Problem("no “# Country” heading: the chapter must start with the country's name", 1)
        )
        raise ChapterError(problems)
    if len(name) > NAME_MAX_LENGTH:
        problems.append(Problem(f"the name is longer than {NAME_MAX_LENGTH} characters", name_line))

    headed = any(heading(line, 2) is not None for _, line in body)
    not_text = set()  # numbers of heading and "Themes:" lines, which cite nothing
    if headed:
        vision, vision_line, goals, conclusion, conclusion_line = _read_sections(
            body, problems, not_text
        )
    else:
        vision, vision_line, goals, conclusion, conclusion_line = _read_paragraphs(body)
    if not vision:
        problems.append(Problem("no vision: there is no text after the “# ” heading", name_line))
        vision_line = name_line

    chapter = Chapter(
        name=name,
        line=name_line,
        vision=vision,
        vision_line=vision_line or name_line,
        goals=goals,
        conclusion=conclusion,
        conclusion_line=conclusion_line or name_line,
        headed=headed,
        footnotes={},
        metadata=metadata,
        citation_metadata=citation_metadata,
        warnings=warnings,
    )
    text_lines = [(number, line) for number, line in body if number not in not_text]
    _read_footnotes(chapter, text_lines, definitions, problems, warnings)
    if problems:
        raise ChapterError(sorted(problems, key=lambda problem: problem.line or 0))
    return chapter


def _structural(line):
    return (
        heading(line, 1) is not None
        or heading(line, 2) is not None
        or bool(DEFINITION_RE.match(line))
    )


def _checked_lines(lines, problems):
    """
    The lines, each one too long or holding a null character reported (and
    blanked, so that reading on finds the other problems and costs nothing).
    """
    checked = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_LENGTH:
            problems.append(
                Problem(
                    f"the line is {len(line):,} characters long; a line may have at most "
                    f"{MAX_LINE_LENGTH:,} (is this really a report chapter?)",
                    number,
                )
            )
            line = ""
        elif "\x00" in line:
            problems.append(
                Problem(
                    "the line holds a null character (U+0000), which text may not contain",
                    number,
                )
            )
            line = line.replace("\x00", "")
        checked.append(line)
    return checked


def _unescape(line, first_of_goal=False):
    """Take one backslash off a line that was escaped by ``_escape``."""
    escaped = ESCAPED_RE.match(line)
    if escaped:
        bare = line[escaped.end() :]
        if _structural(bare) or (first_of_goal and THEMES_RE.match(bare)):
            return line[1:]
    return line


def _block(numbered_lines, first_of_goal=False):
    """(text, first line number) of a run of lines, blank lines at the ends dropped."""
    lines = list(numbered_lines)
    first, last = 0, len(lines)
    while first < last and not lines[first][1].strip():
        first += 1
    while last > first and not lines[last - 1][1].strip():
        last -= 1
    if first == last:
        return "", None
    texts = [
        _unescape(line, first_of_goal=first_of_goal and position == first)
        for position, (_, line) in enumerate(lines[first:last], start=first)
    ]
    return "\n".join(texts).strip(), lines[first][0]


def _read_paragraphs(body):
    paragraphs, current = [], []
    for number, line in [*body, (None, "")]:
        if line.strip():
            current.append((number, line))
        elif current:
            paragraphs.append(_block(current))
            current = []
    if not paragraphs:
        return "", None, [], "", None
    vision, vision_line = paragraphs[0]
    if len(paragraphs) == 1:
        return vision, vision_line, [], "", None
    conclusion, conclusion_line = paragraphs[-1]
    goals = [Section(None, None, text, line) for text, line in paragraphs[1:-1]]
    return vision, vision_line, goals, conclusion, conclusion_line


def _read_sections(body, problems, not_text):
    preamble, sections = [], []
    for number, line in body:
        title = heading(line, 2)
        if title is not None:
            not_text.add(number)
            sections.append((number, title, []))
        elif sections:
            sections[-1][2].append((number, line))
        else:
            preamble.append((number, line))
    vision, vision_line = _block(preamble)

    conclusion, conclusion_line = "", None
    if sections and sections[-1][1].casefold() in CONCLUSION_TITLES:
        number, _, lines = sections.pop()
        conclusion, conclusion_line = _block(lines)
        conclusion_line = conclusion_line or number

    goals = []
    for number, title, lines in sections:
        if not title:
            problems.append(Problem("a “## ” heading has no goal title", number))
        elif len(title) > TITLE_MAX_LENGTH:
            problems.append(
                Problem(f"the goal title is longer than {TITLE_MAX_LENGTH} characters", number)
            )
        themes = []
        first = next((i for i, (_, line) in enumerate(lines) if line.strip()), len(lines))
        content = lines[first:]
        if content and THEMES_RE.match(content[0][1]):
            themes_number, themes_line = content[0]
            content = content[1:]
            not_text.add(themes_number)
            themes = parse_themes(THEMES_RE.match(themes_line)["themes"])
        text, _ = _block(content, first_of_goal=True)
        if not text:
            problems.append(Problem(f"the goal “{title}” has no text", number))
        goals.append(Section(title, themes, text, number))
    return vision, vision_line, goals, conclusion, conclusion_line


def _read_front_matter(lines, problems):
    """(metadata, citation metadata, index of the first line after it)."""
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return {}, {}, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        problems.append(Problem("the front matter opened by “+++” is never closed", 1))
        return {}, {}, len(lines)
    try:
        data = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        line = int(match[1]) + 1 if match else 1
        problems.append(Problem(f"cannot read the front matter (TOML): {error}", line))
        return {}, {}, end + 1

    metadata, citation_metadata = {}, {}
    for key, value in data.items():
        if key in {"slug", "iso_code", "region"} and isinstance(value, str):
            metadata[key] = value.strip()
        elif key == "citations" and isinstance(value, dict):
            for label, fields in value.items():
                if not isinstance(fields, dict) or not all(
                    name in {"key", "language", "source_label"} and isinstance(text, str)
                    for name, text in fields.items()
                ):
                    problems.append(
                        Problem(
                            f'front matter: [citations."{label}"] may only give key, '
                            "language and source_label, as text",
                            1,
                        )
                    )
                    continue
                citation_metadata[str(label)] = {n: t.strip() for n, t in fields.items()}
        else:
            problems.append(
                Problem(
                    f"front matter: unknown or malformed entry “{key}” (known: slug, "
                    "iso_code, region, citations)",
                    1,
                )
            )
    return metadata, citation_metadata, end + 1


def _read_footnotes(chapter, text_lines, definitions, problems, warnings):
    cited = {}  # label -> first line cited
    for number, line in text_lines:
        for marker in MARKER_RE.finditer(line):
            cited.setdefault(marker[1], number)
    for label, number in cited.items():
        if label not in definitions:
            problems.append(Problem(f"footnote [^{label}] has no reference", number))
            continue
        line, text = definitions[label]
        if len(text) > MAX_REFERENCE_LENGTH:
            problems.append(
                Problem(
                    f"the reference of [^{label}] is {len(text):,} characters long; a reference "
                    f"may have at most {MAX_REFERENCE_LENGTH:,}",
                    line,
                )
            )
            continue
        try:
            reference = parse_reference(text)
        except ReferenceParseError as error:
            problems.append(
                Problem(f"cannot read the reference of [^{label}] ({error}): {text}", line)
            )
            continue
        warnings += [Problem(f"[^{label}]: {warning}", line) for warning in reference.warnings]
        chapter.footnotes[label] = Footnote(label, reference, line)
    for label, (line, _) in definitions.items():
        if label not in cited:
            warnings.append(
                Problem(f"footnote [^{label}] is never cited; its reference is not imported", line)
            )
    for label in chapter.citation_metadata:
        if label not in definitions:
            warnings.append(
                Problem(f"front matter names footnote [^{label}], which is not defined", 1)
            )


def parse_themes(text):
    """Theme names from a "Themes:" line: comma-separated, double quotes around commas."""
    row = next(csv.reader([text], skipinitialspace=True), [])
    return list(dict.fromkeys(name.strip() for name in row if name.strip()))


def format_themes(names):
    return ", ".join(
        '"' + name.replace('"', '""') + '"' if {",", '"'} & set(name) else name for name in names
    )


def relabel(text, keys):
    """The text with each marker ``[^label]`` rewritten as ``[^keys[label]]``."""
    return MARKER_RE.sub(lambda marker: f"[^{keys.get(marker[1], marker[1])}]", text)


def suggest_title(text):
    """
    A short goal title made from a goal's text, for an editor to refine: the
    first sentence without its footnote markers, cut after a few words.
    """
    plain = " ".join(MARKER_RE.sub("", text).split())
    sentence = re.split(r"(?<=[.!?])\s", plain, maxsplit=1)[0].rstrip(".!? ")
    words = sentence.split()
    if len(words) <= TITLE_WORDS:
        title = sentence
    else:
        title = " ".join(words[:TITLE_WORDS]).rstrip(",;:") + "…"
    return title[:TITLE_MAX_LENGTH] or "Goal"


# --- Writing ---------------------------------------------------------------


def _escape(line, first_of_goal=False):
    bare = line[ESCAPED_RE.match(line).end() :] if ESCAPED_RE.match(line) else line
    if _structural(bare) or (first_of_goal and THEMES_RE.match(bare)):
        return "\\" + line
    return line


def _escape_text(text, first_of_goal=False):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join(
        _escape(line, first_of_goal=first_of_goal and index == 0)
        for index, line in enumerate(lines)
    )


def _toml_string(value):
    # A JSON string is a TOML basic string, once DEL is escaped too.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


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


def default_source_label(label):
    """The source footnote number a label stands for when the front matter gives none."""
    return label if label.isdigit() else ""


def write_chapter(country):
    """
    The country as a chapter with ``## `` headings, its front matter and its
    references: ``parse_chapter`` reads it back as the same country.
    """
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

    front = [
        FRONT_MATTER_FENCE,
        f"slug = {_toml_string(country.slug)}",
        f"iso_code = {_toml_string(country.iso_code)}",
        f"region = {_toml_string(country.region)}",
    ]
    for citation in cited:
        label = labels[citation.key]
        front += ["", f"[citations.{_toml_string(label)}]", f"key = {_toml_string(citation.key)}"]
        if citation.language:
            front.append(f"language = {_toml_string(citation.language)}")
        if citation.source_label != default_source_label(label):
            front.append(f"source_label = {_toml_string(citation.source_label)}")
    front.append(FRONT_MATTER_FENCE)

    def text(value, first_of_goal=False):
        return _escape_text(relabel(value, labels), first_of_goal=first_of_goal)

    parts = ["\n".join(front), f"# {country.name}", text(country.vision)]
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
