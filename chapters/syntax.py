"""
The chapter format's grammar, shared by the reader and the writer: headings,
footnote definitions, the ``Themes:`` line, escapes, and the limits.

A text line that would read as structure (a ``#``/``##`` heading or a
``[^label]:`` line, or ``Themes:`` first in a goal) is written with a
backslash in front, and one backslash is taken off such lines when read, so
any text goes out and comes back the same.
"""

import csv
import re

from citations.footnotes import MARKER_RE

DEFINITION_RE = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")
LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # the same as a marker's key
SUBHEADING_RE = re.compile(r"^#{3,6}(?:[ \t]|$)")
THEMES_RE = re.compile(r"^Themes:[ \t]*(?P<themes>.*)$", re.IGNORECASE)
ESCAPED_RE = re.compile(r"^\\+")
FRONT_MATTER_FENCE = "+++"
# In a Word file the front matter is a code block of this class (chapters.word).
FRONT_MATTER_CLASS = "atlas-front-matter"
# The entries front matter may hold (``chapters.reader`` reads them).
FRONT_MATTER_KEYS = frozenset(
    {"slug", "iso_code", "region", "language", "suggested_titles", "citations"}
)
CONCLUSION_TITLES = {"conclusion", "conclusions"}
CONCLUSION_HEADING = "Conclusion"

# Longer lines and references than any report has: refused with their line
# (a file of one huge line is not a chapter, and reading it costs time).
MAX_LINE_LENGTH = 20_000
MAX_REFERENCE_LENGTH = 2_000
# More chapters, goals or cited sources than any report has: refused, so
# that one upload cannot keep the database busy for minutes.
MAX_FILE_MEGABYTES = 10  # for the command line and the admin upload alike
MAX_FILE_BYTES = MAX_FILE_MEGABYTES * 1024 * 1024
MAX_CHAPTERS = 300
MAX_GOALS = 200
MAX_FOOTNOTES = 500
NAME_MAX_LENGTH = 100
TITLE_MAX_LENGTH = 200
TITLE_WORDS = 8


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


def is_structural(line):
    """
    Whether ``line`` reads as structure: a ``#`` or ``##`` heading, a
    footnote definition, or a front matter fence.
    """
    return (
        heading(line, 1) is not None
        or heading(line, 2) is not None
        or bool(DEFINITION_RE.match(line))
        or line.strip() == FRONT_MATTER_FENCE
    )


def _needs_escape(bare, first_of_goal):
    return is_structural(bare) or (first_of_goal and bool(THEMES_RE.match(bare)))


def escape_line(line, first_of_goal=False):
    """The text line as written: a backslash in front if it would read as structure."""
    escaped = ESCAPED_RE.match(line)
    bare = line[escaped.end() :] if escaped else line
    return "\\" + line if _needs_escape(bare, first_of_goal) else line


def unescape_line(line, first_of_goal=False):
    """The text line as read: one backslash off a line that ``escape_line`` escaped."""
    escaped = ESCAPED_RE.match(line)
    if escaped and _needs_escape(line[escaped.end() :], first_of_goal):
        return line[1:]
    return line


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


def default_source_label(label):
    """The source footnote number a label stands for when the front matter gives none."""
    return label if label.isdigit() else ""


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
