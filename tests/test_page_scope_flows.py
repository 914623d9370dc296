"""
Every way content reaches a country's page (and the lists of countries,
themes and sources), checked against the page rendered
with every cache cleared: the page cache (keyed by the country's version) and
the fragment cache (the page cache off) both show what a fresh render shows,
in English and in Spanish (``strategy.page_scopes``).
"""

import difflib
import io
import json
from http import HTTPStatus

import pytest
from django.core.cache import cache as default_cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from chapters.translations import import_translation
from citations.models import Citation, LinkCheck
from citations.signals import link_shown_changed
from pagecache.versions import bump_content_version
from strategy.models import Country, Goal

from . import admin_forms
from .factories import CitationFactory, CountryFactory, GoalFactory
from .test_import_strategy import MEXICO
from .test_languages import spanish_chapter
from .test_page_scopes import edit_citation, edit_country, main_text

pytestmark = pytest.mark.django_db


def fresh(path):
    """The page as it renders with every cache cleared."""
    default_cache.clear()
    return Client().get(path)


@pytest.mark.parametrize("page_cache", [True, False])
def test_citation_key_renamed_away_from_marker_only_country(
    client, admin_client, mexico, settings, page_cache
):
    chile = CountryFactory(name="Chile", slug="chile", vision="Promised.[^chile-plan-2030]")
    CitationFactory(key="chile-plan-2030", title="Chile plan for 2030")
    if not page_cache:
        settings.PAGE_CACHE_SECONDS = 0
        client = Client()
    assert "Chile plan for 2030" in main_text(client.get("/countries/chile/"))
    assert chile.citations.count() == 0
    citation = Citation.objects.get(key="chile-plan-2030")
    edit_citation(admin_client, citation, key="chile-plan-renamed", title="Renamed plan")
    cached = main_text(client.get("/countries/chile/"))
    rendered = main_text(fresh("/countries/chile/"))
    assert cached == rendered


PATHS = [
    "/countries/mexico/",
    "/es/countries/mexico/",
    "/countries/canada/",
    "/es/countries/canada/",
    # The lists, whose rows and counts are kept under finer versions too
    # (pagecache.fragments).
    "/countries/",
    "/es/countries/",
    "/countries/?theme=health",
    "/themes/",
    "/citations/",
    "/es/citations/",
    # Pages with parts kept under the site's version (pagecache.fragments.kept):
    # the home page's themes; and the open-data page.
    "/",
    "/data/",
    "/es/data/",
    # A comparison's cells, kept under each country's version.
    "/compare/?c=canada&c=mexico",
    "/es/compare/?c=canada&c=mexico",
]


class Browsers:
    def __init__(self, client, settings, paths=PATHS):
        self.paths = paths
        self.page = client
        for path in paths:
            self.page.get(path)
        settings.PAGE_CACHE_SECONDS = 0
        self.fragment = Client()
        for path in paths:
            self.fragment.get(path)
        self.settings = settings

    def check(self):
        from django.utils import translation

        seen = {}
        for path in self.paths:
            seen[path] = (self.page.get(path), self.fragment.get(path))
        default_cache.clear()
        problems = []
        for path in self.paths:
            want = Client().get(path)
            for name, got in zip(("page cache", "fragment cache"), seen[path], strict=False):
                if got.status_code != want.status_code:
                    problems.append(
                        f"{path} [{name}]: status {got.status_code} != {want.status_code}"
                    )
                elif want.status_code == 200 and main_text(got) != main_text(want):
                    diff = list(
                        difflib.unified_diff(
                            main_text(want).split(), main_text(got).split(), lineterm="", n=2
                        )
                    )[2:12]
                    problems.append(f"{path} [{name}]: stale: {' '.join(diff)}")
        translation.activate("en")
        return problems


def test_theme_merge(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    themes = [
        Tag.objects.get(slug="health"),
        Tag.objects.exclude(slug="health").filter(goal__country__slug="mexico").first(),
    ]
    r = admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {
            "action": "merge_themes",
            "_selected_action": [t.pk for t in themes],
            "merge_into": themes[1].pk,
        },
    )
    assert r.status_code in (200, 302)
    assert not Tag.objects.filter(slug="health").exists()
    assert b.check() == []


def test_theme_delete(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    tag = Tag.objects.get(slug="health")
    r = admin_client.post(reverse("admin:taggit_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert r.status_code == 302
    assert b.check() == []


def test_theme_bulk_delete(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    tags = Tag.objects.filter(goal__country__slug__in=["mexico", "canada"]).distinct()
    r = admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in tags], "post": "yes"},
    )
    assert r.status_code == 302, r.content[:500]
    assert b.check() == []


def test_goal_moved_in_goal_admin(client, admin_client, canada, mexico, settings):
    b = Browsers(client, settings)
    goal = canada.goals.get()
    url = reverse("admin:strategy_goal_change", args=[goal.pk])
    data = admin_forms.form_data(admin_client.get(url), "goal_form")
    data["country"] = str(mexico.pk)
    data["position"] = "77"
    r = admin_client.post(url, data)
    # A published country's goals change through its draft only.
    assert r.status_code == HTTPStatus.FORBIDDEN
    assert b.check() == []


def test_goal_bulk_delete_in_goal_admin(client, admin_client, canada, mexico, settings):
    b = Browsers(client, settings)
    goals = list(Goal.objects.filter(country__in=[mexico, canada]).values_list("pk", flat=True))[:2]
    r = admin_client.post(
        reverse("admin:strategy_goal_changelist"),
        {"action": "delete_selected", "_selected_action": goals, "post": "yes"},
    )
    assert r.status_code == HTTPStatus.FORBIDDEN
    assert b.check() == []


def test_loaddata_changes(client, canada, settings, tmp_path):

    b = Browsers(client, settings)
    mex = Country.objects.get(slug="mexico")
    goal = mex.goals.order_by("position").first()
    citation = Citation.objects.get(key="canada-own-source")
    tag = Tag.objects.get(slug="health")
    data = json.loads(
        __import__("django.core.serializers", fromlist=["serialize"]).serialize(
            "json", [goal, citation, tag]
        )
    )
    data[0]["fields"]["title_en"] = "Loaded goal title"
    data[1]["fields"]["title"] = "Loaded citation title"
    data[2]["fields"]["name_en"] = "Loaded theme"
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data))
    call_command("loaddata", str(path), verbosity=0)
    assert b.check() == []


def test_reimport_and_publish(client, admin_client, canada, settings, tmp_path):

    b = Browsers(client, settings)

    text = MEXICO.read_text(encoding="utf-8").replace("The key vision", "The reimported vision")
    p = tmp_path / "mexico.md"
    p.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_strategy", str(p), "--publish", "--waive-missing", stdout=out, stderr=io.StringIO()
    )
    assert "reimported" in Country.objects.get(slug="mexico").vision_en
    assert b.check() == []


def test_spanish_import(client, canada, settings):

    b = Browsers(client, settings)
    r = import_translation(spanish_chapter(**{"La visión clave": "La gran visión"}), "es")
    assert r.changed
    assert b.check() == []


def test_link_dead_via_signal_only(client, canada, settings):

    b = Browsers(client, settings)
    c = Citation.objects.get(key="secretaria-de-hacienda-2017")
    LinkCheck.objects.update_or_create(
        citation=c,
        defaults={
            "url": c.url,
            "status": "broken",
            "first_failed_at": timezone.now(),
            "found_archive_url": "https://web.archive.org/web/2020/x",
        },
    )
    link_shown_changed.send(sender=Citation, citation=c)
    assert b.check() == []


def test_editor_draft_never_reaches_public_fragment(client, manager_client, canada, settings):
    settings.PAGE_CACHE_SECONDS = 0
    anon = Client()
    url = reverse("admin:strategy_country_change", args=[canada.pk])
    data = admin_forms.form_data(manager_client.get(url), "country_form")
    data["vision"] = "SECRET DRAFT VISION"
    assert manager_client.post(url, data).status_code == 302
    for path in ("/countries/canada/", "/es/countries/canada/"):
        assert "SECRET DRAFT" in manager_client.get(path).content.decode()
        assert "SECRET DRAFT" not in anon.get(path).content.decode()
        assert "SECRET DRAFT" in manager_client.get(path).content.decode()
    # and the editor never gets the public fragment once the public primed it
    admin_forms.publish_draft(manager_client, canada)
    for path in ("/countries/canada/", "/es/countries/canada/"):
        assert "SECRET DRAFT" in anon.get(path).content.decode()


def test_slug_swap(client, admin_client, canada, mexico, settings):
    b = Browsers(client, settings)
    edit_country(admin_client, mexico, slug="tmp")
    edit_country(admin_client, canada, slug="mexico")
    edit_country(admin_client, Country.objects.get(pk=mexico.pk), slug="canada")
    assert Country.objects.get(pk=mexico.pk).slug == "canada"
    assert b.check() == []


def test_citation_key_rename_with_rows(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    c = Citation.objects.get(key="secretaria-de-hacienda-2017")
    edit_citation(admin_client, c, key="hacienda-renamed")
    problems = b.check()
    assert problems == []
    assert "hacienda-renamed" in Client().get("/countries/mexico/").content.decode()


def test_tag_slug_change(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    tag = Tag.objects.get(slug="health")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    data = admin_forms.form_data(admin_client.get(url), "tag_form")
    data["slug"] = "salud-y-bienestar"
    if "name_es" in data:
        data["name_es"] = "Salud nueva"
    r = admin_client.post(url, data)
    assert r.status_code == 302, admin_forms.error_text(r)
    assert b.check() == []


def test_unpublish_action(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    r = admin_client.post(
        reverse("admin:strategy_country_changelist"),
        {
            "action": "unpublish_selected",
            "_selected_action": [canada.pk, Country.objects.get(slug="mexico").pk],
        },
    )
    assert r.status_code == 302
    assert b.check() == []


def test_delete_action(client, admin_client, canada, settings):
    b = Browsers(client, settings)
    r = admin_client.post(
        reverse("admin:strategy_country_changelist"),
        {"action": "delete_selected", "_selected_action": [canada.pk], "post": "yes"},
    )
    assert r.status_code == 302, r.content[:300]
    assert not Country.objects.filter(slug="canada").exists()
    assert b.check() == []


def test_bulk_write_then_documented_bump(client, canada, settings):
    """README: 'code that writes in bulk calls bump_content_version() itself'."""

    b = Browsers(client, settings)
    Country.objects.filter(slug="canada").update(vision_en="Bulk-updated vision.")
    Citation.objects.filter(key="secretaria-de-hacienda-2017").update(title="Bulk-updated title")
    bump_content_version()
    assert b.check() == []


def test_scopes_setting_off(client, admin_client, canada, settings):
    settings.PAGE_CACHE_SCOPES = None
    b = Browsers(client, settings)
    edit_country(admin_client, canada, vision="Edited with scopes off.")
    assert b.check() == []


def test_loaddata_backup_rolls_stamp_back_but_not_content(client, canada, settings, tmp_path):

    # a page cached now, and a backup taken now
    first = client.get("/countries/canada/")
    out = io.StringIO()
    call_command(
        "dumpdata", "taggit", "citations", "strategy", "pagecache", format="xml", stdout=out
    )
    (tmp_path / "backup.xml").write_text(out.getvalue())
    # a new goal since
    GoalFactory(country=canada, position=2, title="Added after the backup")
    assert "Added after the backup" in main_text(client.get("/countries/canada/"))
    # the backup loaded back: the goal stays (loaddata merges), the stamp goes back
    call_command("loaddata", str(tmp_path / "backup.xml"), verbosity=0)
    assert Goal.objects.filter(title="Added after the backup").exists()
    again = client.get("/countries/canada/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Added after the backup" in main_text(again)


def test_restore_country_revision_then_publish(client, admin_client, canada, mexico, settings):

    edit_country(admin_client, mexico, vision="A vision to restore.")
    edit_country(admin_client, mexico, vision="A vision to be undone.")
    b = Browsers(client, settings)
    old = next(
        v
        for v in Version.objects.get_for_object(mexico).order_by("pk")
        if v.field_dict.get("vision_en") == "A vision to restore."
    )
    url = reverse("admin:strategy_country_revision", args=[mexico.pk, old.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    r = admin_client.post(url, data)
    assert r.status_code == 302, admin_forms.error_text(r)
    admin_forms.publish_draft(admin_client, mexico)
    assert "A vision to be undone." not in Country.objects.get(pk=mexico.pk).vision_en
    assert b.check() == []


def test_restore_citation_revision(client, admin_client, canada, settings):

    c = Citation.objects.get(key="secretaria-de-hacienda-2017")
    edit_citation(admin_client, c, title="Title to restore")
    edit_citation(admin_client, c, title="Title to be undone")
    b = Browsers(client, settings)
    old = Version.objects.get_for_object(c).order_by("pk").first()
    url = reverse("admin:citations_citation_revision", args=[c.pk, old.pk])
    data = admin_forms.form_data(admin_client.get(url), "citation_form")
    r = admin_client.post(url, data)
    assert r.status_code == 302, admin_forms.error_text(r)
    assert Citation.objects.get(pk=c.pk).title != "Title to be undone"
    assert b.check() == []


def test_goal_reorder_publish(client, admin_client, mexico, canada, settings):
    b = Browsers(client, settings)
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = admin_forms.form_data(admin_client.get(url), "country_form")
    p0, p1 = data["goals-0-position"], data["goals-1-position"]
    data["goals-0-position"], data["goals-1-position"] = p1, p0
    r = admin_client.post(url, data)
    assert r.status_code == 302, admin_forms.error_text(r)
    admin_forms.publish_draft(admin_client, mexico)
    assert b.check() == []


def test_marker_only_source_deleted(client, admin_client, mexico, settings):
    CountryFactory(name="Chile", slug="chile", vision="Promised.[^chile-plan-2030]")
    c = CitationFactory(key="chile-plan-2030", title="Chile plan for 2030")
    b = Browsers(client, settings, paths=["/countries/chile/", "/es/countries/chile/"])
    r = admin_client.post(reverse("admin:citations_citation_delete", args=[c.pk]), {"post": "yes"})
    assert r.status_code == 302
    assert b.check() == []
