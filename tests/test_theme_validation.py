"""
Themes are checked the same way wherever they come from, and a theme that
slipped past the checks (a slugless tag already in a database) never takes a
page down: it is left off the page and logged.
"""

import io
import logging
from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from taggit.models import Tag, TaggedItem

from strategy.models import Country, Goal

from .helpers import PUBLIC_PAGES, parse

pytestmark = pytest.mark.django_db

CHAPTER = """# Testland

Testland's vision.

## Grow

Themes: !!!, ---, health

Grow the economy.

## Conclusion

The end.
"""


def test_importing_themes_without_letters_is_refused_with_their_line(tmp_path):
    path = tmp_path / "testland.md"
    path.write_text(CHAPTER, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_strategy", str(path), "--publish", stderr=err, stdout=io.StringIO())
    lines = err.getvalue().splitlines()
    assert f"{path}:5: goal: Theme “!!!” needs at least one letter or digit." in lines
    assert f"{path}:5: goal: Theme “---” needs at least one letter or digit." in lines
    assert not Country.objects.exists() and not Tag.objects.exists()


def test_importing_a_theme_too_long_is_refused_like_in_the_admin(tmp_path):
    path = tmp_path / "testland.md"
    path.write_text(CHAPTER.replace("!!!, ---", "x" * 101), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_strategy", str(path), stderr=err, stdout=io.StringIO())
    assert "at most 100 characters" in err.getvalue()
    assert not Country.objects.exists()


@pytest.fixture
def slugless_theme(mexico):
    """A theme with no slug, as a database may already hold one, on a published goal."""
    tag = Tag.objects.create(name="!!!", slug="")
    Tag.objects.filter(pk=tag.pk).update(slug="")
    TaggedItem.objects.create(tag=tag, content_object=Goal.objects.filter(country=mexico).first())
    return tag


@pytest.mark.parametrize(
    "url", [*PUBLIC_PAGES, "/countries/?theme=health", "/api/themes/", "/api/countries/mexico/"]
)
def test_every_page_skips_a_theme_without_a_slug_and_logs_it(slugless_theme, url, caplog):
    caplog.set_level(logging.WARNING)
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == HTTPStatus.OK
    assert "“!!!”" not in response.content.decode()
    # The API (and /data/'s excerpts of its answers) name every theme as stored.
    if "api" not in url and url != "/data/" and not url.startswith("/citations/"):
        assert "!!!" not in parse(response).get_text()


def test_the_skipped_theme_is_named_in_the_log(slugless_theme, caplog):
    caplog.set_level(logging.WARNING)
    Client().get("/countries/mexico/")
    assert any(
        "“!!!”" in record.getMessage() and "no usable slug" in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.parametrize(
    "name, slug, says",
    [
        ("!!!", "bangs", "needs at least one letter or digit"),
        ("x" * 101, "long", "at most 100 characters"),
        ("Fine", "a b", "Enter a valid “slug”"),
    ],
)
def test_the_themes_admin_checks_themes_as_the_goal_form_does(admin_client, name, slug, says):
    from django.urls import reverse

    from .admin_forms import error_text

    response = admin_client.post(reverse("admin:taggit_tag_add"), {"name": name, "slug": slug})
    assert response.status_code == HTTPStatus.OK
    assert says in error_text(response)
    assert not Tag.objects.filter(slug=slug).exists()


def test_the_goal_form_offers_existing_themes(mexico, editor_client, client):
    from django.urls import reverse

    from .admin_forms import logged_in, make_user

    url = reverse("admin:taggit_tag_suggestions")
    assert editor_client.get(url, {"q": "ECON"}).json() == {"themes": ["economy"]}
    # Names starting with the typed text first, then names containing it.
    names = editor_client.get(url, {"q": "a"}).json()["themes"]
    starting = [name for name in names if name.startswith("a")]
    assert names[: len(starting)] == starting and len(names) <= 10
    assert editor_client.get(url, {"q": ""}).json() == {"themes": []}
    assert editor_client.get(url, {"q": "x" * 5000}).json() == {"themes": []}
    assert client.get(url, {"q": "e"}).status_code == 302  # sign in first
    assert logged_in(make_user("staff")).get(url, {"q": "e"}).status_code == 403
    page = editor_client.get(reverse("admin:strategy_country_change", args=[mexico.pk]))
    html = page.content.decode()
    assert f'data-theme-suggestions="{url}"' in html
    assert "js/theme_autocomplete.js" in html
