"""
What a visitor types, read the way web search engines read it (and the way
PostgreSQL's ``websearch_to_tsquery`` does): words must all appear, "quoted
words" as a phrase, ``-word`` must not appear, ``or`` between alternatives.
Anything else (FTS syntax, punctuation, control characters) is just
a separator: no input is an error.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# At most this many words are searched; a longer query says so on the page.
MAX_TERMS = 16
MAX_LENGTH = 500

TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    words: tuple
    negated: bool = False


@dataclass
class Query:
    """A parsed query: groups of terms, any group matching (``or``)."""

    text: str
    groups: list = field(default_factory=list)
    shortened: bool = False

    @property
    def is_empty(self):
        return not any(not term.negated for group in self.groups for term in group)

    def fts5(self):
        """The query in SQLite FTS5 syntax, every word quoted."""
        alternatives = []
        for group in self.groups:
            wanted = [_phrase(term) for term in group if not term.negated]
            if not wanted:
                continue
            unwanted = [_phrase(term) for term in group if term.negated]
            alternatives.append(" AND ".join(wanted) + "".join(f" NOT {p}" for p in unwanted))
        return " OR ".join(f"({a})" for a in alternatives)

    def websearch(self):
        """The query for PostgreSQL's websearch_to_tsquery: only words, quotes, - and or."""
        parts = []
        for index, group in enumerate(self.groups):
            if index:
                parts.append("or")
            for term in group:
                words = " ".join(term.words)
                parts.append(("-" if term.negated else "") + f'"{words}"')
        return " ".join(parts)


def _phrase(term):
    return '"' + " ".join(term.words) + '"'


def parse(text):
    """The ``Query`` that ``text`` asks for."""
    # One spelling of each character, as the indexed text has it: "é" typed
    # as "e" and a combining accent (as macOS may send it), full-width
    # letters, ligatures.
    text = unicodedata.normalize("NFKC", (text or "").replace("\x00", " "))
    shortened = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH]
    query = Query(text=" ".join(text.split()))
    group, count = [], 0
    for match in TOKEN_RE.finditer(text):
        negated = bool(match.group(1))
        raw = match.group(2) if match.group(2) is not None else match.group(3)
        if match.group(3) is not None:
            if raw.lower() == "or":
                if group:
                    query.groups.append(group)
                group = []
                continue
            negated = raw.startswith("-")
        words = tuple(WORD_RE.findall(raw))
        if not words:
            continue
        if count + len(words) > MAX_TERMS:
            shortened = True
            words = words[: MAX_TERMS - count]
            if not words:
                break
        count += len(words)
        group.append(Term(words=words, negated=negated))
    if group:
        query.groups.append(group)
    query.shortened = shortened
    return query
