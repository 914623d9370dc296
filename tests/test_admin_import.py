"""Importing a chapter in the admin: upload, see the dry run, confirm."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from chapters.admin import SIGNING_SALT, sign_preview
from citations.models import Citation
from strategy.models import Country

from .helpers import SOURCE_DIR, parse

pytestmark = pytest.mark.django_db

URL = "/admin/strategy/country/import/"


def staff(username, *codenames):
    user = User.objects.create_user(username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def upload(client, content, name="mexico.md", publish=False):
    data = {"chapter": SimpleUploadedFile(name, content, content_type="text/markdown")}
    if publish:
        data["publish"] = "on"
    response = client.post(URL, data)
    assert response.status_code == HTTPStatus.OK
    return parse(response)


def summary(page):
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in page.select("#import-summary tbody tr")
    ]


def confirm(client, page):
    form = page.select_one("input[name=preview]").find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    return client.post(URL, data)


def test_upload_shows_the_dry_run_and_writes_nothing(manager_client):
    page = upload(manager_client, (SOURCE_DIR / "mexico.md").read_bytes())
    assert not Country.objects.exists()
    assert not Citation.objects.exists()
    assert page.select_one("#preview-heading").get_text() == "What importing mexico.md will do"
    rows = summary(page)
    assert rows[0] == ["country", "created", "Mexico (mexico), draft", ""]
    assert rows[1][:3] == [
        "goal",
        "created",
        "1. In Mexico, micro, small and medium enterprises (MSMEs)…",
    ]
    assert rows[1][3] == "title made from its text: refine it"
    assert rows[-1] == ["citation", "created", "secretaria-de-hacienda-2017 [^31]", ""]


def test_confirming_imports_and_goes_to_the_country(manager_client):
    page = upload(manager_client, (SOURCE_DIR / "mexico.md").read_bytes(), publish=True)
    # Not ready: the preview says it will stay a draft, and offers the waiver.
    assert "will stay drafts" in page.select_one("#import-publishing").get_text()
    warnings = page.select_one("#import-warnings").get_text()
    assert "Mexico stays a draft: publishing it needs what it lacks" in warnings
    data = form_data(page)
    data["waive_missing"] = "1"
    response = manager_client.post(URL, data)
    mexico = Country.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/strategy/country/{mexico.pk}/change/"
    assert mexico.status == Country.Status.PUBLISHED
    assert mexico.goals.count() == 3
    messages = [
        m.get_text(strip=True)
        for m in parse(manager_client.get(response["Location"])).select(".messagelist li")
    ]
    assert messages == [
        "Imported mexico.md: 1 country created, 3 goals created, 2 citations created."
    ]


def test_problems_are_shown_and_nothing_is_written(manager_client):
    page = upload(manager_client, b"# Mexico\n\nVision.[^7]\n", name="broken.md")
    assert [li.get_text() for li in page.select("#import-problems li")] == [
        "broken.md:3: footnote [^7] has no reference"
    ]
    assert page.select_one("input[name=preview]") is None  # nothing to confirm
    assert page.select_one("input[type=file]") is not None  # upload again
    assert not Country.objects.exists()


def test_a_file_that_is_not_utf8_is_a_problem_on_the_page(manager_client):
    page = upload(manager_client, "# México\n".encode("latin-1"))
    assert [li.get_text() for li in page.select("#import-problems li")] == [
        "mexico.md:1: not UTF-8 text (byte 0xE9 at character 4, “é” in Windows-1252); save "
        "the file as UTF-8"
    ]


def test_warnings_are_shown_with_the_preview(manager_client):
    page = upload(manager_client, b"# Mexico\n\nVision.\n\n[^9]: A (2019). T.\n")
    assert [li.get_text() for li in page.select("#import-warnings li")] == [
        "mexico.md:5: footnote [^9] is never cited; its reference is not imported"
    ]


def test_only_markdown_and_word_files_are_taken(manager_client):
    page = upload(manager_client, b"%PDF-1.4", name="report.pdf")
    assert [li.get_text() for li in page.select("#import-problems li")] == [
        "report.pdf: PDF cannot be imported: export the chapter as Word (.docx) or Markdown (.md)"
    ]


def test_a_tampered_preview_is_refused(manager_client):
    page = upload(manager_client, (SOURCE_DIR / "mexico.md").read_bytes())
    field = page.select_one("input[name=preview]")
    field["value"] = field["value"][:-2] + "xx"
    response = confirm(manager_client, page)
    assert response.status_code == HTTPStatus.OK
    assert "it was altered" in parse(response).select_one("#import-problems").get_text()
    assert not Country.objects.exists()


def test_a_preview_made_for_someone_else_is_refused(manager_client):
    other = staff("other", "add_country")
    preview = sign_preview(other, "evil.md", "# Evil\n\nVision.\n", False)
    response = manager_client.post(URL, {"preview": preview})
    assert "made by someone else" in parse(response).select_one("#import-problems").get_text()
    assert not Country.objects.exists()
    assert signing.loads(preview, salt=SIGNING_SALT)["user"] == other.pk


def test_someone_who_may_add_but_not_change_cannot_overwrite_a_country(client, mexico):
    client.force_login(staff("adder", "add_country"))
    page = upload(client, (SOURCE_DIR / "mexico.md").read_bytes())
    assert [li.get_text() for li in page.select("#import-problems li")] == [
        "mexico.md: Mexico is already in the atlas and you may not change countries"
    ]


def test_editors_who_may_not_add_countries_are_refused(client):
    client.force_login(staff("editor", "change_country", "view_country"))
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN
    changelist = parse(client.get("/admin/strategy/country/"))
    assert not changelist.find("a", href=URL)


def test_the_country_list_links_to_the_import_for_managers(manager_client):
    changelist = parse(manager_client.get("/admin/strategy/country/"))
    link = changelist.find("a", href=URL)
    assert link.get_text(strip=True) == "Import a chapter"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")


# --- Authors that could be read more than one way ------------------------------------

AMBIGUOUS = (
    b"# United Kingdom\n\n"
    b"The vision.[^1]\n\n"
    b"[^1]: Department for Digital, Culture, Media & Sport and Department for Business, "
    b"Energy & Industrial Strategy (2021). National AI Strategy. [online] "
    b"Available at: https://example.org/uk.pdf\n"
)
DCMS = "Department for Digital, Culture, Media & Sport"
BEIS = "Department for Business, Energy & Industrial Strategy"


def form_data(page, button="_confirm"):
    """What the preview's form posts when ``button`` is pressed: its inputs and textareas."""
    form = page.select_one("input[name=preview]").find_parent("form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") != "submit"
    }
    data.update({area["name"]: area.get_text().lstrip("\n") for area in form.select("textarea")})
    data[button] = form.select_one(f"input[name={button}]")["value"]
    return data


def test_an_ambiguous_author_list_is_shown_to_check(manager_client):
    page = upload(manager_client, AMBIGUOUS, name="uk.md")
    area = page.select_one("#import-authors textarea[name=authors-1]")
    assert area.get_text().strip().splitlines() == [DCMS, BEIS]
    label = page.select_one(f"label[for={area['id']}]").get_text()
    assert label.startswith("Authors of [^1]")
    warnings = page.select_one("#import-warnings").get_text()
    assert "could be read more than one way" in warnings
    assert page.select_one("input[name=_check]")["value"] == "Check again"

    # Confirmed as read: two organisations, each whole.
    response = manager_client.post(URL, form_data(page))
    assert response.status_code == HTTPStatus.FOUND
    assert Citation.objects.get().author_list == [DCMS, BEIS]


def test_corrected_authors_are_checked_again_then_imported(manager_client):
    page = upload(manager_client, AMBIGUOUS, name="uk.md")
    data = form_data(page, "_check")
    data["authors-1"] = f"Office for Artificial Intelligence\n{DCMS}\n  {BEIS}  \n\n"
    again = parse(manager_client.post(URL, data))
    assert not Citation.objects.exists()  # checking writes nothing
    area = again.select_one("textarea[name=authors-1]")
    assert area.get_text().strip().splitlines() == [
        "Office for Artificial Intelligence",
        DCMS,
        BEIS,
    ]
    assert "As you corrected them" in again.select_one("#import-authors").get_text()
    warnings = again.select_one("#import-warnings")
    assert warnings is None or "more than one way" not in warnings.get_text()

    response = manager_client.post(URL, form_data(again))
    assert response.status_code == HTTPStatus.FOUND
    citation = Citation.objects.get()
    assert citation.author_list == ["Office for Artificial Intelligence", DCMS, BEIS]
    # The country's history holds the import, with the corrected authors.
    from reversion.models import Version

    assert Version.objects.get_for_object(citation).count() == 1


def test_a_correction_confirmed_at_once_is_imported(manager_client):
    page = upload(manager_client, AMBIGUOUS, name="uk.md")
    data = form_data(page)
    data["authors-1"] = f"{DCMS} and {BEIS}"  # one name, as staff decided
    assert manager_client.post(URL, data).status_code == HTTPStatus.FOUND
    assert Citation.objects.get().author_list == [f"{DCMS} and {BEIS}"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Give at least one author"),
        ("   \n \n", "Give at least one author"),
        ("{Braced} and Smith, J.", "without braces"),
        ("x" * 501, "at most 500 characters"),
        ("\n".join(f"Name {n}" for n in range(101)), "At most 100 authors"),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_is_written(manager_client, value, message):
    page = upload(manager_client, AMBIGUOUS, name="uk.md")
    for button in ("_check", "_confirm"):
        data = form_data(page, button)
        data["authors-1"] = value
        response = manager_client.post(URL, data)
        assert response.status_code == HTTPStatus.OK
        again = parse(response)
        # The preview stays, with the error on the box and what was typed in it.
        assert "correct the boxes marked below" in again.select_one("#import-notice").get_text()
        box = again.select_one("#import-authors textarea[name=authors-1]")
        assert box.get_text().strip() == value.strip()
        errors = box.find_parent(class_="form-row").select_one(".errorlist").get_text()
        assert message in errors
        assert again.select_one("input[name=preview]") is not None
        assert not Citation.objects.exists()
        assert not Country.objects.exists()


def test_corrections_of_footnotes_the_report_does_not_have_are_ignored(manager_client):
    page = upload(manager_client, AMBIGUOUS, name="uk.md")
    data = form_data(page)
    data["authors-99"] = "Someone Else"
    data["authors-1\x00"] = "Null"
    assert manager_client.post(URL, data).status_code == HTTPStatus.FOUND
    assert Citation.objects.get().author_list == [DCMS, BEIS]


def test_authors_already_in_the_atlas_are_matched_whole(manager_client):
    from .factories import CitationFactory

    whole = "Office for AI, Department for Digital, Culture, Media & Sport"
    CitationFactory(key="office-for-ai-2020", authors=whole)
    text = AMBIGUOUS.replace(
        b"Department for Digital, Culture, Media & Sport and Department for Business, "
        b"Energy & Industrial Strategy",
        f"{whole} and Smith, J.".encode(),
    )
    page = upload(manager_client, text, name="uk.md")
    assert page.select_one("#import-authors") is None  # nothing to check: read as known
    assert manager_client.post(URL, form_data(page)).status_code == HTTPStatus.FOUND
    imported = Citation.objects.exclude(key="office-for-ai-2020").get()
    assert imported.author_list == [whole, "Smith, J."]


def test_one_author_list_cited_twice_is_checked_once_and_corrected_in_both(manager_client):
    # As a Word file gives a source cited twice: two footnotes, the same reference.
    reference = AMBIGUOUS.decode().split("[^1]: ", 1)[1]
    text = (
        f"# United Kingdom\n\nThe vision.[^1]\n\nA goal.[^2]\n\nThe end.\n\n"
        f"[^1]: {reference}\n[^2]: {reference}"
    ).encode()
    page = upload(manager_client, text, name="uk.md")
    assert len(page.select("#import-authors textarea")) == 1
    data = form_data(page)
    data["authors-1"] = f"{DCMS} and {BEIS}"
    assert manager_client.post(URL, data).status_code == HTTPStatus.FOUND
    assert Citation.objects.get().author_list == [f"{DCMS} and {BEIS}"]


def test_a_country_edited_since_the_preview_is_not_overwritten(manager_client, editor_client):
    from .admin_forms import form_data as admin_form_data

    page = upload(manager_client, (SOURCE_DIR / "mexico.md").read_bytes())
    confirm(manager_client, page)  # Mexico is in the atlas now
    mexico = Country.objects.get()
    edition = (SOURCE_DIR / "mexico.md").read_bytes().replace(b"backbone", b"heart")
    preview = upload(manager_client, edition)

    # Meanwhile an editor changes the vision.
    url = f"/admin/strategy/country/{mexico.pk}/change/"
    data = admin_form_data(editor_client.get(url), "country_form")
    data["vision"] = "The editor's vision."
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND

    response = manager_client.post(URL, form_data(preview))
    assert response.status_code == HTTPStatus.OK
    again = parse(response)
    assert "since this preview, a country it changes was edited" in (
        again.select_one("#import-notice").get_text()
    )
    mexico.refresh_from_db()
    assert mexico.vision == "The editor's vision."  # nothing overwritten
    assert "backbone" in mexico.goals.get(position=1).description
    # The fresh preview shows the editor's vision being replaced; confirming it imports.
    removed = " ".join(d.get_text() for d in again.select("#import-summary del"))
    assert "editor" in removed
    assert manager_client.post(URL, form_data(again)).status_code == HTTPStatus.FOUND
    mexico.refresh_from_db()
    assert "heart" in mexico.goals.get(position=1).description

    # A preview confirmed once cannot be replayed over later edits either.
    data = admin_form_data(editor_client.get(url), "country_form")
    data["vision"] = "Edited again."
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    assert manager_client.post(URL, form_data(again)).status_code == HTTPStatus.OK
    mexico.refresh_from_db()
    assert mexico.vision == "Edited again."


def test_a_country_added_since_the_preview_is_not_overwritten(manager_client):
    from .factories import CountryFactory

    page = upload(manager_client, (SOURCE_DIR / "mexico.md").read_bytes())  # would create Mexico
    CountryFactory(name="Mexico", slug="mexico", vision="Made by hand meanwhile.")
    response = manager_client.post(URL, form_data(page))
    assert response.status_code == HTTPStatus.OK
    assert parse(response).select_one("#import-notice") is not None
    assert Country.objects.get().vision == "Made by hand meanwhile."


def test_no_author_box_for_a_source_already_in_the_atlas(manager_client):
    first = upload(manager_client, AMBIGUOUS, name="uk.md")
    assert manager_client.post(URL, form_data(first)).status_code == HTTPStatus.FOUND
    again = upload(manager_client, AMBIGUOUS, name="uk.md")
    assert again.select_one("#import-authors") is None  # kept as it is in the atlas


def upload_in(client, content, language, name="mexico.es.md"):
    data = {
        "chapter": SimpleUploadedFile(name, content, content_type="text/markdown"),
        "language": language,
    }
    response = client.post(URL, data)
    assert response.status_code == HTTPStatus.OK
    return parse(response)


def test_a_spanish_report_is_previewed_then_imported_as_the_spanish_version(manager_client, mexico):
    chapter = (
        (SOURCE_DIR / "mexico.es.md").read_bytes().replace("En conclusión".encode(), b"Por fin")
    )
    page = upload_in(manager_client, chapter, "es")
    assert (
        "Mexico, Español version: would change the conclusion."
        in page.select_one("#import-translations").get_text()
    )
    assert Country.objects.get(pk=mexico.pk).conclusion_es.startswith("En conclusión")  # not yet
    response = confirm(manager_client, page)
    assert response.status_code == HTTPStatus.FOUND
    assert Country.objects.get(pk=mexico.pk).conclusion_es.startswith("Por fin")
    assert Country.objects.get(pk=mexico.pk).conclusion_en.startswith("Concluding")


def test_a_spanish_report_for_a_published_country_needs_a_country_manager(client, mexico):
    editor = staff("eve", "view_country", "change_country", "add_country")
    client.force_login(editor)
    chapter = (
        (SOURCE_DIR / "mexico.es.md").read_bytes().replace("En conclusión".encode(), b"Por fin")
    )
    page = upload_in(client, chapter, "es")
    assert "is published" in page.select_one("#import-problems").get_text()
    assert Country.objects.get(pk=mexico.pk).conclusion_es.startswith("En conclusión")


def test_a_spanish_report_that_does_not_fit_says_why_and_writes_nothing(manager_client, mexico):
    page = upload_in(manager_client, b"# Atlantis\n\nUna vision.\n", "es", name="atlantis.md")
    assert "no country “Atlantis”" in page.select_one("#import-problems").get_text()
    assert not Country.objects.filter(slug="atlantis").exists()
