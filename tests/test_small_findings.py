"""
Smaller findings of the attack on the running site, each once a 500 or a
hung worker: a Host header the site does not serve, regular expressions in
admin query strings.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from .admin_forms import logged_in, make_user
from .helpers import PUBLIC_PAGES, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", [*PUBLIC_PAGES, "/api/countries/", "/citations/export.bib", "/healthz", "/admin/"]
)
def test_a_host_the_site_does_not_serve_is_a_400_page(mexico, url):
    response = Client(raise_request_exception=False).get(url, HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = parse(response)
    assert page.h1.get_text(strip=True) == "Bad request"
    # The host it named is not repeated back, not even in the print footer.
    assert "evil.example" not in response.content.decode()


def test_the_print_footer_names_the_page_without_its_query(client, mexico):
    page = parse(client.get("/countries/mexico/?utm_source=x"))
    footer = page.select_one(".print-only").get_text(strip=True)
    assert footer == "Printed from http://testserver/countries/mexico/"


ADMIN_LISTS = [
    ("admin:strategy_country_changelist", "vision"),
    ("admin:strategy_goal_changelist", "description"),
    ("admin:citations_citation_changelist", "title"),
    ("admin:taggit_tag_changelist", "name"),
    ("admin:auth_user_changelist", "username"),
    ("admin:auth_group_changelist", "name"),
    ("admin:axes_accessattempt_changelist", "username"),
]


@pytest.mark.parametrize("name, field", ADMIN_LISTS)
@pytest.mark.parametrize("lookup", ["regex", "iregex"])
@pytest.mark.parametrize("role", ["Editors", None])
def test_regular_expressions_in_admin_query_strings_are_refused(mexico, name, field, lookup, role):
    user = make_user("someone", group=role, superuser=role is None)
    client = logged_in(user)
    client.raise_request_exception = False
    url = reverse(name)
    response = client.get(url, {f"{field}__{lookup}": "(.+)+Z"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    related = client.get(url, {f"country__name__{lookup}": "(.+)+Z"})
    assert related.status_code == HTTPStatus.BAD_REQUEST


def test_ordinary_admin_filters_still_work(mexico):
    client = logged_in(make_user("max", group="Country managers"))
    url = reverse("admin:strategy_country_changelist")
    assert client.get(url, {"status__exact": "published"}).status_code == HTTPStatus.OK
    assert client.get(url, {"q": "(.+)+Z"}).status_code == HTTPStatus.OK


def test_a_null_character_in_an_imported_chapter_is_a_clear_problem(tmp_path):
    import io

    from django.core.management import CommandError, call_command

    from strategy.models import Country

    path = tmp_path / "nul.md"
    path.write_bytes(b"# Testland\n\nA vision with a \x00 in it.\n\nThe end.\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_strategy", str(path), stderr=err, stdout=io.StringIO())
    assert f"{path}:3: the line holds a null character" in err.getvalue()
    assert not Country.objects.exists()


def test_a_null_character_typed_in_the_admin_is_refused_with_a_message(mexico):
    from .admin_forms import country_form, error_text, goal_rows

    client = logged_in(make_user("ana", group="Editors"))
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = country_form(mexico, goal_rows(mexico), vision="Null \x00 here.")
    data.pop("status")  # an Editor's form has no status field
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Null characters are not allowed." in error_text(response)
    mexico.refresh_from_db()
    assert "\x00" not in mexico.vision


def test_every_public_view_says_which_query_parameters_it_reads():
    """The page cache keys pages by them; a view that says nothing is not cached at all."""
    from django.urls import get_resolver

    from pagecache.middleware import query_parameters

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if str(pattern.pattern) != "admin/":
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    undeclared = [
        path
        for path, callback in walk(get_resolver().url_patterns)
        if path != "healthz"
        and getattr(callback, "query_parameters", None) is None
        and getattr(getattr(callback, "view_class", None), "query_parameters", None) is None
    ]
    assert undeclared == []
    assert query_parameters("/countries/") == {"region", "theme", "page"}
    assert query_parameters("/admin/") is None
