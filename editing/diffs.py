"""
Word-by-word differences between two versions of a text, for editors: the
import preview shows what a re-import overwrites with them.

``word_diff`` gives HTML with ``<del>`` for removed and ``<ins>`` for added
words, every piece of text escaped; ``word_diff_text`` the same as plain
text, ``[-removed-]{+added+}`` (as ``git diff --word-diff`` writes it).
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Words, runs of spaces and single punctuation marks: the units compared.
_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")


# Beyond this many token pairs, the texts are shown as replaced whole: the
# matcher's time grows with the product of their lengths.
MAX_COMPARED = 4_000_000


def _opcodes(old, new):
    old_tokens, new_tokens = _TOKEN_RE.findall(old or ""), _TOKEN_RE.findall(new or "")
    if len(old_tokens) * len(new_tokens) > MAX_COMPARED:
        yield "replace", old or "", new or ""
        return
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield tag, "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])


def word_diff(old, new):
    """HTML of ``old`` turned into ``new``: removed words in <del>, added in <ins>."""
    parts = []
    for tag, removed, added in _opcodes(old, new):
        if tag == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text escaped above)


def word_diff_text(old, new):
    """``old`` turned into ``new`` as plain text: [-removed-]{+added+}."""
    parts = []
    for tag, removed, added in _opcodes(old, new):
        if tag == "equal":
            parts.append(removed)
            continue
        if removed:
            parts.append(f"[-{removed}-]")
        if added:
            parts.append(f"{{+{added}+}}")
    return "".join(parts)


class FieldChange:
    """One field of two versions: its label, the old and new text, and their difference."""

    def __init__(self, label, old, new):
        self.label = label
        self.old, self.new = _shown(old), _shown(new)

    @property
    def html(self):
        return word_diff(self.old, self.new)

    @property
    def text(self):
        return word_diff_text(self.old, self.new)

    def __repr__(self):
        return f"FieldChange({self.label!r}, {self.old!r}, {self.new!r})"


def _shown(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _blank(value):
    return value in (None, "", False)


def field_changes(fields, old, new):
    """
    The fields (name, label) whose values differ between ``old`` and ``new``
    (dicts of field values, as django-reversion keeps them), as FieldChanges.
    """
    return [
        FieldChange(label, old.get(name), new.get(name))
        for name, label in fields
        if old.get(name) != new.get(name) and not (_blank(old.get(name)) and _blank(new.get(name)))
    ]
