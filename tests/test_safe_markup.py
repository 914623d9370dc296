"""
Every place that tells Django "this is safe HTML, do not escape it" has been
reviewed: the value is sanitized (nh3) or built only from escaped parts. A new
mark_safe, format_html, |safe or the like fails this test until someone checks
it and adds it to REVIEWED with the reason it is safe.
"""

import ast
import os
import re
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SKIPPED_DIRECTORIES = {".venv", ".git", "node_modules", "staticfiles", "tests", "migrations"}

# (file, construct): (how many, why it is safe)
REVIEWED = {
    ("citations/footnotes.py", "mark_safe"): (
        2,
        "FootnoteRenderer.render: Markdown rendered with raw HTML off, then cleaned by nh3 "
        "with an allow-list of tags, attributes and URL schemes; Note.backrefs: a constant "
        "format string, each note's ref id and the translated label escaped by html.escape, "
        "the numbers integers",
    ),
    ("citations/footnotes.py", "format_html"): (
        1,
        "Note.backrefs, a note cited once: a constant format string; the ref id and the "
        "translated label are escaped",
    ),
    ("citations/admin.py", "format_html_join"): (
        4,
        "CitationAdmin.cited_by, .authors_read_as, .link_report and .link_history: "
        "constant format strings; every country name, URL, author name, link summary "
        "and event detail is escaped by format_html_join",
    ),
    ("citations/admin.py", "format_html"): (
        4,
        "CitationAdmin.link_report: constant format strings; the summary and dates are "
        "escaped by format_html, and the archived copy's address (a link) was checked "
        "as an http(s) URL by citations.wayback before it was stored",
    ),
    ("strategy/comparison.py", "mark_safe"): (
        2,
        "no_goal_cell: a constant string and its translation, no value in it; "
        "MatrixRow.cells_html: a constant format string per cell, the address, the country "
        "and theme names and the translated label escaped by html.escape, the count an "
        "integer, the empty cell no_goal_cell's",
    ),
    ("editing/diffs.py", "mark_safe"): (
        1,
        "word_diff: <del> and <ins> tags around text pieces each escaped with escape()",
    ),
    ("editing/forms.py", "format_html"): (
        1,
        "ConflictCheckForm: the edit-conflict message, a constant format string; the "
        "model name, the other editor's name and time, and the history URL are escaped",
    ),
    ("strategy/admin.py", "format_html_join"): (
        1,
        "CountryAdmin.old_addresses: a constant format string; each old slug is escaped",
    ),
    ("strategy/admin.py", "format_html"): (
        2,
        "CountryAdmin.changes and GoalAdmin.change_view's message: constant format strings; "
        "the URLs, the words and the country's name are escaped",
    ),
    ("search/results.py", "mark_safe"): (
        1,
        "marked: the whole text escaped with escape(), then only the backend's control-"
        "character sentinels turned into <mark> and </mark>",
    ),
    ("web/templatetags/structured_data.py", "format_html"): (
        1,
        "json_ld: a constant format string around JSON whose <, > and & are JSON escapes",
    ),
    ("web/templatetags/structured_data.py", "mark_safe"): (
        1,
        "json_ld: JSON text with <, > and & written as JSON escapes, so it cannot end "
        "the script element",
    ),
    ("strategy/draft_admin.py", "format_html"): (
        1,
        "WorkingDraftAdmin.publication: a constant format string; the draft page's URL is escaped",
    ),
}

PYTHON_CONSTRUCTS = {
    "mark_safe",
    "format_html",
    "format_html_join",
    "SafeString",
    "SafeText",
    "html_safe",
}
TEMPLATE_CONSTRUCTS = {
    "|safe": re.compile(r"\|\s*safe\b(?!seq)"),
    "|safeseq": re.compile(r"\|\s*safeseq\b"),
    "autoescape off": re.compile(r"\{%\s*autoescape\s+off\s*%\}"),
}


def project_files(suffixes):
    """The project's own files (not the virtualenv's, not the tests') ending in ``suffixes``."""
    for directory, subdirectories, files in os.walk(PROJECT):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRECTORIES]
        for name in files:
            if Path(name).suffix in suffixes:
                yield (Path(directory) / name).relative_to(PROJECT)


def python_uses(source):
    """Calls of the constructs, and is_safe/needs_autoescape filters, in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = node.func
            name = getattr(function, "id", None) or getattr(function, "attr", None)
            if name in PYTHON_CONSTRUCTS:
                yield name
            for keyword in node.keywords:
                if keyword.arg in {"is_safe", "needs_autoescape"}:
                    yield f"{keyword.arg}=..."
        elif isinstance(node, ast.Attribute) and node.attr == "allow_tags":
            yield "allow_tags"


def find_uses():
    uses = Counter()
    for path in project_files({".py"}):
        for construct in python_uses((PROJECT / path).read_text(encoding="utf-8")):
            uses[(path.as_posix(), construct)] += 1
    for path in project_files({".html", ".txt", ".xml"}):
        text = (PROJECT / path).read_text(encoding="utf-8")
        for construct, pattern in TEMPLATE_CONSTRUCTS.items():
            if count := len(pattern.findall(text)):
                uses[(path.as_posix(), construct)] += count
    return uses


def test_every_unescaped_output_has_been_reviewed():
    expected = {place: count for place, (count, _reason) in REVIEWED.items()}
    found = dict(find_uses())
    new = {place: count for place, count in found.items() if expected.get(place) != count}
    assert not new, (
        f"Unreviewed unescaped output: {new}. Check that the value is sanitized or built "
        "from escaped parts only, then add it to REVIEWED in tests/test_safe_markup.py."
    )
    gone = {place for place in expected if place not in found}
    assert not gone, f"Reviewed places that no longer exist; remove them from REVIEWED: {gone}"


def test_the_scan_finds_each_construct(tmp_path):
    source = (
        "from django.utils.safestring import mark_safe\n"
        "x = mark_safe(y)\n"
        "z = format_html('<b>{}</b>', y)\n"
        "@register.filter(is_safe=True)\n"
        "def f(value): ...\n"
    )
    assert sorted(python_uses(source)) == ["format_html", "is_safe=...", "mark_safe"]
    template = "{{ a|safe }} {{ b | safe }} {{ c|safeseq }} {% autoescape off %}"
    counts = {name: len(pattern.findall(template)) for name, pattern in TEMPLATE_CONSTRUCTS.items()}
    assert counts == {"|safe": 2, "|safeseq": 1, "autoescape off": 1}


def test_no_template_has_inline_styles():
    """The Content-Security-Policy allows styles from the site's own files only."""
    inline = [
        str(path.relative_to(PROJECT))
        for path in (PROJECT / "templates").rglob("*.html")
        if re.search(r"<style\b|\sstyle=", path.read_text(encoding="utf-8"))
    ]
    assert inline == []
