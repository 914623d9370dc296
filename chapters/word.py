"""
Word (.docx) and OpenDocument (.odt) files, in and out, through pandoc
(the binary that the pypandoc-binary wheel carries: nothing to install).

Reading, pandoc turns the document into its syntax tree (JSON), and
``TextMaker`` writes that as chapter text in the report's format: headings
``# Country`` and ``## Goal``, paragraphs, emphasis, links, and each Word
footnote as a ``[^n]`` marker with its ``[^n]: reference`` line, numbered
in the order the footnotes stand in the document, as Word numbers them. A
code block holding the atlas's front matter (as ``write_docx`` writes it)
becomes the front matter of the chapter that follows.

Writing, the chapter text (with one footnote per marker, so that Word's
numbers are the labels) goes through pandoc's Markdown reader to a .docx
file, the front matter in a code block before each chapter's heading.

pandoc is GPL-licensed: it runs as a program of its own, given a file and
asked for another; no part of it is linked into the atlas.
"""

import json
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pypandoc

from .problems import ChapterError, Problem
from .syntax import FRONT_MATTER_CLASS, FRONT_MATTER_FENCE, FRONT_MATTER_KEYS

# pandoc is given this long and this much memory for one file.
PANDOC_SECONDS = 120
PANDOC_MEMORY = "1g"


def run_pandoc(source, from_format, to_format, *extra):
    """pandoc's output for the file ``source``, as bytes; ChapterError if it fails."""
    command = [
        pypandoc.get_pandoc_path(),
        *("--from", from_format, "--to", to_format),
        *extra,
        *("+RTS", f"-M{PANDOC_MEMORY}", "-RTS"),
        str(source),
    ]
    try:
        done = subprocess.run(  # noqa: S603 -- our own arguments, a file we wrote
            command, capture_output=True, timeout=PANDOC_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ChapterError(
            [Problem(f"pandoc could not read the file within {PANDOC_SECONDS} s")]
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[:1] or ["failed"]
        raise ChapterError([Problem(f"pandoc could not read the file: {reason[0]}")])
    return done.stdout


def word_to_text(data, kind):
    """The chapter text of a .docx (``kind`` "docx") or .odt ("odt") file's bytes."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / f"report.{kind}"
        source.write_bytes(data)
        tree = json.loads(run_pandoc(source, kind, "json"))
    return TextMaker().document(tree["blocks"])


class TextMaker:
    """pandoc's syntax tree (JSON) as chapter text, footnotes numbered as they come."""

    def __init__(self):
        self.notes = []  # the text of each footnote, in order

    def document(self, blocks):
        parts = [text for text in (self.block(block) for block in blocks) if text]
        parts += [f"[^{number}]: {note}" for number, note in enumerate(self.notes, start=1)]
        return "\n\n".join(parts) + "\n"

    # --- blocks ----------------------------------------------------------

    def block(self, block):
        kind, content = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            return self.inlines(content).strip()
        if kind == "Header":
            level, _, inlines = content
            return f"{'#' * min(level, 3)} {self.inlines(inlines).strip()}"
        if kind == "CodeBlock":
            (_, classes, _), text = content
            if FRONT_MATTER_CLASS in classes or _is_front_matter(text):
                return f"{FRONT_MATTER_FENCE}\n{text.strip()}\n{FRONT_MATTER_FENCE}"
            return f"```\n{text}\n```"
        if kind == "BulletList":
            return "\n".join(f"- {self.blocks_inline(item)}" for item in content)
        if kind == "OrderedList":
            (start, _, _), items = content
            return "\n".join(
                f"{start + index}. {self.blocks_inline(item)}" for index, item in enumerate(items)
            )
        if kind == "BlockQuote":
            return "\n".join(f"> {line}" for line in self.blocks_text(content).split("\n"))
        if kind in ("Div", "Figure"):
            blocks = content[-1]
            return self.blocks_text(blocks)
        if kind == "LineBlock":
            return "\n".join(self.inlines(line) for line in content)
        if kind == "Table":
            return self.table(content)
        return ""  # a rule, raw markup for another format, and the like

    def blocks_text(self, blocks):
        return "\n\n".join(text for text in (self.block(block) for block in blocks) if text)

    def blocks_inline(self, blocks):
        return " ".join(self.blocks_text(blocks).split("\n"))

    def table(self, content):
        rows = []

        def walk(value):
            if isinstance(value, dict) and value.get("t") in ("Plain", "Para"):
                rows.append(self.inlines(value["c"]).strip())
            elif isinstance(value, dict):
                walk(value.get("c"))
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(content)
        return " | ".join(cell for cell in rows if cell)

    # --- inlines ---------------------------------------------------------

    def inlines(self, inlines):
        return "".join(self.inline(inline) for inline in inlines)

    def inline(self, inline):
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            return content
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind == "LineBreak":
            return "\n"
        if kind == "Emph":
            return f"*{self.inlines(content)}*"
        if kind == "Strong":
            return f"**{self.inlines(content)}**"
        if kind in ("Underline", "SmallCaps", "Superscript", "Subscript", "Strikeout"):
            return self.inlines(content)
        if kind == "Quoted":
            quote, inlines = content
            left, right = ("“", "”") if quote["t"] == "DoubleQuote" else ("‘", "’")
            return f"{left}{self.inlines(inlines)}{right}"
        if kind == "Code":
            return f"`{content[1]}`"
        if kind == "Math":
            return content[1]
        if kind == "Link":
            _, inlines, (url, _) = content
            return f"[{self.inlines(inlines)}]({url})"
        if kind == "Image":
            return self.inlines(content[1])  # its description: images stay out
        if kind in ("Span", "Cite"):
            return self.inlines(content[-1])
        if kind == "Note":
            self.notes.append(" ".join(self.blocks_text(content).split()))
            return f"[^{len(self.notes)}]"
        return ""


def _is_front_matter(text):
    """Whether a code block's text is the atlas's front matter (TOML with its keys only)."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return False
    return bool(data) and set(data) <= FRONT_MATTER_KEYS


def text_to_docx(text):
    """The bytes of a .docx file made by pandoc from chapter text written for Word."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "report.md"
        source.write_text(text, encoding="utf-8")
        target = Path(directory) / "report.docx"
        # CommonMark, as pages render it, with footnotes; raw HTML stays text.
        run_pandoc(source, "commonmark+footnotes-raw_html", "docx", "--output", str(target))
        return target.read_bytes()
