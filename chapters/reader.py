"""
Reading report chapters: one country's strategy as Markdown, into a ``Chapter``.

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
* **With** ``## `` headings (as ``chapters.writer`` writes), the text before
  the first one is the vision, each ``## Title`` section is a goal (a
  ``Themes: a, b`` line under the heading gives its themes; a theme with a
  comma in its name is written in double quotes), and a last section
  ``## Conclusion`` is the conclusion.
* Optional front matter in TOML between ``+++`` lines (Hugo's convention)
  carries what the Markdown cannot: the slug, ISO code and region, and per
  footnote label the citation's key, language and source footnote number.
  Without it, the slug comes from the name, the ISO code from pycountry,
  the key from ``citations.references.make_key`` and the source footnote
  number from a numeric label::

    +++
    slug = "mexico"
    iso_code = "MX"
    region = "latin-america-caribbean"

    [citations."30"]
    key = "british-embassy-mexico-city-2018"
    language = "en"
    +++

Reading touches no database: ``chapters.importer`` turns a ``Chapter`` into
rows. Every problem found is reported at once, each with its line.
"""

import re
import tomllib
from dataclasses import dataclass, field, replace

from citations.footnotes import MARKER_RE
from citations.references import ReferenceParseError, parse_reference

from .problems import ChapterError, Problem, refuse_if
from .syntax import (
    CONCLUSION_TITLES,
    DEFINITION_RE,
    FRONT_MATTER_FENCE,
    FRONT_MATTER_KEYS,
    LABEL_RE,
    MAX_CHAPTERS,
    MAX_FOOTNOTES,
    MAX_GOALS,
    MAX_LINE_LENGTH,
    MAX_REFERENCE_LENGTH,
    NAME_MAX_LENGTH,
    SUBHEADING_RE,
    THEMES_RE,
    TITLE_MAX_LENGTH,
    heading,
    is_structural,
    parse_themes,
    suggest_title,
    unescape_line,
)


@dataclass
class Footnote:
    label: str
    reference: object  # citations.references.Reference
    line: int
    authors_corrected: bool = False  # staff gave the authors in the import preview

    @property
    def authors_to_check(self):
        """Whether staff should look at how the authors were read."""
        return bool(self.reference.authors_note) or self.authors_corrected


@dataclass
class Section:
    """A goal: its title (None when the chapter has no headings), themes and text."""

    title: str | None
    themes: list | None
    text: str
    line: int
    title_suggested: bool = False  # a title the import made, not yet confirmed (front matter)

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
    footnotes: dict  # label -> Footnote, cited ones only, in order of first use
    metadata: dict = field(default_factory=dict)  # slug, iso_code, region, when given
    citation_metadata: dict = field(default_factory=dict)  # label -> {key, language, ...}
    warnings: list = field(default_factory=list)
    cited_labels: set = field(default_factory=set)  # every label the text cites


@dataclass
class Report:
    """
    A file's chapters, in order, and the warnings that belong to no one
    chapter (each chapter has its own in ``Chapter.warnings``).
    """

    chapters: list
    warnings: list = field(default_factory=list)

    def footnotes(self):
        """Every chapter's footnotes, each once (chapters may share one): label -> Footnote."""
        return {
            label: footnote
            for chapter in self.chapters
            for label, footnote in chapter.footnotes.items()
        }

    def correct_authors(self, corrections):
        """
        Give each footnote in ``corrections`` (label -> names) those authors,
        as staff corrected them in the import preview; the warning that the
        authors could be read otherwise goes.
        """
        for label, footnote in self.footnotes().items():
            if label not in corrections:
                continue
            reference = footnote.reference
            note = f"[^{label}]: {reference.authors_note}" if reference.authors_note else None
            footnote.reference = replace(
                reference,
                authors=tuple(corrections[label]),
                authors_note="",
                warnings=tuple(w for w in reference.warnings if w != reference.authors_note),
            )
            footnote.authors_corrected = True
            if note is not None:
                for chapter in self.chapters:
                    chapter.warnings = [w for w in chapter.warnings if w.message != note]

    @property
    def all_warnings(self):
        warnings = [*self.warnings, *(w for chapter in self.chapters for w in chapter.warnings)]
        return sorted(warnings, key=lambda warning: warning.line or 0)


@dataclass
class _Part:
    """One chapter as the file holds it: its front matter, heading and text lines."""

    name: str
    name_line: int
    metadata: dict = field(default_factory=dict)
    citation_metadata: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)  # (number, text), definitions taken out
    warnings: list = field(default_factory=list)


def decode(data):
    """Bytes as text, or ChapterError saying where the file is not UTF-8."""
    if not data.strip():
        raise ChapterError([Problem("the file is empty", 1)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start : error.start + 1]
        guess = byte.decode("cp1252", errors="replace")
        raise ChapterError(
            [
                Problem(
                    f"not UTF-8 text (byte 0x{byte.hex().upper()} at character {column}, "
                    f"“{guess}” in Windows-1252); save the file as UTF-8",
                    line,
                )
            ]
        ) from None
    return text


def read_chapter(data):
    """A chapter from the bytes of a file: ``parse_chapter(decode(data))``."""
    return parse_chapter(decode(data))


def read_report(data, **options):
    """A report from the bytes of a file: ``parse_report(decode(data))``."""
    return parse_report(decode(data), **options)


def parse_chapter(text, **options):
    """The one chapter of ``text``, read as ``parse_report`` reads it."""
    report = parse_report(text, **options)
    if len(report.chapters) > 1:
        second = report.chapters[1]
        raise ChapterError(
            [
                Problem(
                    f"this file holds {len(report.chapters)} chapters; one was expected",
                    second.line,
                )
            ]
        )
    return report.chapters[0]


def parse_report(text, *, known_authors=frozenset()):
    """
    Read a report: one or more chapters, each from its ``# Country`` heading
    to the next. Each chapter may have front matter of its own, just before
    its heading. Footnote definitions may stand anywhere (after each chapter,
    or all at the end, as Word exports them): their labels belong to the
    whole report (the source report numbers its footnotes on from chapter to
    chapter). Raise ChapterError listing every problem of every chapter, with
    its line; problems that do not stop an import are warnings.

    ``known_authors`` (casefolded names already in the atlas) are kept whole
    in author lists.
    """
    problems, warnings = [], []
    lines = _checked_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), problems)
    parts, definitions = _split_report(lines, problems, warnings)
    if not parts:
        problems.append(
            Problem("no “# Country” heading: the chapter must start with the country's name", 1)
        )
        raise ChapterError(problems)
    if len(parts) > MAX_CHAPTERS:
        problems.append(
            Problem(
                f"the file holds {len(parts):,} chapters; a report may hold at most {MAX_CHAPTERS}",
                parts[MAX_CHAPTERS].name_line,
            )
        )
        raise ChapterError(problems)
    _check_names(parts, problems)
    references = _References(definitions, known_authors)
    chapters, cited = [], set()
    for part in parts:
        chapter = _read_part(part, references, problems)
        if chapter is not None:
            chapters.append(chapter)
            cited |= chapter.cited_labels
    unused = [
        Problem(f"footnote [^{label}] is never cited; its reference is not imported", line)
        for label, (line, _) in definitions.items()
        if label not in cited
    ]
    if len(parts) == 1 and chapters:
        chapters[0].warnings += unused  # a chapter's own file: its warnings
    else:
        warnings += unused
    refuse_if(problems)
    return Report(chapters, warnings)


def _check_names(parts, problems):
    seen = {}
    for part in parts:
        if part.name and part.name.casefold() in seen:
            problems.append(
                Problem(
                    f"a second chapter on {part.name} (the first is on line "
                    f"{seen[part.name.casefold()]}): a report holds each country once",
                    part.name_line,
                )
            )
        seen.setdefault(part.name.casefold(), part.name_line)


def _read_part(part, references, problems):
    """One chapter from its part of the file, or None with its problems added to ``problems``."""
    mine = []
    if not part.name:
        mine.append(Problem("the “# ” heading has no country name", part.name_line))
    elif len(part.name) > NAME_MAX_LENGTH:
        mine.append(
            Problem(f"the name is longer than {NAME_MAX_LENGTH} characters", part.name_line)
        )
    not_text = set()  # numbers of heading and "Themes:" lines, which cite nothing
    if any(heading(line, 2) is not None for _, line in part.lines):
        sections = _read_sections(part.lines, mine, not_text)
    else:
        sections = _read_paragraphs(part.lines)
    vision, vision_line, goals, conclusion, conclusion_line = sections
    if len(goals) > MAX_GOALS:
        mine.append(
            Problem(
                f"the chapter has {len(goals):,} goals; a chapter may have at most {MAX_GOALS}",
                goals[MAX_GOALS].line,
            )
        )
    if not vision:
        mine.append(Problem("no vision: there is no text after the “# ” heading", part.name_line))
    text_lines = [(number, line) for number, line in part.lines if number not in not_text]
    warnings = list(part.warnings)
    footnotes, cited = _read_footnotes(text_lines, references, mine, warnings)
    warnings += [
        Problem(f"front matter names footnote [^{label}], which is not defined", part.name_line)
        for label in part.citation_metadata
        if label not in references.definitions
    ]
    for number in part.metadata.pop("suggested_titles", []):
        if 1 <= number <= len(goals) and goals[number - 1].title is not None:
            goals[number - 1].title_suggested = True
        else:
            warnings.append(
                Problem(f"front matter: suggested_titles names no goal {number}", part.name_line)
            )
    if mine:
        problems += mine
        return None
    chapter = Chapter(
        name=part.name,
        line=part.name_line,
        vision=vision,
        vision_line=vision_line or part.name_line,
        goals=goals,
        conclusion=conclusion,
        conclusion_line=conclusion_line or part.name_line,
        footnotes=footnotes,
        metadata=part.metadata,
        citation_metadata=part.citation_metadata,
        warnings=warnings,
        cited_labels=cited,
    )
    return chapter


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


def _split_report(lines, problems, warnings):
    """
    The file's chapters (``_Part``), each with its front matter, heading and
    text, and the footnote definitions of the whole file, in one pass.
    """
    parts, definitions = [], {}
    pending = {}, {}  # front matter read, waiting for its heading
    stray_text = False
    index = 0
    if lines and lines[0].strip() == FRONT_MATTER_FENCE:
        pending, index = _read_front_matter(lines, 0, problems)
    while index < len(lines):
        number, line = index + 1, lines[index]
        if DEFINITION_RE.match(line):
            index = _read_definition(lines, index, definitions, problems)
            continue
        if line.strip() == FRONT_MATTER_FENCE and _front_matter_of_a_chapter(lines, index):
            pending, index = _read_front_matter(lines, index, problems)
            continue
        index += 1
        title = heading(line, 1)
        if title is not None:
            metadata, citation_metadata = pending
            parts.append(_Part(title, number, metadata, citation_metadata))
            pending = {}, {}
        elif not parts:
            if line.strip() and not stray_text:
                stray_text = True
                problems.append(
                    Problem(
                        "text before the “# Country” heading; a chapter starts with "
                        "the country's name as a “# ” heading",
                        number,
                    )
                )
        else:
            if SUBHEADING_RE.match(line):
                parts[-1].warnings.append(
                    Problem(
                        "a “###” sub-heading is not part of the chapter format; it is kept as "
                        "text (use “## ” for a goal)",
                        number,
                    )
                )
            parts[-1].lines.append((number, line))
    return parts, definitions


def _front_matter_of_a_chapter(lines, index):
    """Whether the ``+++`` line at ``index`` opens a block followed by a ``# `` heading."""
    end = next(
        (i for i in range(index + 1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), None
    )
    if end is None:
        return False
    after = next((line for line in lines[end + 1 :] if line.strip()), "")
    return heading(after, 1) is not None


def _read_definition(lines, index, definitions, problems):
    """
    Read the ``[^label]: reference`` starting at ``lines[index]`` (it may go
    on over the following lines, up to a blank or structural one) into
    ``definitions``; the index of the line after it.
    """
    number = index + 1
    definition = DEFINITION_RE.match(lines[index])
    texts = [definition["text"]]
    index += 1
    while index < len(lines) and lines[index].strip() and not is_structural(lines[index]):
        texts.append(lines[index])
        index += 1
    label = definition["label"]
    if not LABEL_RE.fullmatch(label):
        problems.append(
            Problem(
                f"footnote label [^{label}] may only use letters, digits, hyphens and underscores",
                number,
            )
        )
    elif label in definitions:
        problems.append(
            Problem(
                f"footnote [^{label}] is defined twice (first on line {definitions[label][0]})",
                number,
            )
        )
    else:
        definitions[label] = (number, " ".join(texts))
    return index


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
        unescape_line(line, first_of_goal=first_of_goal and position == first)
        for position, (_, line) in enumerate(lines[first:last], start=first)
    ]
    return "\n".join(texts).strip(), lines[first][0]


def _read_paragraphs(body):
    """A chapter without ``## `` headings: vision, a goal per paragraph, conclusion."""
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
    """A chapter with ``## `` headings: the vision before them, a goal each, the conclusion."""
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

    goals = [
        _read_goal(number, title, lines, problems, not_text) for number, title, lines in sections
    ]
    return vision, vision_line, goals, conclusion, conclusion_line


def _read_goal(number, title, lines, problems, not_text):
    """One ``## Title`` section: its ``Themes:`` line, if first, and its text."""
    if not title:
        problems.append(Problem("a “## ” heading has no goal title", number))
    elif len(title) > TITLE_MAX_LENGTH:
        problems.append(
            Problem(f"the goal title is longer than {TITLE_MAX_LENGTH} characters", number)
        )
    first = next((i for i, (_, line) in enumerate(lines) if line.strip()), len(lines))
    content, themes = lines[first:], []
    if content and THEMES_RE.match(content[0][1]):
        themes_number, themes_line = content[0]
        content = content[1:]
        not_text.add(themes_number)
        themes = parse_themes(THEMES_RE.match(themes_line)["themes"])
    text, _ = _block(content, first_of_goal=True)
    if not text:
        problems.append(Problem(f"the goal “{title}” has no text", number))
    return Section(title, themes, text, number)


def _read_front_matter(lines, start, problems):
    """
    The TOML between the ``+++`` line at ``start`` and the next:
    ((metadata, citation metadata), the index of the line after it).
    """
    first_line = start + 1
    try:
        end = next(
            i for i in range(start + 1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE
        )
    except StopIteration:
        problems.append(Problem("the front matter opened by “+++” is never closed", first_line))
        return ({}, {}), len(lines)
    try:
        data = tomllib.loads("\n".join(lines[start + 1 : end]))
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        line = start + int(match[1]) + 1 if match else first_line
        problems.append(Problem(f"cannot read the front matter (TOML): {error}", line))
        return ({}, {}), end + 1
    except RecursionError:
        problems.append(
            Problem("cannot read the front matter (TOML): nested too deeply", first_line)
        )
        return ({}, {}), end + 1

    metadata, citation_metadata = {}, {}
    for key, value in data.items():
        if key in {"slug", "iso_code", "region", "language"} and isinstance(value, str):
            metadata[key] = value.strip()
        elif (
            key == "suggested_titles"
            and isinstance(value, list)
            and all(type(number) is int for number in value)
        ):
            metadata[key] = value
        elif key == "citations" and isinstance(value, dict):
            citation_metadata = _read_citation_metadata(value, problems, first_line)
        else:
            problems.append(
                Problem(
                    f"front matter: unknown or malformed entry “{key}” (known: "
                    f"{', '.join(sorted(FRONT_MATTER_KEYS))})",
                    first_line,
                )
            )
    return (metadata, citation_metadata), end + 1


def _read_citation_metadata(entries, problems, line):
    """``[citations."label"]`` tables: key, language and source_label, as text."""
    metadata = {}
    for label, fields in entries.items():
        if not isinstance(fields, dict) or not all(
            name in {"key", "language", "source_label"} and isinstance(text, str)
            for name, text in fields.items()
        ):
            problems.append(
                Problem(
                    f'front matter: [citations."{label}"] may only give key, '
                    "language and source_label, as text",
                    line,
                )
            )
            continue
        metadata[str(label)] = {name: text.strip() for name, text in fields.items()}
    return metadata


def _read_footnotes(text_lines, references, problems, warnings):
    """
    (the footnotes the text cites, in order of first use, each with its
    reference read; the labels it cites).
    """
    cited = {}  # label -> first line cited
    for number, line in text_lines:
        for marker in MARKER_RE.finditer(line):
            cited.setdefault(marker[1], number)
    if len(cited) > MAX_FOOTNOTES:
        number = list(cited.values())[MAX_FOOTNOTES]
        problems.append(
            Problem(
                f"the chapter cites {len(cited):,} sources; a chapter may cite at most "
                f"{MAX_FOOTNOTES}",
                number,
            )
        )
        return {}, set(cited)
    footnotes = {}
    for label, number in cited.items():
        footnote = references.read(label, number, problems, warnings)
        if footnote is not None:
            footnotes[label] = footnote
    return footnotes, set(cited)


class _References:
    """
    The report's footnote definitions, each read once however many chapters
    cite it (its problems and warnings told once, to the first).
    """

    def __init__(self, definitions, known_authors):
        self.definitions = definitions
        self.known_authors = known_authors
        self.read_already = {}  # label -> Footnote or None

    def read(self, label, cited_on, problems, warnings):
        if label in self.read_already:
            return self.read_already[label]
        footnote = self.read_already[label] = self._read(label, cited_on, problems, warnings)
        return footnote

    def _read(self, label, cited_on, problems, warnings):
        if label not in self.definitions:
            problems.append(Problem(f"footnote [^{label}] has no reference", cited_on))
            return None
        line, text = self.definitions[label]
        if len(text) > MAX_REFERENCE_LENGTH:
            problems.append(
                Problem(
                    f"the reference of [^{label}] is {len(text):,} characters long; a reference "
                    f"may have at most {MAX_REFERENCE_LENGTH:,}",
                    line,
                )
            )
            return None
        try:
            reference = parse_reference(text, self.known_authors)
        except ReferenceParseError as error:
            problems.append(
                Problem(f"cannot read the reference of [^{label}] ({error}): {text}", line)
            )
            return None
        warnings += [Problem(f"[^{label}]: {warning}", line) for warning in reference.warnings]
        return Footnote(label, reference, line)
