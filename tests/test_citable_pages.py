"""
A country page cites itself: the cite box, its downloads, and the metadata
that reference managers (Zotero's "Embedded Metadata" translator), Google
Scholar, link previews and search engines read from the page's head.
"""

import json
import re
from collections import defaultdict
from http import HTTPStatus
from pathlib import Path

import bibtexparser
import pytest
from django.core.cache import caches

from citations.footnotes import plain_summary
from strategy.models import Country

from .factories import CountryFactory
from .helpers import parse
from .test_bibtex_injection import HOSTILE, decode
from .test_hostile_requests import NAUGHTY_STRINGS

pytestmark = pytest.mark.django_db

ADDRESS = "http://testserver/countries/mexico/"
TITLE = "Mexico: national AI strategy"


def head_meta(soup):
    """{name or property: [content, ...]} of the head's meta tags, as a translator reads them."""
    found = defaultdict(list)
    for meta in soup.head.find_all("meta"):
        name = meta.get("name") or meta.get("property")
        if name and meta.has_attr("content"):
            found[name].append(meta["content"])
    return found


def json_ld_blocks(soup):
    return [
        json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")
    ]


def canonical(response):
    links = parse(response).head.find_all("link", rel="canonical")
    assert len(links) <= 1
    return links[0]["href"] if links else None


def test_highwire_tags_are_what_zotero_and_scholar_read(client, mexico):
    meta = head_meta(parse(client.get("/countries/mexico/")))
    assert meta["citation_title"] == [TITLE]
    assert meta["citation_author"] == ["AI Strategy Atlas"]
    assert meta["citation_publisher"] == ["AI Strategy Atlas"]
    # The fixture's Mexico was published, and last changed, on 1 November 2018.
    assert meta["citation_publication_date"] == ["2018/11/01"]
    assert meta["citation_online_date"] == ["2018/11/01"]
    assert meta["citation_public_url"] == [ADDRESS]
    assert meta["citation_abstract_html_url"] == [ADDRESS]
    assert meta["citation_language"] == ["en"]
    assert meta["DC.title"] == [TITLE] and meta["DC.date"] == ["2018-11-01"]


def test_the_date_is_the_last_published_change(client, mexico):
    Country.objects.filter(pk=mexico.pk).update(
        last_published_change="2024-03-05T12:00:00Z", updated_at="2025-01-01T00:00:00Z"
    )
    soup = parse(client.get("/countries/mexico/"))
    meta = head_meta(soup)
    assert meta["citation_online_date"] == ["2024/03/05"]
    assert meta["citation_publication_date"] == ["2018/11/01"]  # first published
    assert "Last updated 5 March 2024" in soup.select_one("#cite-text").get_text()


def test_link_previews_have_absolute_addresses_and_a_plain_summary(client, mexico):
    meta = head_meta(parse(client.get("/countries/mexico/")))
    for name in ("og:title", "og:description", "og:url", "og:image", "og:site_name"):
        assert len(meta[name]) == 1, name
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == [TITLE]
    assert meta["og:url"] == [ADDRESS]
    assert re.fullmatch(r"http://testserver/static/img/atlas-card[.\w]*\.png", meta["og:image"][0])
    description = meta["og:description"][0]
    assert description.startswith("The key vision that the Mexican Government has")
    assert len(description) <= 200 and description.endswith("…")
    assert "[^" not in description and "<" not in description
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["twitter:image"] == meta["og:image"]
    assert meta["twitter:description"] == [description]


def test_the_site_image_is_a_1200_by_630_png(client):
    from django.contrib.staticfiles import finders

    data = Path(finders.find("img/atlas-card.png")).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 630)


def test_json_ld_article(client, mexico):
    blocks = json_ld_blocks(parse(client.get("/countries/mexico/")))
    articles = [block for block in blocks if block.get("@type") == "Article"]
    assert len(articles) == 1
    article = articles[0]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == TITLE
    assert article["url"] == ADDRESS
    assert article["dateModified"] == "2018-11-01" and article["datePublished"] == "2018-11-01"
    assert article["inLanguage"] == "en"
    assert article["publisher"] == {
        "@type": "Organization",
        "name": "AI Strategy Atlas",
        "url": "http://testserver/",
    }
    assert article["isPartOf"]["@type"] == "WebSite"
    assert article["about"] == {"@type": "Country", "name": "Mexico"}
    assert article["description"].startswith("The key vision")
    assert set(article["citation"]) == {
        citation.url for citation in mexico.citations.all() if citation.url
    }


def test_cite_box_is_labelled_and_holds_every_format(client, mexico):
    soup = parse(client.get("/countries/mexico/"))
    box = soup.select_one("section.cite-box")
    assert box["aria-labelledby"] == "cite-heading"
    assert box.find(id="cite-heading").name == "h2"
    assert box.find(id="cite-heading").get_text() == "Cite this page"
    text = " ".join(box.select_one("#cite-text").get_text().split())
    assert text == (
        f"AI Strategy Atlas (2018) {TITLE}. AI Strategy Atlas. Last updated 1 November 2018. "
        f"Available at: {ADDRESS} (Accessed: the date you read it)."
    )
    formats = {details.summary.get_text(): details for details in box.select("details")}
    assert set(formats) == {"BibTeX", "RIS", "CSL-JSON"}
    for details in formats.values():
        download = details.find("a", download=True)
        shown = details.pre.get_text()  # HTML reads a CRLF (RIS's line end) as LF
        assert client.get(download["href"]).content.decode().replace("\r\n", "\n") == shown
    assert soup.select_one('nav.toc a[href="#cite-heading"]')


def test_downloads_read_back_with_the_same_title_address_and_date(client, mexico):
    bib = client.get("/countries/mexico/cite.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="ai-strategy-atlas-mexico.bib"'
    library = bibtexparser.parse_string(bib.content.decode())
    assert library.failed_blocks == [] and len(library.entries) == 1
    entry = library.entries[0]
    assert decode(entry["title"]) == TITLE
    assert entry["url"] == ADDRESS
    assert entry["date"] == "2018-11-01" and entry["year"] == "2018"
    assert entry["author"] == "{AI Strategy Atlas}"  # an organisation, kept whole

    ris = client.get("/countries/mexico/cite.ris")
    assert ris["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    lines = ris.content.decode().split("\r\n")
    assert lines[0] == "TY  - ELEC" and "ER  - " in lines
    tags = dict(line.split("  - ", 1) for line in lines[: lines.index("ER  - ")])
    assert tags["TI"] == TITLE and tags["UR"] == ADDRESS and tags["DA"] == "2018/11/01"
    assert tags["AU"] == "AI Strategy Atlas"

    csl = client.get("/countries/mexico/cite.json")
    assert csl["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    [item] = json.loads(csl.content)
    assert item["title"] == TITLE and item["URL"] == ADDRESS
    assert item["issued"] == {"date-parts": [[2018, 11, 1]]}
    assert item["type"] == "webpage" and item["author"] == [{"literal": "AI Strategy Atlas"}]


@pytest.mark.mexico_as_draft
def test_drafts_have_no_cite_downloads_or_metadata(client, admin_client, mexico):
    for extension in ("bib", "ris", "json"):
        assert client.get(f"/countries/mexico/cite.{extension}").status_code == HTTPStatus.NOT_FOUND
        response = admin_client.get(f"/countries/mexico/cite.{extension}")
        assert response.status_code == HTTPStatus.NOT_FOUND
    soup = parse(admin_client.get("/countries/mexico/"))  # the staff preview
    assert soup.find(id="cite-heading") is None
    assert "citation_title" not in head_meta(soup) and json_ld_blocks(soup) == []


def test_unknown_country_and_format_are_not_found(client, mexico):
    assert client.get("/countries/atlantis/cite.bib").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/countries/mexico/cite.pdf").status_code == HTTPStatus.NOT_FOUND


# What TeX (and so pylatexenc) reads as one typographic character: '' is ”.
TEX_LIGATURES = ("''", "``", "--", "<<", ">>", "?`", "!`", ",,")


def hostile_names():
    """Naughty strings that are names an editor could type, with what breaks markup or TeX."""
    names = [
        string
        for string in [*NAUGHTY_STRINGS, *HOSTILE]
        if string.isprintable()
        and string == string.strip()
        and 0 < len(string) <= 100
        and any(char in string for char in "\"'<>&{}@\\%")
    ]
    return list(dict.fromkeys(names))[:60]


def test_hostile_names_stay_inside_meta_attributes_and_bibtex(client):
    names = hostile_names()
    assert len(names) >= 40
    for number, name in enumerate(names):
        CountryFactory(name=name, slug=f"hostile-{number}")
    for number, name in enumerate(names):
        title = f"{name}: national AI strategy"
        soup = parse(client.get(f"/countries/hostile-{number}/"))
        meta = head_meta(soup)
        assert meta["citation_title"] == [title], name
        assert meta["og:title"] == [title] and meta["twitter:title"] == [title], name
        assert len([key for key in meta if key.startswith("citation_")]) == 9, name
        [article] = json_ld_blocks(soup)
        assert article["about"]["name"] == name
        library = bibtexparser.parse_string(
            client.get(f"/countries/hostile-{number}/cite.bib").content.decode()
        )
        assert library.failed_blocks == [] and len(library.entries) == 1, name
        if not any(ligature in name for ligature in TEX_LIGATURES):
            assert decode(library.entries[0]["title"]) == " ".join(title.split()), name
        [item] = json.loads(client.get(f"/countries/hostile-{number}/cite.json").content)
        assert item["title"] == title


# --- Canonical addresses ---------------------------------------------------


def test_canonical_drops_tracking_and_keeps_what_the_page_depends_on(client, mexico):
    response = client.get("/countries/mexico/?utm_source=news&fbclid=x&page=3")
    assert canonical(response) == ADDRESS  # the country page reads no ?page=
    response = client.get("/themes/health/?utm_medium=mail&page=1")
    assert canonical(response) == "http://testserver/themes/health/?page=1"
    response = client.get("/countries/?theme=health&gclid=1&region=latin-america-caribbean")
    assert canonical(response) == (
        "http://testserver/countries/?region=latin-america-caribbean&theme=health"
    )
    assert canonical(client.get("/")) == "http://testserver/"


def test_every_public_page_has_one_absolute_canonical(client, mexico):
    from .helpers import PUBLIC_PAGES

    for url in PUBLIC_PAGES:
        assert canonical(client.get(url)) == f"http://testserver{url}", url


def test_error_pages_have_no_canonical(client, mexico):
    assert canonical(client.get("/countries/atlantis/")) is None
    response = client.get("/countries/?region=atlantis")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert canonical(response) is None


def test_canonical_spells_the_host_one_way_or_uses_site_url(client, mexico, settings):
    assert canonical(client.get("/countries/mexico/", HTTP_HOST="TestServer")) == ADDRESS
    settings.SITE_URL = "https://atlas.example.org"
    caches["default"].clear()  # pages cached before the setting changed
    response = client.get("/countries/mexico/")
    assert canonical(response) == "https://atlas.example.org/countries/mexico/"
    assert head_meta(parse(response))["citation_public_url"] == [
        "https://atlas.example.org/countries/mexico/"
    ]


# --- Summaries and languages -----------------------------------------------


def test_plain_summary_drops_markup_and_cuts_at_a_word():
    text = "A *bold* plan[^key] for <b>all</b> & more. " + "word " * 100
    summary = plain_summary(text, limit=60)
    assert summary.startswith("A bold plan for <b>all</b> & more. word")
    assert len(summary) <= 60 and summary.endswith("word…")
    assert plain_summary("Short.") == "Short."


def test_sources_in_another_language_carry_it(client, mexico):
    soup = parse(client.get("/countries/mexico/"))
    titles = {cite.get_text(): cite.get("lang") for cite in soup.select(".notes .reference cite")}
    assert titles["Informe de autoevaluación enero-diciembre 2017"] == "es"
    assert titles["TOWARDS AN AI STRATEGY IN MEXICO: Harnessing the AI Revolution"] is None
    page = parse(client.get("/citations/secretaria-de-hacienda-2017/"))
    assert page.find("h1")["lang"] == "es"
    page = parse(client.get("/citations/british-embassy-mexico-city-2018/"))
    assert not page.find("h1").has_attr("lang")


def test_a_language_that_is_no_tag_is_left_off(mexico):
    from citations.models import Citation

    citation = Citation(language='es" onmouseover="x')
    assert citation.html_lang == ""
    assert Citation(language="pt-BR").html_lang == "pt-BR"
    assert Citation(language="EN-gb").html_lang == ""


def test_json_ld_names_only_web_addresses_of_sources(client, mexico):
    from citations.models import Citation

    # A URL that reached the database without validation is never named.
    Citation.objects.filter(key="secretaria-de-hacienda-2017").update(url="javascript:alert(1)")
    (article,) = [b for b in json_ld_blocks(parse(client.get("/countries/mexico/"))) if b]
    assert article["citation"] and all(url.startswith("https://") for url in article["citation"])
