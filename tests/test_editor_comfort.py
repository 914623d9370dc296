"""Small things editors meet every day: help texts that say what they mean, addresses kept right."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from citations.models import Citation
from strategy.models import CountrySlugRedirect

from .admin_forms import form_data, logged_in, make_user, parse, publish_draft
from .factories import CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(db):
    return logged_in(make_user("root", superuser=True))


def rename(client, country, slug, **fields):
    url = reverse("admin:strategy_country_change", args=[country.pk])
    data = form_data(client.get(url), "country_form")
    data.update(slug=slug, **fields)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")


def test_the_slug_help_shows_the_address(root_client):
    page = parse(root_client.get(reverse("admin:strategy_country_add")))
    help_text = page.select_one("#id_slug_helptext").get_text()
    assert "/countries/<slug>/" in help_text


def test_the_markdown_help_example_cites_a_source_that_exists(mexico, root_client):
    page = parse(root_client.get(reverse("admin:strategy_country_change", args=[mexico.pk])))
    example = page.select_one("#id_vision_helptext").select("code")[-1].get_text()
    key = example.removeprefix("[^").removesuffix("]")
    assert Citation.objects.filter(key=key).exists(), example


def test_slugs_a_country_had_only_as_a_draft_leave_no_redirect(root_client):
    draft = CountryFactory(name="Atlantis", slug="atlantis", status="draft")
    rename(root_client, draft, "atlantis-2")
    rename(root_client, draft, "atlantis-3", status="published")
    assert not CountrySlugRedirect.objects.exists()
    assert Client().get("/countries/atlantis/").status_code == HTTPStatus.NOT_FOUND
    # From its first publication on, old addresses are kept.
    rename(root_client, draft, "atlantis-final")  # into its working draft
    assert Client().get("/countries/atlantis-3/").status_code == HTTPStatus.OK
    publish_draft(root_client, draft)
    assert list(CountrySlugRedirect.objects.values_list("old_slug", flat=True)) == ["atlantis-3"]
    response = Client().get("/countries/atlantis-3/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/countries/atlantis-final/"


def test_an_import_that_changes_a_published_slug_keeps_the_old_address(mexico, tmp_path):
    import io

    from django.core.management import call_command

    from .helpers import SOURCE_DIR

    chapter = tmp_path / "mexico.md"
    chapter.write_text(
        '+++\nslug = "estados-unidos-mexicanos"\n+++\n'
        + (SOURCE_DIR / "mexico.md").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    call_command("import_strategy", str(chapter), stdout=io.StringIO(), stderr=io.StringIO())
    response = Client().get("/countries/mexico/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/countries/estados-unidos-mexicanos/"


# --- Themes in the admin -----------------------------------------------------------------

THEMES = "/admin/taggit/tag/"


def test_the_admin_calls_them_themes_and_counts_their_goals(mexico, editor_client):
    index = parse(editor_client.get("/admin/"))
    assert "Themes" in [caption.get_text(strip=True) for caption in index.select("caption")]
    assert "Taggit" not in index.get_text()
    page = parse(editor_client.get(THEMES))
    assert page.h1.get_text(strip=True) == "Select theme to change"
    counts = {
        # The English name (the Spanish one is the next column).
        row.select_one(".field-name_en").get_text(strip=True): row.select_one(
            ".field-goal_count"
        ).get_text(strip=True)
        for row in page.select("#result_list tbody tr")
    }
    assert counts["big data"] == "1"
    assert counts["education"] == "1"


def test_merging_themes_moves_their_goals_and_records_it_in_each_country(mexico, manager_client):
    from reversion.models import Version
    from taggit.models import Tag

    from .factories import GoalFactory

    chile = CountryFactory(name="Chile", slug="chile")
    GoalFactory(country=chile, position=1, title="Data", tags=["big-data"])
    duplicate, kept = Tag.objects.get(name="big-data"), Tag.objects.get(name="big data")
    selection = {"action": "merge_themes", "_selected_action": [duplicate.pk, kept.pk]}
    page = parse(manager_client.post(THEMES, selection))
    assert [label.get_text(" ", strip=True) for label in page.select("#content-main label")] == [
        "big data (1 goal)",
        "big-data (1 goal)",
    ]
    response = manager_client.post(THEMES, {**selection, "merge_into": kept.pk}, follow=True)
    assert "Themes “big-data” merged into “big data”. 1 goal changed." in (
        parse(response).select_one(".messagelist").get_text()
    )
    assert not Tag.objects.filter(name="big-data").exists()
    assert list(chile.goals.get().tags.names()) == ["big data"]
    comment = Version.objects.get_for_object(chile).first().revision.get_comment()
    assert comment == "Themes “big-data” merged into “big data”."
    assert not Version.objects.get_for_object(mexico).exists()  # its goals did not change
    assert "big data" in Client().get("/countries/chile/").content.decode()


def test_merging_needs_the_right_to_change_themes(mexico, db):
    from taggit.models import Tag

    client = logged_in(make_user("staff"))  # staff, no group
    ids = list(Tag.objects.values_list("pk", flat=True)[:2])
    before = Tag.objects.count()
    client.post(THEMES, {"action": "merge_themes", "_selected_action": ids, "merge_into": ids[0]})
    assert Tag.objects.count() == before
    # django-taggit's own merge page, which checks no permission, is gone.
    assert client.get(THEMES + "merge-tags/").status_code in (HTTPStatus.NOT_FOUND, 302)
    editors = logged_in(make_user("ed", group="Editors"))
    assert editors.get(THEMES + "merge-tags/").status_code in (HTTPStatus.NOT_FOUND, 302)
