"""The Mexico page, as a visitor reads it, against the source chapter."""

from http import HTTPStatus

import pytest

from .helpers import parse, source_sentences, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def mexico_page(client, mexico):
    response = client.get("/countries/mexico/")
    assert response.status_code == HTTPStatus.OK
    return parse(response)


def test_every_source_sentence_is_on_the_page(mexico_page):
    text = visible_text(mexico_page.find("main"))
    sentences = source_sentences()
    assert len(sentences) == 8
    missing = [sentence for sentence in sentences if sentence not in text]
    assert missing == []


def test_page_reads_vision_then_goals_then_conclusion(mexico_page):
    headings = [h2.get_text(strip=True) for h2 in mexico_page.find("main").find_all("h2")]
    assert headings == ["Vision", "Strategic goals", "Conclusion", "Sources", "Cite this page"]
    assert len(mexico_page.find_all("h1")) == 1
    goals = mexico_page.select("li.goal")
    assert len(goals) >= 3
    assert [goal.h3.get_text(strip=True) for goal in goals[:3]] == [
        "Digitise small businesses with Big Data, analytics and AI",
        "Automate routine tasks",
        "Cheaper, more tailored public services",
    ]
    health = [a.get_text() for a in goals[2].select("ul.tags a")]
    assert "health" in health and "education" in health


def test_both_sources_are_listed_with_working_links(mexico_page):
    notes = mexico_page.select("section[role=doc-endnotes] ol > li")
    assert len(notes) == 2
    hrefs = [note.select_one("a.source-link")["href"] for note in notes]
    assert hrefs == [
        "https://docs.wixstatic.com/ugd/7be025_e726c582191c49d2b8b6517a590151f6.pdf",
        "https://www.condusef.gob.mx/transparencia/IA_enero_dic_2017.pdf",
    ]
    first = " ".join(notes[0].get_text(" ").split())
    assert "British Embassy Mexico City, Oxford Insights and C Minds (2018)" in first
    assert "TOWARDS AN AI STRATEGY IN MEXICO: Harnessing the AI Revolution" in first


def test_statistics_sentence_keeps_its_citation(mexico_page):
    paragraph = next(
        p for p in mexico_page.select("li.goal p") if "72% of employment" in p.get_text()
    )
    marker = paragraph.select_one("sup.footnote-ref a[role=doc-noteref]")
    assert marker is not None
    # The marker follows the statistics sentence, before the next one starts.
    before_marker = paragraph.get_text().split(marker.get_text())[0]
    assert before_marker.rstrip().endswith("52% of the country's GDP.")
    note = mexico_page.find(id=marker["href"].removeprefix("#"))
    assert "Secretaría de Hacienda y de Crédito Público" in note.get_text()


def test_every_footnote_link_resolves_both_ways(mexico_page):
    markers = mexico_page.select("a[role=doc-noteref]")
    assert [a.get_text() for a in markers] == ["[1]", "[2]"]
    for marker in markers:
        assert marker["aria-label"].startswith("Footnote ")
        note = mexico_page.find(id=marker["href"].removeprefix("#"))
        assert note is not None and note.name == "li"
        backlinks = note.select("a[role=doc-backlink]")
        assert backlinks
        for backlink in backlinks:
            target = mexico_page.find(id=backlink["href"].removeprefix("#"))
            assert target is not None
            assert target.find("a", attrs={"role": "doc-noteref"}) is marker


def test_notes_section_is_headed_and_labelled(mexico_page):
    section = mexico_page.select_one("section[role=doc-endnotes]")
    heading = mexico_page.find(id=section["aria-labelledby"])
    assert heading.name == "h2" and heading.get_text(strip=True) == "Sources"


def test_texts_and_themes_follow_their_own_direction(mexico, client):
    page = parse(client.get("/countries/mexico/"))
    blocks = page.select(".vision .prose, li.goal .prose, li.goal h3, .conclusion .prose")
    assert blocks and all(block.get("dir") == "auto" for block in blocks)
    assert all(li.get("dir") == "auto" for li in page.select("ul.tags li"))


@pytest.mark.parametrize(
    ("path", "one", "each"),
    [
        (
            "/countries/mexico/",
            "Back to where footnote {number} is cited",
            "Back to citation {counter} of footnote {number}",
        ),
        (
            "/es/countries/mexico/",
            "Volver al lugar donde se cita la nota {number}",
            "Volver a la referencia {counter} de la nota {number}",
        ),
    ],
)
def test_each_note_links_back_to_every_place_it_is_cited(client, mexico, path, one, each):
    from strategy.models import Country

    again = " Again.[^british-embassy-mexico-city-2018]"  # the vision's source, cited again
    Country.objects.filter(pk=mexico.pk).update(
        conclusion_en=mexico.conclusion_en + again, conclusion_es=mexico.conclusion_es + again
    )
    page = parse(client.get(path))
    notes = page.select(".notes ol > li")
    assert notes
    cited_more_than_once = 0
    for note in notes:
        number = note["value"]
        links = note.select(".backrefs a[role=doc-backlink]")
        for link in links:  # each leads to a marker of this note on the page
            marker = page.find(id=link["href"].removeprefix("#"))
            assert marker is not None and marker.find("a")["href"] == f"#{note['id']}"
        if len(links) == 1:
            assert links[0]["aria-label"] == one.format(number=number)
            assert links[0].get_text() == "↑"
        else:
            cited_more_than_once += 1
            assert note.select_one(".backrefs").get_text(" ", strip=True).startswith("↑ 1 2")
            assert [link["aria-label"] for link in links] == [
                each.format(counter=counter, number=number) for counter in range(1, len(links) + 1)
            ]
    assert cited_more_than_once  # the fixture cites some sources more than once
