"""`manage.py import_strategy`: a report chapter into a country, its goals and citations."""

import io

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Revision
from taggit.models import Tag

from citations.models import Citation
from strategy.models import Country, Goal

from .factories import CitationFactory, CountryFactory
from .helpers import SOURCE_DIR

pytestmark = pytest.mark.django_db

MEXICO = SOURCE_DIR / "mexico.md"


def run(*args):
    """Run the command; (stdout, stderr). CommandError propagates."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_strategy", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(*args):
    """Run the command expecting failure; (the error lines, the CommandError)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_strategy", *map(str, args), stdout=out, stderr=err)
    return err.getvalue().splitlines(), raised.value


def snapshot():
    """Everything the import could touch, as dumpdata sees it."""
    out = io.StringIO()
    call_command("dumpdata", "citations", "strategy", "taggit", stdout=out)
    return out.getvalue()


def chapter(tmp_path, text, name="chapter.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- The Mexico source -----------------------------------------------------------


def test_mexico_becomes_a_draft_country_with_goals_and_citations():
    out, err = run(MEXICO)

    mexico = Country.objects.get()
    assert (mexico.name, mexico.slug, mexico.iso_code, mexico.status) == (
        "Mexico",
        "mexico",
        "MX",
        Country.Status.DRAFT,
    )
    assert mexico.vision.endswith("citizens.[^british-embassy-mexico-city-2018]")
    assert mexico.conclusion.startswith("Concluding, the Mexican Government")
    goals = list(mexico.goals.order_by("position"))
    assert [goal.position for goal in goals] == [1, 2, 3]
    assert "GDP.[^secretaria-de-hacienda-2017] One of the main goals" in goals[0].description
    assert goals[0].title == "In Mexico, micro, small and medium enterprises (MSMEs)…"
    assert sorted(mexico.citations.values_list("key", "source_label")) == [
        ("british-embassy-mexico-city-2018", "30"),
        ("secretaria-de-hacienda-2017", "31"),
    ]
    assert "1 country created, 3 goals created, 2 citations created" in out
    assert err == ""


def test_publish_keeps_a_country_that_is_not_ready_a_draft_saying_what_it_lacks():
    _, err = run(MEXICO, "--publish")
    mexico = Country.objects.get()
    assert mexico.status == Country.Status.DRAFT
    assert mexico.published_at is None
    # Region came from the ISO code; the made-up titles, missing themes and
    # source languages are what it lacks.
    assert mexico.region == Country.Region.LATIN_AMERICA_CARIBBEAN
    assert "Mexico stays a draft: publishing it needs what it lacks (goal 1: the title" in err
    assert "goal 3: no theme" in err
    assert "source [^secretaria-de-hacienda-2017]: no language" in err
    assert "no region" not in err


def test_publish_with_waive_missing_publishes_and_records_the_waiver():
    _, err = run(MEXICO, "--publish", "--waive-missing")
    mexico = Country.objects.get()
    assert mexico.status == Country.Status.PUBLISHED
    assert mexico.published_at is not None
    (revision,) = Revision.objects.filter(version__object_id=str(mexico.pk)).distinct()
    assert revision.comment.startswith("Imported from mexico.md. Published with what was missing")
    assert "goal 2: no theme" in revision.comment
    assert "published with what it lacks waived" in err


def test_publish_publishes_a_country_that_lacks_nothing(tmp_path):
    text = (
        "# Chile\n\nThe vision.[^1]\n\n## Ethics\nThemes: ethics\n\nResponsible AI.\n\n"
        "## Conclusion\n\nThe end.\n\n"
        "[^1]: Ministerio de Ciencia (2021). Política. [online] Available at: https://example.org/cl\n"
    )
    chapter = tmp_path / "chile.md"
    chapter.write_text(
        '+++\n[citations."1"]\nkey = "ministerio-de-ciencia-2021"\nlanguage = "es"\n+++\n' + text,
        encoding="utf-8",
    )
    run(chapter, "--publish")
    chile = Country.objects.get()
    assert (chile.iso_code, chile.region) == ("CL", Country.Region.LATIN_AMERICA_CARIBBEAN)
    assert chile.status == Country.Status.PUBLISHED
    assert not chile.goals.get().title_suggested


def test_made_up_titles_are_marked_as_suggested():
    run(MEXICO)
    goals = Country.objects.get().goals.order_by("position")
    assert [goal.title_suggested for goal in goals] == [True, True, True]


def test_existing_themes_are_suggested_and_given_only_when_accepted():
    for name in ("health", "education", "small business", "ai", "robotics"):
        Tag.objects.create(name=name)
    out, _ = run(MEXICO, "--dry-run")
    assert "themes suggested: ai, small business" in out  # goal 1 (MSMEs, AI)
    assert "themes suggested: ai, education, health" in out  # goal 3
    assert "robotics" not in out  # nothing the text does not name
    run(MEXICO)
    assert not Goal.objects.filter(tags__isnull=False).exists()  # suggested, not given

    Country.objects.all().delete()
    out, _ = run(MEXICO, "--accept-suggested-themes")
    goals = Country.objects.get().goals.order_by("position")
    assert [sorted(goal.tags.names()) for goal in goals] == [
        ["ai", "small business"],
        ["ai"],
        ["ai", "education", "health"],
    ]
    assert "themes suggested, given: ai, education, health" in out


def test_dry_run_reports_and_writes_nothing():
    before = snapshot()
    out, _ = run(MEXICO, "--dry-run")
    assert snapshot() == before
    assert "country created: Mexico (mexico), draft" in out
    assert "citation created: secretaria-de-hacienda-2017 [^31]" in out
    assert "Dry run, nothing written" in out


def test_a_second_import_of_the_same_file_changes_nothing():
    run(MEXICO)
    before = snapshot()
    out, _ = run(MEXICO)
    assert snapshot() == before  # not even a timestamp
    assert "Nothing to change" in out
    assert out.count("unchanged") == 6  # the country, 3 goals, 2 citations


def test_importing_the_source_over_the_curated_fixture_keeps_the_curation(mexico):
    before = snapshot()
    out, err = run(MEXICO)
    assert snapshot() == before
    assert "goal unchanged: 1. Digitise small businesses with Big Data, analytics and AI" in out
    assert err == ""


def test_import_is_one_revision_with_the_file_name():
    """
    One revision of the country (with its goals), one of each new citation:
    each can be restored from its own history, which a revision holding
    both could not.
    """
    run(MEXICO)
    revisions = Revision.objects.order_by("pk")
    assert [revision.comment for revision in revisions] == ["Imported from mexico.md"] * 3
    assert sorted(revision.version_set.count() for revision in revisions) == [1, 1, 4]


# --- Reuse and keys ------------------------------------------------------------------


def test_a_reference_already_in_the_atlas_is_reused_by_url():
    existing = CitationFactory(
        key="embassy-report",
        url="https://docs.wixstatic.com/ugd/7be025_e726c582191c49d2b8b6517a590151f6.pdf",
        title="Towards an AI Strategy in Mexico",
    )
    _, err = run(MEXICO)
    assert Citation.objects.count() == 2
    assert "[^embassy-report]" in Country.objects.get().vision
    existing.refresh_from_db()
    assert existing.title == "Towards an AI Strategy in Mexico"  # kept as editors left it
    assert "kept as it is there; the chapter differs in: authors, year, title, subtitle" in err


def test_a_reference_already_in_the_atlas_is_reused_by_title_and_year():
    CitationFactory(key="hacienda", url="", title="informe de autoevaluación enero-diciembre 2017",
                    year=2017)  # fmt: skip
    run(MEXICO)
    assert Citation.objects.filter(key="hacienda").exists()
    assert not Citation.objects.filter(key="secretaria-de-hacienda-2017").exists()
    assert "[^hacienda]" in Goal.objects.get(position=1).description


def test_a_taken_key_gets_a_letter():
    CitationFactory(key="british-embassy-mexico-city-2018", url="https://example.org/other")
    run(MEXICO)
    assert "[^british-embassy-mexico-city-2018-b]" in Country.objects.get().vision


def test_two_footnotes_for_one_source_become_one_citation(tmp_path):
    path = chapter(
        tmp_path,
        "# Mexico\n\nVision.[^1]\n\nConclusion.[^2]\n\n"
        "[^1]: Oxford Insights (2019). Index. [online] Available at: https://example.org/i\n"
        "[^2]: Oxford Insights (2019). Index. [online] Available at: https://example.org/i\n",
    )
    _, err = run(path)
    assert Citation.objects.count() == 1
    country = Country.objects.get()
    assert country.vision == "Vision.[^oxford-insights-2019]"
    assert country.conclusion == "Conclusion.[^oxford-insights-2019]"
    assert "chapter.md:8: footnotes [^1] and [^2] cite the same source" in err


# --- Chapters with headings ---------------------------------------------------------

HEADED = """\
# France

France wants to lead.[^7]

## Research

Themes: research, "talent, skills"

Build four institutes.

## Health

Use data for care.

## Conclusion

A plan.

[^7]: Villani, C. (2018). For a Meaningful Artificial Intelligence. [online] Available at: https://example.org/villani.pdf
"""


def test_headings_give_titles_and_themes(tmp_path):
    run(chapter(tmp_path, HEADED))
    france = Country.objects.get()
    assert france.iso_code == "FR"
    assert france.conclusion == "A plan."
    research, health = france.goals.order_by("position")
    assert (research.title, research.description) == ("Research", "Build four institutes.")
    assert sorted(research.tags.names()) == ["research", "talent, skills"]
    assert (health.title, list(health.tags.names())) == ("Health", [])
    assert Citation.objects.get().key == "villani-2018"


def test_reimporting_a_headed_chapter_reports_what_changed(tmp_path):
    run(chapter(tmp_path, HEADED))
    changed = HEADED.replace("## Health\n", "## Health care\n\nThemes: health\n").replace(
        "A plan.", "A better plan."
    )
    out, _ = run(chapter(tmp_path, changed, "france-2.md"))
    assert "country changed: France (france), draft (conclusion, goals)" in out
    assert "goal changed: 2. Health care (title, themes)" in out
    assert "goal unchanged: 1. Research" in out
    assert list(Goal.objects.get(title="Health care").tags.names()) == ["health"]


def test_goals_the_chapter_no_longer_has_are_deleted(tmp_path):
    run(chapter(tmp_path, HEADED))
    shorter = HEADED.replace("## Health\n\nUse data for care.\n\n", "")
    out, _ = run(chapter(tmp_path, shorter, "france-2.md"))
    assert "goal deleted: 2. Health" in out
    assert list(Goal.objects.values_list("title", flat=True)) == ["Research"]


def test_a_name_pycountry_does_not_know_leaves_the_iso_code_blank(tmp_path):
    _, err = run(chapter(tmp_path, "# Atlantis\n\nTo rise again.\n"))
    assert Country.objects.get().iso_code == ""
    assert "chapter.md:1: ISO code left blank: pycountry knows no country called “Atlantis”" in err


def test_an_iso_code_another_country_has_is_left_blank(tmp_path):
    CountryFactory(name="Mexico (old)", slug="mexico-old", iso_code="MX")
    _, err = run(MEXICO)
    assert Country.objects.get(slug="mexico").iso_code == ""
    assert "MX is already the code of Mexico (old)" in err


def test_themes_reuse_existing_tags_whatever_their_case(tmp_path):
    Tag.objects.create(name="Research")
    run(chapter(tmp_path, HEADED))
    assert Tag.objects.filter(name__iexact="research").count() == 1


# --- Bad input: a clear error, nothing written ----------------------------------------


@pytest.fixture
def untouched():
    """Asserts, after the test, that the database is as it was."""
    CountryFactory(name="Chile", slug="chile")
    before = snapshot()
    yield
    assert snapshot() == before


def test_missing_file(untouched, tmp_path):
    lines, error = fail(tmp_path / "nowhere.md")
    assert lines == [f"{tmp_path / 'nowhere.md'}: no such file"]
    assert "nothing imported" in str(error)


def test_empty_file(untouched, tmp_path):
    lines, _ = fail(chapter(tmp_path, "\n  \n"))
    assert lines == [f"{tmp_path / 'chapter.md'}:1: the file is empty"]


def test_a_file_that_is_not_utf8(untouched, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("# México\n\nVisión.\n".encode("latin-1"))
    lines, _ = fail(path)
    assert lines == [
        f"{path}:1: not UTF-8 text (byte 0xE9 at character 4, “é” in Windows-1252); save "
        "the file as UTF-8"
    ]


def test_no_heading(untouched, tmp_path):
    lines, _ = fail(chapter(tmp_path, "Mexico\n\nA vision.\n"))
    path = tmp_path / "chapter.md"
    assert lines == [
        f"{path}:1: text before the “# Country” heading; a chapter starts with the country's "
        "name as a “# ” heading",
        f"{path}:1: no “# Country” heading: the chapter must start with the country's name",
    ]


def test_a_marker_without_reference(untouched, tmp_path):
    lines, _ = fail(
        chapter(tmp_path, "# Mexico\n\nVision.[^30]\n\nGoal.[^7]\n\n[^30]: X (2019). T.\n")
    )
    assert lines == [f"{tmp_path / 'chapter.md'}:5: footnote [^7] has no reference"]


def test_a_reference_that_cannot_be_read_is_quoted(untouched, tmp_path):
    lines, _ = fail(
        chapter(tmp_path, "# Mexico\n\nVision.[^1]\n\n[^1]: See the embassy website.\n")
    )
    assert lines == [
        f"{tmp_path / 'chapter.md'}:5: cannot read the reference of [^1] (expected “Authors "
        "(Year). Title”: no (year) after the authors): See the embassy website."
    ]


def test_a_duplicate_footnote_label(untouched, tmp_path):
    text = "# Mexico\n\nVision.[^1]\n\n[^1]: A (2019). T.\n\n[^1]: B (2020). U.\n"
    lines, _ = fail(chapter(tmp_path, text))
    assert lines == [
        f"{tmp_path / 'chapter.md'}:7: footnote [^1] is defined twice (first on line 5)"
    ]


def test_every_problem_is_reported_at_once(untouched, tmp_path):
    text = "# Mexico\n\nVision.[^1] More.[^2]\n\n[^1]: Nothing here\n\n[^1]: A (2019). T.\n"
    lines, error = fail(chapter(tmp_path, text))
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in lines] == ["3", "5", "7"]
    assert "3 problems" in str(error)


def test_a_field_the_model_refuses_names_the_footnote(untouched, tmp_path):
    text = "# Mexico\n\nVision.[^1]\n\n[^1]: A (1066). Domesday Book. [print]\n"
    lines, _ = fail(chapter(tmp_path, text))
    assert lines == [
        f"{tmp_path / 'chapter.md'}:5: [^1]: year: Ensure this value is greater than or equal "
        "to 1800."
    ]


def test_a_bad_front_matter_value_is_refused(untouched, tmp_path):
    text = '+++\nregion = "atlantis"\n+++\n# Mexico\n\nVision.\n'
    lines, _ = fail(chapter(tmp_path, text))
    assert lines == [
        f"{tmp_path / 'chapter.md'}:1: region: Value 'atlantis' is not a valid choice."
    ]


def test_an_unused_reference_is_only_a_warning(tmp_path):
    text = "# Mexico\n\nVision.\n\n[^9]: A (2019). T.\n"
    _, err = run(chapter(tmp_path, text))
    assert err.strip() == (
        f"{tmp_path / 'chapter.md'}:5: footnote [^9] is never cited; its reference is not "
        "imported (warning)"
    )
    assert Country.objects.filter(name="Mexico").exists()
    assert not Citation.objects.exists()


def test_a_sub_heading_is_kept_as_text_with_a_warning(tmp_path):
    _, err = run(chapter(tmp_path, "# Mexico\n\nVision.\n\n### Background\n\nMore.\n"))
    assert "chapter.md:5: a “###” sub-heading is not part of the chapter format" in err
    assert Country.objects.get().goals.get().description == "### Background"
