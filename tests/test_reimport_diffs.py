"""
Re-importing shows what it overwrites: each changed field old → new, word
by word (<del>/<ins>), and what editors changed since the last import.
"""

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from editing.diffs import word_diff, word_diff_text
from strategy.models import Country

from .admin_forms import form_data, inline_index
from .helpers import SOURCE_DIR, parse

pytestmark = pytest.mark.django_db

SOURCE = (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8")
IMPORT = "/admin/strategy/country/import/"


def test_word_diff_marks_removed_and_added_words_and_escapes_the_rest():
    html = word_diff("The quick brown fox <b>.", "The quick red fox <i>.")
    assert html == "The quick <del>brown</del><ins>red</ins> fox &lt;<del>b</del><ins>i</ins>&gt;."
    assert word_diff_text("one two three", "one 2 three") == "one [-two-]{+2+} three"
    assert word_diff("same", "same") == "same"
    assert word_diff("", "new") == "<ins>new</ins>"


def test_very_long_texts_are_shown_as_replaced_whole():
    old, new = "a b " * 3000, "c d " * 3000
    assert word_diff(old, new) == f"<del>{old}</del><ins>{new}</ins>"


def upload(client, text, name="mexico.md"):
    response = client.post(
        IMPORT,
        {"chapter": SimpleUploadedFile(name, text.encode(), content_type="text/markdown")},
    )
    assert response.status_code == HTTPStatus.OK
    return parse(response)


def import_source(text=SOURCE):
    from chapters.importer import import_chapter
    from chapters.reader import parse_chapter

    return import_chapter(parse_chapter(text), source_name="mexico.md")


def test_the_preview_shows_each_change_word_by_word_and_flags_editors_changes(manager_client):
    import_source()
    mexico = Country.objects.get()

    # An editor refines the conclusion and goal 2 in the admin after the import.
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(manager_client.get(url), "country_form")
    data["conclusion"] = data["conclusion"].replace("Concluding", "In conclusion", 1)
    index = inline_index(data, "goals", "position", 2)
    data[f"goals-{index}-description"] = data[f"goals-{index}-description"].replace(
        "Through the usage", "With the use", 1
    )
    data[f"goals-{index}-title"] = "Automate routine work"  # kept: the file has no titles
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND

    # The report's new edition changes the vision (a word) and the conclusion.
    vision_before = mexico.vision
    edition = SOURCE.replace("backbone", "heart").replace("Mexico is living", "Mexico lives")
    page = upload(manager_client, edition)
    rows = page.select("#import-summary tr.diff-row")
    assert rows, "no differences shown"
    country_diffs = {
        dt.get_text(" ", strip=True): dt.find_next_sibling("dd") for dt in rows[0].select("dt")
    }
    conclusion = country_diffs["Conclusion (edited since the last import)"]
    assert [d.get_text() for d in conclusion.select("del")] == ["In conclusion"]
    assert [i.get_text() for i in conclusion.select("ins")] == ["Concluding"]
    summary = page.select_one("#import-summary").get_text(" ", strip=True)
    assert "Replaces an editor's change." in summary
    assert "edited in the admin since the last import" in summary
    assert "replaces conclusion" in summary

    goal_two = next(dd for row in rows for dd in row.select("dd") if "WithThrough" in dd.get_text())
    assert goal_two.find_previous_sibling("dt").get_text(strip=True) == (
        "Description(edited since the last import)"
    )
    assert [d.get_text() for d in goal_two.select("del")] == ["With", "use", "is living"]
    assert [i.get_text() for i in goal_two.select("ins")] == ["Through", "usage", "lives"]
    assert "Automate routine work" in summary  # a chapter without headings keeps titles
    # A change in the file alone is shown, not flagged.
    description = [
        dd
        for row in rows
        for dd in row.select("dd")
        if dd.select_one("ins") and dd.select_one("ins").get_text() == "heart"
    ]
    assert description and "edited" not in description[0].find_previous_sibling("dt").get_text()
    mexico.refresh_from_db()
    assert mexico.vision == vision_before  # the preview wrote nothing


def test_a_goal_an_editor_added_since_the_import_is_flagged_before_it_is_deleted(
    manager_client,
):
    import_source()
    mexico = Country.objects.get()
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(manager_client.get(url), "country_form")
    total = int(data["goals-TOTAL_FORMS"])
    data.update(
        {
            f"goals-{total}-position": "4",
            f"goals-{total}-title": "An editor's goal",
            f"goals-{total}-description": "Added by hand.",
            f"goals-{total}-tags": "",
            "goals-TOTAL_FORMS": str(total + 1),
        }
    )
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND
    page = upload(manager_client, SOURCE)
    deleted = [
        row.get_text(" ", strip=True)
        for row in page.select("#import-summary tr.deleted")
        if "An editor's goal" in row.get_text()
    ]
    assert (
        deleted
        and "added in the admin since the last import: the import deletes it" in (deleted[0])
    )


def test_hostile_text_in_a_difference_is_shown_as_text(manager_client):
    import_source()
    page = upload(manager_client, SOURCE.replace("backbone", "<script>alert(1)</script>"))
    assert page.select_one(".word-diff script") is None
    assert "<script>alert(1)</script>" in page.select_one(".word-diff ins").get_text()


def test_the_command_prints_the_differences(tmp_path):
    import_source()
    edition = tmp_path / "mexico.md"
    edition.write_text(SOURCE.replace("backbone", "heart"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_strategy", str(edition), "--dry-run", stdout=out)
    assert "description: In Mexico, micro, small and medium enterprises (MSMEs) are the " in (
        out.getvalue()
    )
    assert "[-backbone-]{+heart+}" in out.getvalue()


HEADED = "# Chile\n\nThe vision.\n\n## Ethics\nThemes: ethics\n\nResponsible AI.\n"


def test_themes_an_editor_changed_since_the_import_are_flagged(manager_client):
    import_source(HEADED)
    chile = Country.objects.get()
    # The file changes the themes; nobody else did: shown, not flagged.
    page = upload(manager_client, HEADED.replace("ethics", "ethics, law"), name="chile.md")
    themes = next(dt for dt in page.select("#import-summary dt") if "Themes" in dt.get_text())
    assert "edited" not in themes.get_text()
    assert themes.find_next_sibling("dd").select_one("ins").get_text() == ", law"

    # An editor changes them in the admin: the re-import flags that it replaces them.
    url = reverse("admin:strategy_country_change", args=[chile.pk])
    data = form_data(manager_client.get(url), "country_form")
    data[f"goals-{inline_index(data, 'goals', 'position', 1)}-tags"] = "ethics, rights"
    assert manager_client.post(url, data).status_code == HTTPStatus.FOUND
    page = upload(manager_client, HEADED, name="chile.md")
    themes = next(dt for dt in page.select("#import-summary dt") if "Themes" in dt.get_text())
    assert "(edited since the last import)" in themes.get_text()
