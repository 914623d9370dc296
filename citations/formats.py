"""
Bibliography formats: BibTeX, RIS and CSL-JSON, for reference managers
(Zotero, Mendeley, EndNote, JabRef) and citation processors.

Authors are kept one name each, as the citation lists them, and
``citations.names`` decides who is a person:

* a person ("Harhoff, D.") is exported as family and given names (BibTeX
  ``Harhoff, D.``, RIS ``AU  - Harhoff, D.``, CSL-JSON ``{"family":
  "Harhoff", "given": "D."}``);
* an organisation is kept whole, as written (BibTeX ``{Oxford Insights}``,
  RIS ``AU  - Oxford Insights``, CSL-JSON ``{"literal": "Oxford
  Insights"}``), so that no reference manager splits "British Embassy
  Mexico City" into a first and a last name. RIS has no mark for an
  organisation; one whose name holds a comma is written with a comma after
  it ("Department for Science, Innovation & Technology,"), EndNote's mark of
  a corporate author, so that the comma is not read as "Family, Given".

Online sources are BibTeX ``@misc`` with ``url`` and ``urldate``, RIS
``ELEC`` and CSL ``webpage``; print sources are ``@misc``, ``GEN`` and
``document``.
"""

import json
import re
from dataclasses import dataclass

from .models import Citation
from .names import person_parts

# --- BibTeX ----------------------------------------------------------------

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Braced, so that no reader looking for "@type{" finds a record start here.
    "@": "{@}",
}
# BibTeX counts braces whatever stands before them, so "\}" ends a field as
# "}" does. Braces that pair up are written "\{" and "\}" (balanced); a
# brace without its partner becomes TeX's \textbraceleft or \textbraceright,
# so no text can close its field and start a record of its own.
MATCHED_BRACES = {"{": r"\{", "}": r"\}"}
LONE_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _lone_braces(text):
    """The positions of braces in ``text`` that have no partner."""
    opened, lone = [], set()
    for position, char in enumerate(text):
        if char == "{":
            opened.append(position)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                lone.add(position)
    return lone | set(opened)


def latex_escape(text):
    """
    Text as a BibTeX field value: TeX's special characters escaped, braces
    kept balanced, the rest as is (UTF-8).
    """
    text = " ".join(text.split())
    lone = _lone_braces(text)
    return "".join(
        (LONE_BRACES if position in lone else MATCHED_BRACES)[char]
        if char in "{}"
        else LATEX_SPECIALS.get(char, char)
        for position, char in enumerate(text)
    )


def bibtex_name(name):
    person = person_parts(name)
    if person is None:
        return "{" + latex_escape(name) + "}"
    return ", ".join(_bibtex_name_part(part) for part in person)


def _bibtex_name_part(part):
    escaped = latex_escape(part)
    # " and " separates names in BibTeX, and a comma the parts of one; braces
    # keep a part that contains either whole (whatever spaces stand around it).
    plain = " ".join(part.split()).lower()
    return "{" + escaped + "}" if " and " in f" {plain} " or "," in plain else escaped


def _bibtex_url(url):
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C").replace("@", "%40")


def _bibtex_key(key):
    """The key as BibTeX reads one: a key written straight to the database cannot break out."""
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", key)


def to_bibtex(citations):
    entries = []
    for citation in citations:
        fields = [("author", " and ".join(bibtex_name(name) for name in citation.author_list))]
        fields.append(("title", latex_escape(citation.full_title)))
        if citation.year:
            fields.append(("year", str(citation.year)))
        if citation.publisher:
            fields.append(("publisher", latex_escape(citation.publisher)))
        if citation.url:
            fields.append(("url", _bibtex_url(citation.url)))
        if citation.accessed_on:
            fields.append(("urldate", citation.accessed_on.isoformat()))
        if citation.language:
            fields.append(("language", latex_escape(citation.language)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@misc{{{_bibtex_key(citation.key)},\n{body}\n}}\n")
    return "\n".join(entries)


# --- RIS -------------------------------------------------------------------

RIS_NEWLINE = "\r\n"  # the RIS specification's line ending


def _ris_value(text):
    return " ".join(str(text).split())


def ris_name(name):
    if "," in name and person_parts(name) is None:
        return name + ","  # a corporate author, not "Family, Given"
    return name


def to_ris(citations):
    lines = []
    for citation in citations:
        record = [("TY", "GEN" if citation.medium == Citation.Medium.PRINT else "ELEC")]
        record.append(("ID", citation.key))
        record += [("AU", ris_name(name)) for name in citation.author_list]
        record.append(("TI", citation.full_title))
        if citation.year:
            record.append(("PY", citation.year))
        if citation.publisher:
            record.append(("PB", citation.publisher))
        if citation.url:
            record.append(("UR", citation.url))
        if citation.accessed_on:
            record.append(("Y2", citation.accessed_on.strftime("%Y/%m/%d")))
        if citation.language:
            record.append(("LA", citation.language))
        lines += [f"{tag}  - {_ris_value(value)}" for tag, value in record]
        lines += ["ER  - ", ""]
    return RIS_NEWLINE.join(lines)


# --- CSL-JSON --------------------------------------------------------------


def csl_name(name):
    person = person_parts(name)
    if person is None:
        return {"literal": name}
    family, given = person
    return {"family": family, "given": given}


def to_csl_items(citations):
    """The citations as CSL-JSON items (dicts), ready for ``json.dumps``."""
    items = []
    for citation in citations:
        item = {
            "id": citation.key,
            "type": "document" if citation.medium == Citation.Medium.PRINT else "webpage",
            "author": [csl_name(name) for name in citation.author_list],
            "title": citation.full_title,
        }
        if citation.year:
            item["issued"] = {"date-parts": [[citation.year]]}
        if citation.publisher:
            item["publisher"] = citation.publisher
        if citation.url:
            item["URL"] = citation.url
        if citation.accessed_on:
            accessed = citation.accessed_on
            item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
        if citation.language:
            item["language"] = citation.language
        items.append(item)
    return items


def to_csl_json(citations):
    return json.dumps(to_csl_items(citations), ensure_ascii=False, indent=2) + "\n"


# --- Registry --------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    content_type: str
    render: object


FORMATS = {
    "bib": Format("BibTeX", "bib", "application/x-bibtex; charset=utf-8", to_bibtex),
    "ris": Format("RIS", "ris", "application/x-research-info-systems; charset=utf-8", to_ris),
    "json": Format(
        "CSL-JSON", "json", "application/vnd.citationstyles.csl+json; charset=utf-8", to_csl_json
    ),
}
