"""
Citing a country page of the atlas itself, and the metadata that lets
reference managers and search engines cite it without help.

``page_reference(country, address)`` describes the page as a work: the
atlas ("AI Strategy Atlas", an organisation) is its author and publisher,
its title is "<country>: national AI strategy", its date is the date of
its last published change (``Country.last_published_change``, the "Last
updated" the page shows). From that one description come

* the suggested citation as text (Harvard, as the atlas's references are),
* BibTeX, RIS and CSL-JSON (``PAGE_FORMATS``), escaped as the bibliography
  downloads are (``citations.formats``),
* Highwire Press ``citation_*`` tags (Zotero's "Embedded Metadata"
  translator, Google Scholar), and the schema.org ``Article`` for JSON-LD.

The reader's "accessed" date is left for the reader to fill in: a page
served from a shared cache cannot know the day it is read.
"""

import json
from dataclasses import dataclass
from datetime import date

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from citations.formats import (
    FORMATS,
    RIS_NEWLINE,
    _bibtex_key,
    _bibtex_url,
    _ris_value,
    bibtex_name,
    latex_escape,
    ris_name,
)

SITE_NAME = "AI Strategy Atlas"
PAGE_LANGUAGE = "en"


@dataclass(frozen=True)
class PageReference:
    """The page in the language it is read in: its title, site name and dates in that language."""

    key: str
    title: str
    address: str
    updated: date
    published: date
    language: str = PAGE_LANGUAGE
    author: str = SITE_NAME
    publisher: str = SITE_NAME

    @property
    def updated_display(self):
        return date_format(self.updated, "DATE_FORMAT")


def _local_date(moment):
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def page_reference(country, address):
    """The published ``country``'s page at the absolute ``address``, as a work to cite."""
    updated = country.last_published_change or country.published_at or country.updated_at
    published = country.published_at or updated
    site_name = _("AI Strategy Atlas")
    return PageReference(
        key=f"ai-strategy-atlas-{country.slug}",
        title=_("%(country)s: national AI strategy") % {"country": country.name},
        address=address,
        updated=_local_date(updated),
        published=_local_date(published),
        language=translation.get_language() or PAGE_LANGUAGE,
        author=site_name,
        publisher=site_name,
    )


def harvard_parts(reference):
    """
    The suggested citation as (text, kind) parts, as the references are
    shown: kind "title" is set in italics, "url" is a link, "accessed" is
    the reader's to fill in.
    """
    return [
        (f"{reference.author} ({reference.updated.year}) ", "text"),
        (reference.title, "title"),
        (f". {reference.publisher}. ", "text"),
        (_("Last updated %(date)s. Available at: ") % {"date": reference.updated_display}, "text"),
        (reference.address, "url"),
        (_(" (Accessed: "), "text"),
        (_("the date you read it"), "accessed"),
        (").", "text"),
    ]


def to_text(reference):
    return "".join(text for text, _kind in harvard_parts(reference))


def to_bibtex(reference):
    fields = [
        ("author", bibtex_name(reference.author)),
        ("title", latex_escape(reference.title)),
        ("publisher", latex_escape(reference.publisher)),
        ("year", str(reference.updated.year)),
        ("date", reference.updated.isoformat()),
        ("url", _bibtex_url(reference.address)),
        ("language", latex_escape(reference.language)),
        ("note", latex_escape(_("Last updated %(date)s") % {"date": reference.updated_display})),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{_bibtex_key(reference.key)},\n{body}\n}}\n"


def to_ris(reference):
    record = [
        ("TY", "ELEC"),
        ("ID", reference.key),
        ("AU", ris_name(reference.author)),
        ("TI", reference.title),
        ("T2", reference.publisher),
        ("PB", reference.publisher),
        ("PY", reference.updated.year),
        ("DA", reference.updated.strftime("%Y/%m/%d")),
        ("UR", reference.address),
        ("LA", reference.language),
    ]
    lines = [f"{tag}  - {_ris_value(value)}" for tag, value in record]
    return RIS_NEWLINE.join([*lines, "ER  - ", ""])


def _date_parts(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def to_csl_item(reference):
    return {
        "id": reference.key,
        "type": "webpage",
        "author": [{"literal": reference.author}],
        "title": reference.title,
        "container-title": reference.publisher,
        "publisher": reference.publisher,
        "issued": _date_parts(reference.updated),
        "URL": reference.address,
        "language": reference.language,
    }


def to_csl_json(reference):
    return json.dumps([to_csl_item(reference)], ensure_ascii=False, indent=2) + "\n"


# The page in each bibliography format, with the downloads' names and types.
PAGE_FORMATS = {
    "bib": (FORMATS["bib"], to_bibtex),
    "ris": (FORMATS["ris"], to_ris),
    "json": (FORMATS["json"], to_csl_json),
}


def rendered_formats(reference):
    """[(format, text)] for the cite box: each format as the download gives it."""
    return [(bib_format, render(reference)) for bib_format, render in PAGE_FORMATS.values()]


def highwire_tags(reference):
    """(name, content) pairs of the Highwire Press ``citation_*`` and Dublin Core tags."""
    return [
        ("citation_title", reference.title),
        ("citation_author", reference.author),
        ("citation_publication_date", reference.published.strftime("%Y/%m/%d")),
        ("citation_online_date", reference.updated.strftime("%Y/%m/%d")),
        ("citation_date", reference.updated.strftime("%Y/%m/%d")),
        ("citation_publisher", reference.publisher),
        ("citation_public_url", reference.address),
        ("citation_abstract_html_url", reference.address),
        ("citation_language", reference.language),
        ("DC.title", reference.title),
        ("DC.creator", reference.author),
        ("DC.publisher", reference.publisher),
        ("DC.date", reference.updated.isoformat()),
        ("DC.identifier", reference.address),
        ("DC.language", reference.language),
        ("DC.type", "Text"),
    ]


def article_data(reference, *, country_name, description, image, sources, site_address):
    """The page as a schema.org ``Article``, for ``{% json_ld %}``."""
    publisher = {"@type": "Organization", "name": reference.publisher, "url": site_address}
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": reference.title,
        "name": reference.title,
        "description": description,
        "url": reference.address,
        "mainEntityOfPage": reference.address,
        "datePublished": reference.published.isoformat(),
        "dateModified": reference.updated.isoformat(),
        "inLanguage": reference.language,
        "author": publisher,
        "publisher": publisher,
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": site_address},
        "about": {"@type": "Country", "name": country_name},
        "image": image,
    }
    if sources:
        data["citation"] = sources
    return data
