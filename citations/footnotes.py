"""
Footnotes: Markdown text with ``[^key]`` markers, rendered safely.

Editors write Markdown; a marker ``[^key]`` cites the Citation with that key.
This module is the one place that turns such text into HTML:

* markers become numbered superscript links, numbered per page in order of
  first use (the same citation keeps its number wherever it is cited again);
* the page's notes list each cited source once, with a back link to every
  place it is cited (Wikipedia style, with DPUB-ARIA roles);
* nothing an editor typed is trusted: Markdown is rendered with raw HTML off
  and the result is cleaned by nh3 (Ammonia) with an allow-list of tags,
  attributes and URL schemes, so scripts, event handlers and
  ``javascript:`` links never reach the page.
"""

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from markdown_it import MarkdownIt

# A marker is [^key]; keys are slugs (see Citation.key).
MARKER_RE = re.compile(r"\[\^([A-Za-z0-9][A-Za-z0-9_-]*)\]")

ALLOWED_TAGS = {
    "a", "p", "br", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "sup", "sub", "hr", "table", "thead", "tbody",
    "tr", "th", "td", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "role", "aria-label"},
    "sup": {"id", "class", "data-cite"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def find_markers(text):
    """The keys cited in ``text``, in order of first use, each once."""
    return list(dict.fromkeys(MARKER_RE.findall(text or "")))


def rename_marker(text, old_key, new_key):
    """``text`` with every marker of ``old_key`` made a marker of ``new_key``."""
    return MARKER_RE.sub(
        lambda match: f"[^{new_key}]" if match.group(1) == old_key else match.group(0), text or ""
    )


def validate_markers(text, known_keys):
    """
    Raise ValidationError naming every marker in ``text`` whose key is not in
    ``known_keys``.
    """
    unknown = [key for key in find_markers(text) if key not in known_keys]
    if unknown:
        raise ValidationError(
            [
                ValidationError(
                    gettext_lazy(
                        "Footnote marker [^%(key)s] names no citation. Add a citation with "
                        "the key “%(key)s” first, or correct the marker."
                    ),
                    code="unknown_footnote",
                    params={"key": key},
                )
                for key in unknown
            ]
        )


@dataclass
class Note:
    """One entry of a page's notes: a cited source and where it is cited."""

    number: int
    citation: object
    ref_ids: list = field(default_factory=list)
    # The source's reference as HTML, when the page has it already
    # (``citations.views.keep_references``); else the template renders it.
    reference: str = ""

    @property
    def id(self):
        return f"note-{self.number}"

    @property
    def backrefs(self):
        """
        The links back to each place the source is cited, as HTML: put
        together here rather than in the template, as a page comparing
        countries has hundreds of them. Every value in it is escaped.
        """
        if len(self.ref_ids) == 1:
            label = gettext("Back to where footnote %(number)s is cited") % {"number": self.number}
            return format_html(BACKREF, self.ref_ids[0], label, "↑")
        label = html.escape(gettext("Back to citation %(counter)s of footnote %(number)s"))
        links = "".join(
            " "
            + BACKREF.format(
                html.escape(ref_id),
                label % {"counter": counter, "number": self.number},
                counter,
            )
            for counter, ref_id in enumerate(self.ref_ids, start=1)
        )
        return mark_safe(f"↑{links}")  # noqa: S308 -- each value in it escaped here


BACKREF = '<a href="#{}" role="doc-backlink" aria-label="{}">{}</a>'


def _citation_ref_rule(state, silent):
    """markdown-it inline rule: ``[^key]`` becomes a ``citation_ref`` token."""
    if not state.src.startswith("[^", state.pos):
        return False
    match = MARKER_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation_ref", "", 0)
        token.meta = {"key": match.group(1)}
    state.pos = match.end()
    return True


# Markdown is rendered and sanitized once per distinct text (memoized), with
# each marker left as a placeholder element, ``<sup data-cite="key"></sup>``;
# each page then numbers the placeholders in reading order. Editors' text
# can never produce one: raw HTML is off, so any "<" they write, in text or
# in an attribute such as a link title, comes out escaped.
PLACEHOLDER_RE = re.compile(r'<sup data-cite="([A-Za-z0-9][A-Za-z0-9_-]*)"></sup>')


def _render_citation_ref(renderer, tokens, idx, options, env):
    return f'<sup data-cite="{tokens[idx].meta["key"]}"></sup>'


def _render_image_as_text(renderer, tokens, idx, options, env):
    token = tokens[idx]
    return escape(f"![{token.content}]({token.attrGet('src') or ''})")


def _build_markdown():
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Headings would break the page outline (one h1, sections by h2); images
    # would pull third-party content into the page. Both stay as text: images
    # are read (so that "![a](b)" is not taken for "!" and a link) and shown
    # as they were typed.
    md.disable(["heading", "lheading", "html_block", "html_inline"])
    md.inline.ruler.before("link", "citation_ref", _citation_ref_rule)
    md.add_render_rule("citation_ref", _render_citation_ref)
    md.add_render_rule("image", _render_image_as_text)
    return md


_markdown = _build_markdown()


@lru_cache(maxsize=4096)
def render_markdown(text):
    """Sanitized HTML of ``text`` with its markers left as placeholders."""
    return sanitize(_markdown.render(text))


def sanitize(html):
    """Clean HTML with the allow-list; the result is safe to put on a page."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class FootnoteRenderer:
    """
    Renders the Markdown texts of one page in reading order and collects the
    page's notes. Use one renderer per page::

        footnotes = FootnoteRenderer(citations)
        vision = footnotes.render(country.vision)
        ...
        footnotes.notes  # [Note(number=1, citation=..., ref_ids=[...]), ...]
    """

    def __init__(self, citations):
        self.citations = {citation.key: citation for citation in citations}
        self._notes = {}

    def render(self, text):
        """The text as sanitized HTML, its markers numbered for this page."""
        html = render_markdown(text or "")
        numbered = PLACEHOLDER_RE.sub(lambda match: self.reference(match.group(1)), html)
        # render_markdown() sanitized the text with nh3; reference() adds only
        # markup built here from numbers, or the escaped marker.
        return mark_safe(numbered)  # noqa: S308

    @staticmethod
    def _footnote_label(note):
        """What a screen reader says of a marker, in the page's language: "Footnote 2"."""
        return escape(gettext("Footnote %(number)s") % {"number": note.number})

    def reference(self, key):
        """HTML for one marker; an unknown key stays visible as typed."""
        citation = self.citations.get(key)
        if citation is None:
            return escape(f"[^{key}]")
        note = self._notes.get(key)
        if note is None:
            note = self._notes[key] = Note(number=len(self._notes) + 1, citation=citation)
        ref_id = f"ref-{note.number}-{len(note.ref_ids) + 1}"
        note.ref_ids.append(ref_id)
        return (
            f'<sup class="footnote-ref" id="{ref_id}">'
            f'<a href="#{note.id}" role="doc-noteref" aria-label="{self._footnote_label(note)}">'
            f"[{note.number}]</a></sup>"
        )

    @property
    def notes(self):
        """The notes in number order."""
        return sorted(self._notes.values(), key=lambda note: note.number)


def plain_text(text):
    """``text`` (Markdown with markers) as the words a reader sees: no markup, no markers."""
    return " ".join(unescape(strip_tags(render_markdown(text or ""))).split())


def plain_summary(text, limit=200):
    """
    ``text`` (Markdown with markers) as plain text for a summary, such as a
    page's description for link previews: no markup, no footnote markers,
    whitespace collapsed, and cut at a word boundary to at most ``limit``
    characters, with "…" when cut.
    """
    plain = plain_text(text)
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if not plain[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
