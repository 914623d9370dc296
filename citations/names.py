"""
Authors' names: who is a person and who an organisation, and how a Harvard
author list divides into names. The one home of both rules: the reference
reader and writer, the citation keys, the admin form, the pages and the
bibliography formats (BibTeX, RIS, CSL-JSON) all ask here.

**Person or organisation** (``person_parts``). A name is a person when it
is written "Family, Given":

* one comma, the family name before it and the given names after it
  ("Harhoff, D.", "Smith, Jane", "van der Berg, A.-M.", "de la Cruz, María");
* the family name is one to four words, each starting with a capital letter
  or a particle (van, von, der, de, la, ... ``PARTICLES``);
* the given names are initials, or one to four words, each starting with a
  capital letter, an initial or a particle;
* no word of either is a word that names an organisation (Ministry,
  Department, Institute, Office, Embassy, ... ``ORGANISATION_WORDS``), and
  neither holds a digit, "&" or a bracket.

Every other name is an organisation, kept whole as written ("Oxford
Insights", "Department for Science, Innovation & Technology"). A person
written in natural order ("Jane Smith") cannot be told from an organisation
and counts as one: persons are written "Family, Given".

**An author list** (``read_authors``) joins its names with commas and a
final "and" (Harvard): "A, B and C". So:

* a name in braces is kept whole, whatever it holds ("{Science and
  Technology Office}"); so is a name already in the atlas (``known``);
* initials after a comma belong to the family name before them: "Harhoff,
  D., Heumann, S. and Lorenz, P." is three persons;
* "&" joins two names only when one of them is a person or kept whole
  ("Smith, J. & Jones, K."); anywhere else it is part of a name
  ("Science, Innovation & Technology"), and it stays "&";
* a comma list without the final "and" is one name ("Ministerio de
  Ciencia, Innovación y Universidades");
* after a comma, a piece that ends an enumeration inside a name (one
  starting in lower case, or holding "&", "y", "und", "et", "i", "e" and no
  organisation word) continues the name before it, and so do the one-word
  pieces of the enumeration it ends: "Department for Digital, Culture,
  Media & Sport" is one name; "Accenture, Microsoft and Oxford Insights"
  is three;
* "and" before a single word, after a name with a joining word such as
  "of", "for", "de", "für" ("Ministry of Science"), is part of that name
  ("Ministry of Science and Technology", "Ministry of Science and ICT"),
  and so is an enumeration of one-word pieces it ends ("Ministry of
  Education, Culture and Science").

Where these rules had to guess (a name holding commas in a list of several,
or an "and" kept inside a name), ``Authors.note`` says so, and the import
shows the split it chose for staff to correct.
"""

import re
import unicodedata
from dataclasses import dataclass


def word_set(text):
    """The words of a text, as a set: for the word lists below."""
    return frozenset(text.split())


# "J.", "J.K.", "J. K.", "A.-M.", "Ch.": initials. Between two initials stands
# nothing, a hyphen (spaced or not) or spaces, each matched one way only, so
# that a long run of initials that fails at its end is not tried in every split.
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_INITIAL = rf"(?:[{_UPPER}][{_LOWER}]?\.|[{_UPPER}](?![{_UPPER}{_LOWER}]))"
INITIALS_RE = re.compile(rf"^{_INITIAL}(?:(?:\s*-\s*|\s+)?{_INITIAL})*$")

PARTICLES = word_set(
    """
    van von der den de del della di da das do dos du la le ten ter zu bin ibn al
    el af av
    """
)
# Words that name an organisation, not a person, in the languages of the
# atlas's sources (compared without accents or case).
ORGANISATION_WORDS = word_set(
    """
    academy academia agency agencia agence agentur alliance association
    asociacion authority autoridad bank banco board bundesministerium bureau
    cabinet center centre centro chamber college commission comision committee
    comite company conseil consejo consortium corporation council department
    departamento departement embassy embajada federal forum foundation fundacion
    fondation gmbh government gobierno gouvernement group grupo inc initiative
    insights institut institute instituto laboratory laboratorio ltd llc
    ministere ministerie ministerio ministerium ministry national nacional
    network observatory observatorio office oficina organisation organization
    organizacion parliament parlamento partners platform presidency presidencia
    programme program regierung republic republica secretaria secretariat senate
    senado society sociedad stiftung union universidad universita universitat
    universite university zentrum
    """
)
# Words that join the parts of one organisation's name: after one of them, a
# single word behind "and" still belongs to the name ("Ministry of Science and
# Technology").
NAME_CONNECTIVES = word_set(
    """
    of for on de del des du für fur pour per di da do dos das
    """
)
# Conjunctions that end the enumeration inside a long name ("Culture, Media &
# Sport", "Innovación y Universidades", "Bildung und Forschung").
INNER_CONJUNCTIONS = word_set(
    """
    & y e i und et
    """
)

# Separators between the names of a list: a comma (perhaps with an Oxford
# "and" after it) or "and"/"&" between spaces; and braces. The look-behind
# lets a run of spaces be tried once, from its start.
_TOKEN_RE = re.compile(r"[{}]|,\s*(?:(?:and|&)\s+)?|(?<!\s)\s+(?:and|&)\s+")
ET_AL_RE = re.compile(r",?\s+et\.?\s+al\.?$")
MAX_KNOWN_SPAN = 8  # pieces a name already in the atlas may span


class AuthorsError(ValueError):
    """An author list that cannot be read (unbalanced braces); the message says why."""


# --- Person or organisation ----------------------------------------------------


def _plain(word):
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().casefold()


def _is_capitalised(word):
    core = word.strip(".")
    return bool(core) and core[0].isupper() and all(c.isalpha() or c in "'’-." for c in core)


def _words_ok(words, max_words, allow_initials):
    if not 1 <= len(words) <= max_words:
        return False
    named = False
    for word in words:
        if word in PARTICLES:
            continue
        if _plain(word.strip(".,")) in ORGANISATION_WORDS:
            return False
        if not (_is_capitalised(word) or (allow_initials and INITIALS_RE.match(word))):
            return False
        named = True
    return named


def person_parts(name):
    """
    (family, given) when ``name`` is a person by the rule above; None for an
    organisation::

        >>> person_parts("Harhoff, D.")
        ('Harhoff', 'D.')
        >>> person_parts("Department for Science, Innovation & Technology") is None
        True
    """
    if name.count(",") != 1 or any(char in name for char in "&()[]{}0123456789"):
        return None
    family, given = (part.strip() for part in name.split(","))
    if not family or not given:
        return None
    if not _words_ok(family.split(), 4, allow_initials=False):
        return None
    if not (INITIALS_RE.match(given) or _words_ok(given.split(), 4, allow_initials=True)):
        return None
    return family, given


def is_person(name):
    return person_parts(name) is not None


def kind(name):
    """ "person" or "organisation", as the rule decides."""
    return "person" if is_person(name) else "organisation"


# --- Reading a list --------------------------------------------------------------


@dataclass(frozen=True)
class Authors:
    """The names a list holds, and where the reading had to guess, a note saying so."""

    names: tuple
    note: str = ""


@dataclass
class _Unit:
    _text: str | None  # as written, spaces collapsed; a braced name without its braces
    start: int
    end: int
    whole: bool = False  # braced, or a name already in the atlas: never merged
    person: bool = False
    connective: bool | None = None  # a joining word after its first word (``_has_connective``)
    source: str = ""  # the list, for the text of a merged unit, worked out when asked for

    @property
    def text(self):
        if self._text is None:
            self._text = _collapse(self.source[self.start : self.end])
        return self._text

    @property
    def plain(self):
        return not (self.whole or self.person)


def _collapse(text):
    return " ".join(text.split())


def _scan(text):
    """
    The pieces between top-level separators, as units, and the separators
    between them (",", "and" or "&"). One pass: each character is looked at
    a fixed number of times.
    """
    units, separators = [], []
    start, depth, braced = 0, 0, False
    for token in _TOKEN_RE.finditer(text):
        char = token.group()
        if char == "{":
            if depth == 0 and not text[start : token.start()].strip():
                braced = True
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise AuthorsError("a “}” closes no “{” in the authors")
        elif depth == 0:
            units.append(_piece(text, start, token.start(), braced))
            separators.append("&" if "&" in char else "and" if "and" in char else ",")
            start, braced = token.end(), False
    if depth:
        raise AuthorsError("a “{” in the authors is never closed")
    units.append(_piece(text, start, len(text), braced))
    # Drop empty pieces (", ," or a leading comma) with the separator before them.
    kept_units, kept_separators = [], []
    for index, unit in enumerate(units):
        if not unit.text:
            if kept_separators and index < len(separators):
                kept_separators[-1] = _stronger(kept_separators[-1], separators[index])
            continue
        if kept_units:
            kept_separators.append(separators[index - 1])
        kept_units.append(unit)
    return kept_units, kept_separators


def _stronger(first, second):
    return first if first != "," else second


def _piece(text, start, end, braced):
    raw = text[start:end].strip()
    if braced and raw.startswith("{") and raw.endswith("}"):
        return _Unit(_collapse(raw[1:-1]), start, end, whole=True)
    return _Unit(_collapse(raw), start, end)


def _merge(text, first, second):
    # The merged text is made only when asked for: a long run of merges stays linear.
    merged = _Unit(None, first.start, second.end, source=text)
    # Worked out from the parts, so that a long run of merges stays linear.
    merged.connective = _has_connective(first) or any(
        word.casefold() in NAME_CONNECTIVES for word in second.text.split()
    )
    return merged


def _one_word_name(unit):
    words = unit.text.split()
    return len(words) == 1 and not _is_acronym(words[0])


def _is_acronym(word):
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def _closes_enumeration(unit):
    """A piece that ends an enumeration inside a name: "Media & Sport", "y Universidades"."""
    if unit.text[:1].islower():
        return True
    if _has_organisation_word(unit):
        return False  # "Fraunhofer-Institut für System- und Innovationsforschung"
    return any(word.casefold() in INNER_CONJUNCTIONS for word in unit.text.split())


def _has_organisation_word(unit):
    return any(_plain(part) in ORGANISATION_WORDS for part in re.split(r"[\s-]+", unit.text))


def _enumeration_ends(units, separators):
    """
    For each piece, how the run of one-word pieces after it ends: "closed"
    (by a piece that ends an enumeration inside a name), the index of the
    piece after an "and" that may end it (whether it does depends on the
    name before the run), or None. One pass from the right: linear.
    """
    ends = [None] * len(units)
    for index in range(len(units) - 2, -1, -1):
        following, separator = units[index + 1], separators[index]
        if not following.plain:
            end = None
        elif separator == "and":
            end = index + 1
        elif separator != ",":
            end = None
        elif _closes_enumeration(following):
            end = "closed"
        elif _one_word_name(following):
            end = ends[index + 1]
        else:
            end = None
        ends[index] = end
    return ends


def _is_fragment(units, ends, index, head):
    """
    Whether the piece at ``index``, after a comma, cannot be a name of its
    own and continues ``head``, the name before it: a piece that ends an
    enumeration inside a name, or a one-word piece of an enumeration that
    such a piece ends ("Digital, Culture, Media & Sport"; "Education,
    Culture and Science" after a name such as "Ministry of ..."). A one-word
    piece in a list that no such piece ends is a name ("Accenture,
    Microsoft and Oxford Insights"). ``ends`` is ``_enumeration_ends``.
    """
    unit = units[index]
    if _closes_enumeration(unit):
        return True
    if not _one_word_name(unit):
        return False
    end = ends[index]
    if end == "closed":
        return True
    return end is not None and _and_closes_name(head, units[end])


def _and_closes_name(head, unit):
    """ "and" before ``unit`` ends the name ``head`` ("Ministry of Science and ICT")."""
    return _has_connective(head) and len(unit.text.split()) == 1


def _has_connective(unit):
    if unit.connective is None:
        unit.connective = any(word.casefold() in NAME_CONNECTIVES for word in unit.text.split()[1:])
    return unit.connective


def read_authors(text, known=frozenset()):
    """
    The names in a Harvard author list, by the rules in this module's
    docstring; ``known`` holds names already in the atlas, casefolded::

        >>> read_authors("British Embassy Mexico City, Oxford Insights and C Minds").names
        ('British Embassy Mexico City', 'Oxford Insights', 'C Minds')

    Raise AuthorsError for unbalanced braces.
    """
    units, separators = _scan(text)
    guessed = []
    units, separators = _keep_known(text, units, separators, known)
    units, separators = _join_persons(text, units, separators)
    units, separators = _join_at(text, units, separators, _ampersand_inside)
    units, separators = _join_fragments(text, units, separators)
    units, separators = _join_at(text, units, separators, _and_inside, guessed)

    # Runs of names between the joiners ("and", "&"), each a comma list.
    runs, run = [], [units[0]] if units else []
    for unit, separator in zip(units[1:], separators, strict=True):
        if separator == ",":
            run.append(unit)
        else:
            runs.append(run)
            run = [unit]
    if run:
        runs.append(run)

    final = []
    for number, run in enumerate(runs):
        plain = [unit for unit in run if unit.plain]
        if len(run) > 1 and len(plain) == len(run) and (len(runs) == 1 or number == len(runs) - 1):
            # A comma list without a final "and" is one name; so are the
            # commas after the final "and" (a Harvard list has none there).
            merged = _merge(text, run[0], run[-1])
            merged.person = is_person(merged.text)
            if not merged.person:  # "Smith, Jane" is one person, no guess
                guessed.append(merged)
            run = [merged]
        final += run

    names = tuple(unit.text for unit in final if unit.text)
    with_commas = [
        unit for unit in final if unit.plain and "," in unit.text and not is_person(unit.text)
    ]
    note = ""
    if guessed or (len(names) > 1 and with_commas):
        shown = "; ".join(f"“{name}”" for name in names)
        note = (
            f"the authors could be read more than one way; read as {len(names)} "
            f"name{'s' if len(names) > 1 else ''}: {shown}"
        )
    return Authors(names, note)


def _keep_known(text, units, separators, known):
    """Pieces that together spell a name already in the atlas, as that one name."""
    if not known:
        return units, separators
    kept_units, kept_separators = [], []
    index = 0
    while index < len(units):
        end = index
        for last in range(min(len(units), index + MAX_KNOWN_SPAN) - 1, index - 1, -1):
            if any(unit.whole for unit in units[index : last + 1]):
                continue
            spelled = _collapse(text[units[index].start : units[last].end])
            if spelled.casefold() in known:
                end = last
                unit = _Unit(spelled, units[index].start, units[last].end, whole=True)
                break
        else:
            unit = units[index]
        if kept_units:
            kept_separators.append(separators[index - 1])
        kept_units.append(unit)
        index = end + 1
    return kept_units, kept_separators


def _join_persons(text, units, separators):
    """ "Family" "," "Initials" as one person."""
    kept_units, kept_separators = [units[0]] if units else [], []
    for unit, separator in zip(units[1:], separators, strict=True):
        previous = kept_units[-1]
        if (
            separator == ","
            and previous.plain
            and unit.plain
            and "," not in previous.text
            and INITIALS_RE.match(unit.text)
        ):
            merged = _merge(text, previous, unit)
            if is_person(merged.text):
                merged.person = True
                kept_units[-1] = merged
                continue
        kept_separators.append(separator)
        kept_units.append(unit)
    return kept_units, kept_separators


def _ampersand_inside(previous, separator, unit):
    return separator == "&" and previous.plain and unit.plain


def _join_fragments(text, units, separators):
    """Pieces after a comma that continue the name before them, joined to it."""
    kept_units, kept_separators = [units[0]] if units else [], []
    ends = _enumeration_ends(units, separators)
    for index in range(1, len(units)):
        unit, separator, previous = units[index], separators[index - 1], kept_units[-1]
        if (
            separator == ","
            and previous.plain
            and unit.plain
            and _is_fragment(units, ends, index, previous)
        ):
            kept_units[-1] = _merge(text, previous, unit)
            continue
        kept_separators.append(separator)
        kept_units.append(unit)
    return kept_units, kept_separators


def _and_inside(previous, separator, unit):
    return separator == "and" and previous.plain and unit.plain and _and_closes_name(previous, unit)


def _join_at(text, units, separators, inside, guessed=None):
    """Units joined across the separators ``inside`` says belong to a name."""
    kept_units, kept_separators = [units[0]] if units else [], []
    for unit, separator in zip(units[1:], separators, strict=True):
        if inside(kept_units[-1], separator, unit):
            # Joined across "&" or "and": never "Family, Given" (``person_parts``).
            kept_units[-1] = _merge(text, kept_units[-1], unit)
            if guessed is not None:
                guessed.append(kept_units[-1])
            continue
        kept_separators.append(separator)
        kept_units.append(unit)
    return kept_units, kept_separators


def split_authors(text, known=frozenset()):
    """The names of ``read_authors``, as a list."""
    return list(read_authors(text, known).names)


def strip_et_al(text):
    """(the list without a trailing "et al.", whether it had one)."""
    if ET_AL_RE.search(text):
        return ET_AL_RE.sub("", text), True
    return text, False


# --- Writing a list --------------------------------------------------------------


def format_authors(names):
    """
    The names as a Harvard author list that ``read_authors`` reads back as
    the same names, without a note: "A, B and C", with braces only around
    names that would otherwise be read otherwise.
    """
    names = [name for name in names if name]

    def join(parts):
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def reads_back(text):
        try:
            authors = read_authors(text)
        except AuthorsError:
            return False
        return list(authors.names) == names and not authors.note

    parts = [name if _reads_alone(name) else "{" + name + "}" for name in names]
    text = join(parts)
    if reads_back(text):
        return text
    # Brace every name that holds a separator, persons apart, then every name.
    parts = [
        "{" + name + "}"
        if part.startswith("{") or (not is_person(name) and re.search(r",|&|\band\b", name))
        else part
        for name, part in zip(names, parts, strict=True)
    ]
    text = join(parts)
    if reads_back(text):
        return text
    return join(["{" + name + "}" for name in names])


def _reads_alone(name):
    if "{" in name or "}" in name:
        return False
    try:
        authors = read_authors(name)
    except AuthorsError:
        return False
    return authors.names == (name,) and not authors.note


def display(names):
    """The names as a reader writes them: "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
