"""
Whole reports: one file, many `# Country` chapters, imported in one go.

The report in these tests is synthetic (countries named "Synthetic country
NN", sources "Synthetic report NN"), built as the source report is written:
footnote numbers run on from chapter to chapter, and a source is cited by
two chapters.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Version

from chapters.reader import parse_report
from citations.models import Citation
from operations.synthetic import synthetic_report
from strategy.models import Country, Goal

pytestmark = pytest.mark.django_db


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_strategy", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def problems(path, *args):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_strategy", str(path), *args, stdout=io.StringIO(), stderr=err)
    return [line.replace(f"{path}:", "") for line in err.getvalue().splitlines()]


def test_fifty_chapters_become_fifty_countries_with_shared_sources_once(tmp_path):
    path = tmp_path / "report.md"
    path.write_text(synthetic_report(), encoding="utf-8")
    out, err = run(path)

    assert Country.objects.count() == 50
    assert Goal.objects.count() == 150
    assert Citation.objects.count() == 100  # two of each chapter's own; [^1] shared, once
    first_source = Citation.objects.get(source_label="1")
    citing = sorted(first_source.countries.values_list("name", flat=True))
    assert citing == ["Synthetic country 01"] + [
        f"Synthetic country {n}" for n in range(10, 51, 10)
    ]
    # Numbers run on across chapters and come back as each source's footnote number.
    assert set(Citation.objects.values_list("source_label", flat=True)) == {
        str(n) for n in range(1, 101)
    }
    # One revision of each country, holding it and its goals.
    for country in Country.objects.all():
        (version,) = Version.objects.get_for_object(country)
        assert version.revision.comment == "Imported from report.md"
        assert version.revision.version_set.count() == 1 + 3
    assert out.rstrip().endswith(
        "Imported " + str(path) + ": 50 countries created, 150 goals created, "
        "100 citations created, 5 citations unchanged."
    )
    # Progress, one plain line a chapter, as standard error is no terminal here.
    assert "[1/50] Synthetic country 01" in err and "[50/50] Synthetic country 50" in err


def test_a_report_is_all_or_nothing_with_every_chapter_s_problems(tmp_path):
    text = synthetic_report(chapters=8)
    text = text.replace("Goal 2 of country 3.[^6]", "Goal 2 of country 3.[^999]")
    text = text.replace(
        "[^13]: Synthetic Institute 7 (2007). Synthetic report 13.", "[^13]: A report, no year."
    )
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    lines = problems(path)
    # The problems of chapter 3 and of chapter 7, each at its line.
    assert len(lines) == 2
    assert lines[0] == "39: footnote [^999] has no reference"
    assert lines[1].startswith("109: cannot read the reference of [^13] (expected “Authors")
    assert not Country.objects.exists() and not Citation.objects.exists()


def test_a_problem_found_while_importing_stops_every_chapter(tmp_path):
    """A chapter that reads well but that the database refuses stops the others too."""
    text = synthetic_report(chapters=4).replace("(2004)", "(1066)")  # a year before 1800
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    lines = problems(path)
    says = "year: Ensure this value is greater than or equal to 1800."
    assert any(says in line for line in lines)
    assert not Country.objects.exists() and not Citation.objects.exists()


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path):
    path = tmp_path / "report.md"
    path.write_text(synthetic_report(chapters=5), encoding="utf-8")
    out, _ = run(path, "--dry-run")
    assert "Would be: 5 countries created, 15 goals created, 10 citations created" in out
    assert "Synthetic country 03:" in out
    assert not Country.objects.exists()


def test_a_chapter_about_a_country_in_the_atlas_updates_it(mexico, tmp_path):
    from .helpers import SOURCE_DIR

    report = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8")
    report = report.replace("72%", "73%") + "\n" + synthetic_report(chapters=2)
    path = tmp_path / "report.md"
    path.write_text(report.replace("[^1]", "[^101]").replace("[^2]", "[^102]"), encoding="utf-8")
    out, _ = run(path)
    assert "country changed: Mexico (mexico), published (goals)" in out
    assert Country.objects.count() == 3
    assert "73%" in Country.objects.get(slug="mexico").goals.get(position=1).description


def test_a_report_names_each_country_once(tmp_path):
    text = synthetic_report(chapters=3).replace("# Synthetic country 03", "# Synthetic country 01")
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    (line,) = [line for line in problems(path) if "a second chapter" in line]
    assert "a second chapter on Synthetic country 01 (the first is on line 1)" in line


def test_references_may_all_stand_at_the_end_as_word_writes_them():
    text = (
        "# Atlantis\n\nVision.[^1]\n\nThe end.\n\n# Lemuria\n\nVision.[^2][^1]\n\nThe end.\n\n"
        "[^1]: Oracle (2019). Report one. [online]\n\n[^2]: Oracle (2020). Report two. [online]\n"
    )
    report = parse_report(text)
    assert [chapter.name for chapter in report.chapters] == ["Atlantis", "Lemuria"]
    assert list(report.chapters[0].footnotes) == ["1"]
    assert list(report.chapters[1].footnotes) == ["2", "1"]


def test_front_matter_before_each_chapter_belongs_to_it():
    text = (
        '+++\nslug = "atl"\n+++\n# Atlantis\n\nVision.\n\n'
        '+++\nslug = "lem"\nregion = "south-asia"\n+++\n\n# Lemuria\n\nVision.\n\n'
        "+++\n\nNot front matter: no heading follows.\n\n+++\n\nThe end.\n"
    )
    atlantis, lemuria = parse_report(text).chapters
    assert atlantis.metadata == {"slug": "atl"}
    assert lemuria.metadata == {"slug": "lem", "region": "south-asia"}
    assert lemuria.conclusion == "The end."
    assert lemuria.goals[0].text.startswith("+++")


def test_the_whole_atlas_exports_as_one_report_that_imports_the_same(mexico, tmp_path):
    from .factories import CountryFactory, GoalFactory
    from .test_export_strategy import empty_the_atlas, everything

    chile = CountryFactory(
        name="Chile", slug="chile", vision="Shared source.[^secretaria-de-hacienda-2017]"
    )
    GoalFactory(country=chile, position=1, title="A goal", tags=["health"])
    chile.sync_citations()
    before = [everything("mexico"), everything("chile")]
    path = tmp_path / "atlas.md"
    call_command("export_strategy", "--all", "-o", str(path), stderr=io.StringIO())
    text = path.read_text(encoding="utf-8")
    assert text.count("[^31]: ") == 1  # the shared source, written once
    empty_the_atlas()
    run(path, "--publish")
    assert [everything("mexico"), everything("chile")] == before
