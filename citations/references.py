"""
Harvard-style references, as report chapters write them, in and out.

A reference reads::

    Authors (Year). Title: Subtitle. [online] Publisher. Available at: URL [Accessed 5 March 2019]

* **Authors** are separated by commas and a final "and", read by
  ``citations.names.read_authors`` (its docstring has the rules: persons in
  Harvard's "Family, Initials" form stay one name, organisations are never
  cut at their commas or "&"). A name in braces is kept whole whatever it
  contains ("{Ministry of Science and Technology}"); the writer adds braces
  only where a name would otherwise be read otherwise. A trailing "et al."
  is dropped with a warning.
* **Year** is four digits (a letter after it, "2018a", is ignored) or "n.d.".
* **Title** runs to the medium marker; the first ": " separates the subtitle.
  One full stop ends the title (so a title that itself ends with one is
  written with two).
* **Medium** is "[online]" (also "[internet]", "[electronic]") or "[print]".
  Without a marker, the medium is online when there is a URL, print
  otherwise, and a "Title. Place: Publisher." tail is read as the publisher.
* **Publisher** is what stands between the medium marker and "Available at".
* **URL** follows "Available at:" (or "Available from:").
* **Accessed** is "[Accessed 5 March 2019]" or "(Accessed: 5 March 2019)";
  ISO dates and day/month/year with slashes are read too.

This module also makes citation keys (``make_key``): see its docstring.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.text import slugify

from .names import (
    AuthorsError,
    format_authors,
    person_parts,
    read_authors,
    strip_et_al,
    word_set,
)


class ReferenceParseError(ValueError):
    """A reference that cannot be read; the message says why."""


@dataclass(frozen=True)
class Reference:
    """The parts of one reference, as the Citation model stores them."""

    authors: tuple
    year: int | None
    title: str
    subtitle: str = ""
    medium: str = "online"
    publisher: str = ""
    url: str = ""
    accessed_on: date | None = None
    warnings: tuple = field(default=(), compare=False)
    # Where the author list could be read more than one way, how it was read.
    authors_note: str = field(default="", compare=False)

    @property
    def full_title(self):
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


# --- Parsing ---------------------------------------------------------------

HEAD_RE = re.compile(
    r"^(?P<authors>.*?)\s*\(\s*(?:(?P<year>\d{4})[a-z]?|(?P<nodate>n\.\s?d\.?|no date))\s*\)"
    r"\s*[.,]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# The "[Accessed 5 March 2019]" that ends a reference, matched from its
# opening bracket (see ``_split_accessed``).
ACCESSED_RE = re.compile(r"[\[(]\s*Accessed:?\s*(?P<date>[^\])]*?)\s*[\])]\s*\.?\s*", re.IGNORECASE)
URL_RE = re.compile(r"\s*Available\s+(?:at|from):?\s*<?(?P<url>\S*?)>?\.?\s*$", re.IGNORECASE)
MEDIUM_RE = re.compile(r"\[\s*(?P<medium>online|internet|electronic|print)\s*\]", re.IGNORECASE)
PLACE_PUBLISHER_RE = re.compile(r"^(?P<title>.+?)\.\s+(?P<publisher>[^.:]+:\s*[^.]+)\.?$")
DATE_FORMATS = ["%d %B %Y", "%d %b %Y", "%d %b. %Y", "%B %d, %Y", "%Y-%m-%d", "%d/%m/%Y"]


def parse_reference(text, known_authors=frozenset()):
    """
    Read one Harvard reference into a ``Reference``; raise ReferenceParseError
    saying what is wrong when it cannot be read. ``known_authors`` holds the
    names already in the atlas, casefolded: a list that spells one of them
    keeps it whole.
    """
    text = " ".join(text.split())
    if not text:
        raise ReferenceParseError("the reference is empty")
    head = HEAD_RE.match(text)
    if not head:
        raise ReferenceParseError("expected “Authors (Year). Title”: no (year) after the authors")
    warnings = []
    authors_text, et_al = strip_et_al(head["authors"].strip().rstrip(","))
    if et_al:
        warnings.append("“et al.”: only the authors named are kept")
    try:
        authors = read_authors(authors_text, known_authors)
    except AuthorsError as error:
        raise ReferenceParseError(str(error)) from None
    if not authors.names:
        raise ReferenceParseError("no authors before the (year)")
    if authors.note:
        warnings.append(authors.note)
    year = int(head["year"]) if head["year"] else None
    rest = head["rest"]

    rest, accessed = _split_accessed(rest)
    accessed_on = _parse_date(accessed) if accessed is not None else None
    url = ""
    available = URL_RE.search(rest)
    if available:
        url = available["url"]
        if not url:
            raise ReferenceParseError("“Available at:” is followed by no URL")
        rest = rest[: available.start()]

    publisher = ""
    marker = MEDIUM_RE.search(rest)
    if marker:
        medium = "print" if marker["medium"].lower() == "print" else "online"
        title_text = rest[: marker.start()]
        publisher = _strip_one_stop(rest[marker.end() :].strip().lstrip(".").strip())
    else:
        medium = "online" if url else "print"
        title_text = rest
        place = PLACE_PUBLISHER_RE.match(title_text.strip())
        if place:
            title_text, publisher = place["title"] + ".", place["publisher"].strip()
    title_text = _strip_one_stop(title_text.strip())
    if not title_text:
        raise ReferenceParseError("no title after the (year)")
    title, _, subtitle = title_text.partition(": ")
    return Reference(
        authors=authors.names,
        year=year,
        title=title.strip(),
        subtitle=subtitle.strip(),
        medium=medium,
        publisher=publisher,
        url=url,
        accessed_on=accessed_on,
        warnings=tuple(warnings),
        authors_note=authors.note,
    )


def _split_accessed(text):
    """
    (the text before, the date) of an "[Accessed date]" ending ``text``, or
    (``text``, None). Only the last opening bracket can start it, since the
    date holds no closing one: looking there alone keeps this linear.
    """
    start = max(text.rfind("["), text.rfind("("))
    accessed = ACCESSED_RE.fullmatch(text, start) if start >= 0 else None
    if accessed is None:
        return text, None
    return text[:start].rstrip(), accessed["date"]


def _strip_one_stop(text):
    return text[:-1].rstrip() if text.endswith(".") else text


def _parse_date(text):
    text = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    shown = text if len(text) <= 60 else text[:60] + "…"
    raise ReferenceParseError(f"cannot read the date accessed “{shown}”; write e.g. 5 March 2019")


# --- Writing ---------------------------------------------------------------


def harvard_parts(reference, authors):
    """
    The reference in Harvard style, as (text, kind) pairs that join into it:
    the one renderer of references, for chapters (``format_reference``) and
    for pages (``includes/reference.html``, which marks up the title and the
    URL by their kind)::

        Authors (2018). Title: Subtitle. [online] Publisher.
        Available at: URL [Accessed 5 March 2019]

    ``authors`` is the author list as the medium writes it.
    """
    year = reference.year if reference.year else "n.d."
    parts = [(authors, "authors"), (f" ({year}). ", None), (reference.full_title, "title")]
    parts.append((". [print]" if reference.medium == "print" else ". [online]", None))
    if reference.publisher:
        parts += [(" ", None), (reference.publisher, "publisher"), (".", None)]
    if reference.url:
        parts += [(" Available at: ", None), (reference.url, "url")]
    if reference.accessed_on:
        accessed = reference.accessed_on
        parts.append((f" [Accessed {accessed.day} {accessed:%B} {accessed.year}]", "accessed"))
    return parts


def format_reference(reference):
    """The reference in Harvard style; ``parse_reference`` reads it back whole."""
    parts = harvard_parts(reference, format_authors(reference.authors))
    return "".join(text for text, _ in parts)


# The Citation model's fields that a reference gives, and back: the one
# mapping between the two.
REFERENCE_FIELDS = ("year", "title", "subtitle", "medium", "publisher", "url", "accessed_on")


def citation_fields(reference):
    """The Citation fields ``reference`` gives, as the model stores them (authors one a line)."""
    fields = {"authors": "\n".join(reference.authors)}
    fields.update((name, getattr(reference, name)) for name in REFERENCE_FIELDS)
    return fields


def reference_from_citation(citation):
    """The reference a Citation stands for, to be written as Harvard text."""
    return Reference(
        authors=tuple(citation.author_list),
        **{name: getattr(citation, name) for name in REFERENCE_FIELDS},
    )


# --- Keys ------------------------------------------------------------------

KEY_STEM_LENGTH = 30
KEY_STEM_STRETCH = 45  # how long a stem may grow to hold an organisation's second word
STOP_WORDS = word_set(
    """
    a al and at by d de del des di do dos du das e el en et for fur fuer i in l
    la le les o of on per pour sur the to und von y zu zum zur
    """
)
ACRONYM_RE = re.compile(r"\(\s*([A-Z][A-Za-z&.-]*[A-Z])\s*\)\s*$")


def make_key(first_author, year, title="", is_taken=lambda key: False):
    """
    The citation key for a new source: the first author's stem, "-" and the
    year ("nd" without one). The stem is

    * for a person (``citations.names``), the family name:
      "Harhoff, D." gives ``harhoff-2018``, "van der Berg, A." ``van-der-berg``;
    * for an organisation that ends with its acronym in brackets, the
      acronym: "Organisation for Economic Co-operation and Development (OECD)"
      gives ``oecd``;
    * for any other organisation, its name slugified and cut at a hyphen to
      at most 30 characters, but never before its second word that is not a
      stop word (de, of, für, ...: ``STOP_WORDS``) while that fits in 45, so
      that the name can be recognised; trailing stop words are dropped.
      "Secretaría de Hacienda y de Crédito Público" (2017) gives
      ``secretaria-de-hacienda-2017``, "Institut für Wirtschaftsforschung
      Halle" ``institut-fur-wirtschaftsforschung``.

    When that key belongs to another source, "-b", "-c", ... is added. A
    first author with no Latin letters or digits falls back on the title,
    then on "source".
    """
    stem = author_stem(first_author) or _stem(title) or "source"
    return unique_key(f"{stem}-{year or 'nd'}", is_taken)


def author_stem(name):
    """The part of a key that names the author (see ``make_key``)."""
    person = person_parts(name or "")
    if person is not None:
        return _stem(person[0])
    acronym = ACRONYM_RE.search(name or "")
    if acronym:
        return _stem(acronym[1])
    return _stem(name)


def unique_key(base, is_taken):
    """``base``, or the first of ``base-b``, ``base-c``, ... that is not taken."""
    key = base
    for suffix in _suffixes():
        if not is_taken(key):
            return key
        key = f"{base}-{suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def _stem(text):
    words = [word for word in slugify(text or "").split("-") if word]
    if not words:
        return ""
    kept, significant = [], 0
    for word in words:
        length = len("-".join([*kept, word]))
        needed = significant < 2 and word not in STOP_WORDS
        if length > KEY_STEM_LENGTH and not (needed and kept and length <= KEY_STEM_STRETCH):
            break
        kept.append(word)
        significant += word not in STOP_WORDS
    if not kept:
        kept = [words[0][:KEY_STEM_LENGTH]]
    while len(kept) > 1 and kept[-1] in STOP_WORDS:
        kept.pop()
    return "-".join(kept)


def _suffixes():
    yield from "bcdefghijklmnopqrstuvwxyz"
    number = 27
    while True:
        yield str(number)
        number += 1
