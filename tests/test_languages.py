"""
The atlas in English and Spanish: the interface (the catalogue), the content
(django-modeltranslation columns), and everything that follows the language:
addresses, the switcher, fallbacks, the admin, history, import, search, the
API, the CSV, feeds, the sitemap and the page cache.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import feedparser
import polib
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from chapters.problems import ChapterError
from chapters.reader import read_chapter
from chapters.translations import import_translation
from strategy.models import Country
from strategy.revisions import save_revision
from web import catalogues

from . import admin_forms
from .factories import CountryFactory
from .helpers import PUBLIC_PAGES, SOURCE_DIR, parse

SPANISH_PAGES = [f"/es{path}" for path in PUBLIC_PAGES]
# Names that references and the licence give as they are, in any language.
PROPER_NAMES = {"AI Strategy Atlas", "Creative Commons Attribution 4.0"}


def spanish_catalogue():
    return polib.pofile(str(catalogues.catalogue_paths()["es"]))


# --- The catalogue ---------------------------------------------------------------


def test_the_spanish_catalogue_is_complete_with_every_placeholder_kept():
    catalogue = spanish_catalogue()
    assert len(catalogue) > 400  # the whole interface, not a sample
    assert catalogues.problems(catalogue) == []


def test_a_lost_placeholder_or_a_fuzzy_entry_is_caught():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="%(count)s countries", msgstr="países"))
    catalogue.append(polib.POEntry(msgid="Sources", msgstr="Fuentes", flags=["fuzzy"]))
    catalogue.append(polib.POEntry(msgid="Themes", msgstr=""))
    found = catalogues.problems(catalogue)
    assert [problem.rsplit(": ", 1)[-1] for problem in found][1:] == ["fuzzy", "not translated"]
    assert "placeholders differ" in found[0]


def test_the_catalogue_compiles_without_gnu_gettext(tmp_path, settings):
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_bytes(catalogues.catalogue_paths()["es"].read_bytes())
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_catalogues", "--check", stdout=io.StringIO())
    compiled = polib.mofile(str(folder / "django.mo"))
    assert compiled.find("Sources").msgstr == "Fuentes"


# --- Every public page in both languages -------------------------------------------


def visible_text(page):
    """The page's text in the page's own language: parts marked in another are left out."""
    for element in page.select("[lang]"):
        if element.name != "html" and element.get("lang") != page.html.get("lang"):
            element.decompose()
    for element in page(["script", "style"]):
        element.decompose()
    return " ".join(page.get_text(" ").split())


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_every_public_page_is_in_spanish_under_es(client, mexico, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == "es"
    page = parse(response)
    assert page.html["lang"] == "es"
    text = visible_text(page)
    # No interface string is left in English: every translated sentence of the
    # catalogue (a few words or more, no placeholder) is absent from the page.
    left = [
        entry.msgid
        for entry in spanish_catalogue()
        if entry.msgstr
        and entry.msgstr != entry.msgid
        and len(entry.msgid.split()) >= 3
        and not catalogues.placeholders(entry.msgid)
        and "<" not in entry.msgid
        and entry.msgid not in PROPER_NAMES
        and entry.msgid in text
    ]
    assert left == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_is_still_in_english_at_its_address(client, mexico, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert parse(response).html["lang"] == "en"
    # The language is the address's: a Spanish browser gets the English page here.
    spanish_browser = client.get(path, headers={"Accept-Language": "es"})
    assert parse(spanish_browser).html["lang"] == "en"
    assert "Accept-Language" not in spanish_browser.get("Vary", "")


def test_mexico_reads_in_spanish_with_its_footnotes(client, mexico):
    page = parse(client.get("/es/countries/mexico/"))
    assert page.h1.get_text(strip=True) == "México"
    assert "lang" not in page.h1.attrs  # translated, so in the page's language
    vision = page.select_one(".vision .prose")
    assert vision.get_text().startswith("La visión clave del Gobierno mexicano")
    assert "translated" in page.select_one(".translation-note").get_text() or page.select_one(
        ".translation-note"
    ).get_text().startswith("Traducido")
    # The footnote markers were kept: each leads to a source in the Sources section.
    markers = [link["href"] for link in page.select(".prose a.footnote-ref, .prose sup a")]
    assert markers and all(page.select_one(href) is not None for href in markers)
    titles = [h3.get_text(strip=True) for h3 in page.select(".goal h3")]
    assert titles[0] == "Digitalizar las pequeñas empresas con Big Data, analítica e IA"
    themes = page.select_one(".goal").get_text(" ")
    assert "pequeñas empresas" in themes
    assert "1 de noviembre de 2018" in page.select_one(".profile-header").get_text(" ")


def test_a_text_not_yet_translated_is_shown_in_english_and_marked(client, mexico):
    CountryFactory(
        name="Freedonia", slug="freedonia", status="published", vision="Freedonia's plan."
    )
    page = parse(client.get("/es/countries/freedonia/"))
    vision = page.select_one(".vision .prose")
    assert vision["lang"] == "en" and "Freedonia's plan." in vision.get_text()
    assert page.h1["lang"] == "en"
    marker = page.select_one(".vision .untranslated")
    assert marker is not None and "lang" not in marker.attrs
    assert marker.get_text(strip=True) == "Aún sin traducir: se muestra en inglés."
    # In English nothing is marked.
    english = parse(client.get("/countries/freedonia/"))
    assert english.select(".untranslated") == [] and "lang" not in english.h1.attrs


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/countries/mexico/", "/es/countries/mexico/"),
        ("/es/themes/health/", "/themes/health/"),
        ("/es/search/?q=salud", "/search/?q=salud"),
        (
            "/countries/?region=latin-america-caribbean",
            "/es/countries/?region=latin-america-caribbean",
        ),
    ],
)
def test_the_switcher_and_the_alternates_keep_the_page(client, mexico, path, other):
    page = parse(client.get(path))
    switcher = page.select_one("nav.languages")
    links = {a["lang"]: a["href"] for a in switcher.select("a")}
    current = switcher.select_one("a[aria-current]")
    assert links[current["lang"]] == path
    assert other in links.values()
    alternates = {link["hreflang"]: link["href"] for link in page.select("link[hreflang]")}
    assert alternates["x-default"].endswith(path if current["lang"] == "en" else other)
    assert {
        alternates["en"].split("testserver", 1)[1],
        alternates["es"].split("testserver", 1)[1],
    } == {path, other}


def test_an_address_in_no_language_is_not_found(client, mexico):
    assert client.get("/fr/countries/mexico/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/en/countries/mexico/").status_code == HTTPStatus.NOT_FOUND


# --- The page cache, by language ------------------------------------------------------


def test_each_language_is_cached_apart(client, mexico, django_assert_max_num_queries):
    english = client.get("/countries/mexico/").content
    spanish = client.get("/es/countries/mexico/").content
    with django_assert_max_num_queries(1):
        assert client.get("/es/countries/mexico/").content == spanish
    with django_assert_max_num_queries(1):
        assert client.get("/countries/mexico/").content == english
    assert b"M\xc3\xa9xico</h1>" in spanish and b"Mexico</h1>" in english


@pytest.mark.parametrize(
    "path",
    ["/countries/mexico/", "/countries/", "/themes/health/", "/search/?q=data", "/compare/", "/"],
)
def test_the_second_language_adds_no_query(client, mexico, settings, path):
    settings.PAGE_CACHE_SECONDS = 0  # every page rendered
    call_command("rebuild_search_index", stdout=io.StringIO())
    counts = {}
    for address in (path, f"/es{path}"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == HTTPStatus.OK
        counts[address] = len(queries)
    assert counts[path] == counts[f"/es{path}"]


# --- Editors: both languages in one save, and in the history --------------------------


def test_an_editor_updates_both_versions_in_one_save_and_a_restore_brings_both_back(
    client, admin_client, mexico
):
    save_revision(mexico, comment="As loaded.")
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    assert data["vision_es"].startswith("La visión clave")  # the Spanish beside the English
    data["vision"] = "A new vision.[^british-embassy-mexico-city-2018]"
    data["vision_es"] = "Una visión nueva.[^british-embassy-mexico-city-2018]"
    index = admin_forms.inline_index(data, "goals", "position", 2)
    data[f"goals-{index}-title_es"] = "Automatizar lo rutinario"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, admin_forms.error_text(response)
    admin_forms.publish_draft(admin_client, mexico)
    english = parse(client.get("/countries/mexico/"))
    spanish = parse(client.get("/es/countries/mexico/"))
    assert english.select_one(".vision .prose").get_text().startswith("A new vision.")
    assert spanish.select_one(".vision .prose").get_text().startswith("Una visión nueva.")
    assert "Automatizar lo rutinario" in [
        h3.get_text(strip=True) for h3 in spanish.select(".goal h3")
    ]

    first = Version.objects.get_for_object(mexico).order_by("pk")[0]
    revision_url = reverse("admin:strategy_country_revision", args=[mexico.pk, first.pk])
    restored = admin_forms.form_data(admin_client.get(revision_url), "country_form")
    assert admin_client.post(revision_url, restored).status_code == HTTPStatus.FOUND
    admin_forms.publish_draft(admin_client, mexico)
    mexico = Country.objects.get(pk=mexico.pk)
    assert mexico.vision_en.startswith("The key vision")
    assert mexico.vision_es.startswith("La visión clave")
    assert mexico.goals.get(position=2).title_es == "Automatizar las tareas rutinarias"


def test_a_spanish_text_with_an_unknown_marker_is_refused_by_its_field(admin_client, mexico):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    data["vision_es"] = "Una visión.[^no-such-source]"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    error = page.select_one(".field-vision_es .errorlist, .errors.field-vision_es .errorlist")
    assert error is not None and "no-such-source" in error.get_text()


def test_the_admin_speaks_the_editors_language_and_keeps_theme_names_english(admin_client, mexico):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    response = admin_client.get(url, headers={"Accept-Language": "es"})
    page = parse(response)
    assert page.html["lang"] == "es"
    # Themes are typed by their English names, whatever language the admin is in.
    themes = page.select_one("#id_goals-0-tags")["value"]
    assert "small business" in themes and "pequeñas" not in themes
    data = admin_forms.form_data(response, "country_form")
    data["vision_es"] = data["vision_es"] + " Más."
    assert admin_client.post(url, data, headers={"Accept-Language": "es"}).status_code == (
        HTTPStatus.FOUND
    )
    draft = mexico.working_draft
    assert [tag.name_en for tag in draft.goals.get(position=1).tags.order_by("name_en")] == [
        "big data",
        "digitalisation",
        "economy",
        "small business",
    ]
    assert draft.vision_en == mexico.vision_en  # the English text untouched


# --- Importing a chapter in Spanish ---------------------------------------------------


def spanish_chapter(**changes):
    text = (SOURCE_DIR / "mexico.es.md").read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    return read_chapter(text.encode())


def test_a_spanish_chapter_imports_as_the_spanish_version(mexico):
    result = import_translation(
        spanish_chapter(**{"La visión clave": "La gran visión"}), "es", source_name="mexico.es.md"
    )
    assert result.changed == ["the vision"]
    mexico.refresh_from_db()
    assert mexico.vision_es.startswith("La gran visión")
    assert mexico.vision_es.endswith("[^british-embassy-mexico-city-2018]")
    assert mexico.vision_en.startswith("The key vision")  # English untouched
    assert "Spanish" in Version.objects.get_for_object(mexico).first().revision.get_comment() or (
        "Español" in Version.objects.get_for_object(mexico).first().revision.get_comment()
    )
    # The same chapter again changes nothing.
    again = import_translation(
        spanish_chapter(**{"La visión clave": "La gran visión"}), "es", source_name="mexico.es.md"
    )
    assert again.changed == []


def test_the_fixture_s_spanish_is_the_spanish_chapter(mexico):
    assert import_translation(spanish_chapter(), "es").changed == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"# México": "# Atlantis"}, "no country “Atlantis”"),
        (
            {
                "https://www.condusef.gob.mx/transparencia/IA_enero_dic_2017.pdf": "https://example.org/x.pdf",
                "(2017). Informe": "(2016). Otro informe",
            },
            "does not have",
        ),
        ({"\n\nAdemás, los usos futuros": " Además, los usos futuros"}, "the chapter has 2 goals"),
    ],
)
def test_a_spanish_chapter_that_does_not_fit_is_refused_with_nothing_written(
    mexico, changes, problem
):
    before = Country.objects.get(pk=mexico.pk).vision_es
    with pytest.raises(ChapterError) as refused:
        import_translation(spanish_chapter(**changes), "es")
    assert problem in " ".join(str(p) for p in refused.value.problems)
    assert Country.objects.get(pk=mexico.pk).vision_es == before


def test_import_strategy_reads_a_chapter_in_spanish(mexico, tmp_path):
    chapter = tmp_path / "mexico.es.md"
    chapter.write_text(
        (SOURCE_DIR / "mexico.es.md")
        .read_text(encoding="utf-8")
        .replace("En conclusión", "Por último"),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_strategy", str(chapter), "--language", "es", stdout=out)
    assert "changed the conclusion" in out.getvalue()
    assert Country.objects.get(pk=mexico.pk).conclusion_es.startswith("Por último")


# --- Search, the API, the CSV, feeds and the sitemap -----------------------------------


def result_links(response):
    return [a["href"] for a in parse(response).select("main ol a[href*='/countries/']")]


def test_a_spanish_search_finds_the_spanish_text(client, mexico):
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert "/es/countries/mexico/#goal-1" in result_links(client.get("/es/search/?q=empresas"))
    assert result_links(client.get("/search/?q=empresas")) == []
    assert "/countries/mexico/#goal-1" in result_links(client.get("/search/?q=businesses"))
    assert result_links(client.get("/es/search/?q=businesses")) == []


@pytest.mark.postgres
def test_spanish_stemming_on_postgresql(client, mexico):
    call_command("rebuild_search_index", stdout=io.StringIO())
    # "empresa" is the stem of "empresas"; "digitalizarlas" of "digitalizar".
    assert "/es/countries/mexico/#goal-1" in result_links(client.get("/es/search/?q=empresa"))


def test_the_api_answers_in_the_language_asked_for(client, mexico):
    spanish = client.get("/api/countries/mexico/?lang=es").json()
    assert spanish["name"] == "México" and spanish["language"] == "es"
    assert spanish["vision"].startswith("La visión clave")
    assert spanish["html_url"].endswith("/es/countries/mexico/")
    assert spanish["goals"][1]["title"] == "Automatizar las tareas rutinarias"
    english = client.get("/api/countries/mexico/").json()
    assert english["name"] == "Mexico" and english["language"] == "en"
    # Both languages in the detail, whichever was asked for.
    assert english["translations"] == spanish["translations"]
    assert english["translations"]["es"]["goals"][0]["title"].startswith("Digitalizar")
    assert english["translations"]["en"]["vision"] == english["vision"]
    listed = client.get("/api/countries/?lang=es").json()
    assert [country["name"] for country in listed["results"]] == ["México"]


def test_an_unknown_language_is_a_400_in_json(client, mexico):
    response = client.get("/api/countries/mexico/?lang=fr")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "lang" in response.json()["detail"]


def test_the_csv_says_the_language_of_each_row(client, mexico):
    CountryFactory(name="Freedonia", slug="freedonia", status="published", vision="V.")
    from strategy.models import Goal

    Goal.objects.create(
        country=Country.objects.get(slug="freedonia"), position=1, title="T", description="D."
    )
    text = client.get("/api/goals.csv?lang=es").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    languages = {(row["country"], row["language"]) for row in rows}
    assert languages == {("México", "es"), ("Freedonia", "en")}
    mexico_rows = [row for row in rows if row["country"] == "México"]
    assert mexico_rows[0]["goal"].startswith("Digitalizar")


def test_the_feeds_follow_the_language(client, mexico):
    spanish = feedparser.parse(client.get("/es/feed/").content)
    english = feedparser.parse(client.get("/feed/").content)
    assert spanish.feed.language == "es" and english.feed.language == "en"
    assert spanish.entries[0].title == "México: versión 1"
    assert spanish.entries[0].link.endswith("/es/countries/mexico/versions/1/")
    assert english.entries[0].title == "Mexico: version 1"
    assert spanish.entries[0].id != english.entries[0].id


def test_the_sitemap_lists_every_page_in_both_languages_with_alternates(client, mexico):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 -- the site's own
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = {url.findtext("s:loc", namespaces=ns) for url in root.findall("s:url", ns)}
    paths = {re.sub(r"^https?://[^/]+", "", location) for location in locations}
    assert {"/countries/mexico/", "/es/countries/mexico/", "/es/themes/health/"} <= paths
    for url in root.findall("s:url", ns):
        alternates = {link.get("hreflang") for link in url.findall("x:link", ns)}
        assert alternates == {"en", "es", "x-default"}


def test_publishing_can_require_a_spanish_version(settings, mexico):
    from strategy import readiness

    freedonia = CountryFactory(name="Freedonia", slug="freedonia", region="europe-central-asia")
    assert not any("Español" in str(item) for item in readiness.missing_for(freedonia))
    settings.PUBLISH_REQUIRES_LANGUAGES = ["es"]
    items = [str(item) for item in readiness.missing_for(freedonia)]
    assert any("Español" in item and "the vision" in item for item in items)
    assert not any("Español" in str(item) for item in readiness.missing_for(mexico))


def test_a_spanish_export_imports_back_as_the_same_spanish_version(mexico, tmp_path):
    exported = tmp_path / "mexico.es.md"
    call_command("export_strategy", "mexico", "--language", "es", "-o", str(exported))
    text = exported.read_text(encoding="utf-8")
    assert "# México" in text and "## Automatizar las tareas rutinarias" in text
    chapter = read_chapter(text.encode())
    assert import_translation(chapter, "es").changed == []
    # Edited and imported again, only the edit changes.
    edited = read_chapter(
        text.replace("## Automatizar las tareas", "## Automatizar tareas").encode()
    )
    assert import_translation(edited, "es").changed == ["goal 2"]
    assert mexico.goals.get(position=2).title_es == "Automatizar tareas rutinarias"


def test_an_untranslated_text_exported_in_spanish_stays_untranslated_when_imported(mexico):
    Country.objects.filter(pk=mexico.pk).update(conclusion_es=None)
    mexico.refresh_from_db()
    from django.utils import translation

    from chapters.writer import write_chapter

    with translation.override("es"):
        text = write_chapter(mexico)
    assert mexico.conclusion_en in text  # English where nothing is translated yet
    assert import_translation(read_chapter(text.encode()), "es").changed == []
    mexico.refresh_from_db()
    assert mexico.conclusion_es is None


def test_a_theme_s_spanish_name_is_edited_on_its_page_and_shows_at_once(
    client, admin_client, mexico
):
    from taggit.models import Tag

    assert "salud" in parse(client.get("/es/themes/health/")).h1.get_text()
    health = Tag.objects.get(slug="health")
    url = reverse("admin:taggit_tag_change", args=[health.pk])
    data = admin_forms.form_data(admin_client.get(url), "tag_form")
    assert data["name"] == "health" and data["name_es"] == "salud"
    data["name_es"] = "sanidad"
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert "sanidad" in parse(client.get("/es/themes/health/")).h1.get_text()
    assert "health" in parse(client.get("/themes/health/")).h1.get_text()
    # Two themes cannot share a Spanish name.
    work = Tag.objects.get(slug="work")
    url = reverse("admin:taggit_tag_change", args=[work.pk])
    data = admin_forms.form_data(admin_client.get(url), "tag_form")
    data["name_es"] = "Sanidad"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Spanish name" in admin_forms.error_text(response)


# --- Found by trying it: importing and typing in the wrong language ------------------


def test_the_english_chapter_imported_as_spanish_is_refused_and_erases_nothing(mexico):
    english = read_chapter((SOURCE_DIR / "mexico.md").read_bytes())
    # The English chapter's footnote labels are numbers, as the Spanish one's.
    with pytest.raises(ChapterError) as refused:
        import_translation(english, "es")
    assert "not a translation" in str(refused.value.problems[0])
    assert Country.objects.get(pk=mexico.pk).vision_es.startswith("La visión clave")


def test_a_text_the_same_as_the_english_leaves_the_translation_as_it_is(mexico):
    chapter = spanish_chapter(
        **{
            "En conclusión, el Gobierno mexicano y los expertos de todos los sectores se "
            "comprometen a impulsar la IA en el país de forma sostenible y escalable, "
            "centrándose sobre todo en el impacto social que puede tener y en las "
            "oportunidades que ofrece para mejorar las condiciones de vida de la "
            "población mexicana.": mexico.conclusion_en,
        }
    )
    assert import_translation(chapter, "es").changed == []
    assert Country.objects.get(pk=mexico.pk).conclusion_es.startswith("En conclusión")


def test_a_spanish_export_says_its_language_and_is_refused_as_english(mexico, tmp_path):
    exported = tmp_path / "mexico.es.md"
    call_command("export_strategy", "mexico", "--language", "es", "-o", str(exported))
    assert 'language = "es"' in exported.read_text(encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_strategy", str(exported), stdout=io.StringIO(), stderr=errors)
    assert "written in “es”" in errors.getvalue()
    mexico.refresh_from_db()
    assert mexico.vision_en.startswith("The key vision") and mexico.name_en == "Mexico"
    from taggit.models import Tag

    assert not Tag.objects.filter(name_en="salud").exists()
    english = tmp_path / "mexico.md"
    call_command("export_strategy", "mexico", "-o", str(english))
    front_matter = english.read_text(encoding="utf-8").split("[citations", 1)[0]
    assert "language =" not in front_matter  # English needs no saying
    with pytest.raises(ChapterError):
        import_translation(read_chapter(exported.read_bytes().replace(b'"es"', b'"fr"')), "es")


def test_a_theme_typed_by_its_spanish_name_is_the_existing_theme(admin_client, mexico):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    index = admin_forms.inline_index(data, "goals", "position", 2)
    data[f"goals-{index}-tags"] = "Salud, automatización, robots"
    response = admin_client.post(url, data, headers={"Accept-Language": "es"})
    assert response.status_code == HTTPStatus.FOUND, admin_forms.error_text(response)
    from taggit.models import Tag

    goal = mexico.working_draft.goals.get(position=2)
    assert sorted(tag.name_en for tag in goal.tags.all()) == ["automation", "health", "robots"]
    assert not Tag.objects.filter(name_en__in=["Salud", "automatización"]).exists()


def test_a_theme_name_not_yet_translated_is_marked_english(client, mexico):
    from taggit.models import Tag

    Tag.objects.filter(slug="work").update(name_es=None)
    page = parse(client.get("/es/countries/mexico/"))
    items = {li.get_text(strip=True): li.get("lang") for li in page.select(".goal .tags li")}
    assert items["work"] == "en"
    assert items["trabajo" if "trabajo" in items else "salud"] is None
