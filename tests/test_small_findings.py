"""
Smaller findings of the attack on the running site, each once a 500 or a
hung worker: a Host header the site does not serve, regular expressions in
admin query strings.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .admin_forms import logged_in, make_user
from .helpers import PUBLIC_PAGES, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", [*PUBLIC_PAGES, "/api/countries/", "/citations/export.bib", "/healthz", "/admin/"]
)
def test_a_host_the_site_does_not_serve_is_a_400_page(mexico, url):
    response = Client(raise_request_exception=False).get(url, HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    if url.startswith("/api/"):  # the API answers in JSON, whichever layer refuses
        assert response.json()["detail"].startswith("Bad request")
    else:
        assert parse(response).h1.get_text(strip=True) == "Bad request"
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
                # The admin, and the admin's language choice (a POST), are not public pages.
                if str(pattern.pattern) not in ("admin/", "i18n/"):
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
    with translation.override("es"):  # as web.languages activates it for /es/ addresses
        assert query_parameters("/es/countries/") == {"region", "theme", "page"}
    assert query_parameters("/admin/") is None


# --- A second round of attacks, on the fixes above ----------------------------------


@pytest.mark.parametrize("url", ["/countries/mexico/", "/admin/", "/api/goals.csv"])
def test_a_null_character_in_a_cookie_is_a_400(mexico, url):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get(url).status_code == HTTPStatus.BAD_REQUEST


def test_a_username_longer_than_any_is_refused_as_a_wrong_login(db):
    client = Client(raise_request_exception=False)
    for length in (151, 256, 10_000):
        response = client.post("/admin/login/", {"username": "b" * length, "password": "x"})
        assert response.status_code == HTTPStatus.OK
        assert "at most 150 characters" in response.content.decode()


def test_host_ports_and_spellings_make_no_cache_entries_of_their_own(
    client, mexico, django_assert_num_queries
):
    from django.core.cache import cache

    plain = client.get("/countries/mexico/")
    entries = len(cache._cache)
    for port in range(10_000, 10_200):
        response = client.get("/countries/mexico/", HTTP_HOST=f"testserver:{port}")
        assert response.status_code == HTTPStatus.OK
    client.get("/countries/mexico/", HTTP_HOST="testserver:" + "0" * 4000 + "1")
    assert len(cache._cache) == entries
    # Spellings of the one host the site serves are the same page, from the cache.
    for host in ("TestServer", "testserver.", "testserver:80"):
        with django_assert_num_queries(1):
            response = client.get("/countries/mexico/", HTTP_HOST=host)
        assert response.content == plain.content


def test_a_refused_host_is_logged_on_one_line(mexico, caplog):
    Client(raise_request_exception=False).get("/countries/mexico/", HTTP_HOST="evil.example")
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert records
    # The handler's filter drops the traceback; what reaches the log is one line.
    from web.logging import WithoutTraceback

    for record in records:
        WithoutTraceback().filter(record)
        assert record.exc_info is None and "\n" not in record.getMessage()


def test_text_fields_have_a_length_limit_in_the_admin(mexico):
    from strategy.models import MAX_TEXT_LENGTH

    from .admin_forms import country_form, error_text, goal_rows

    client = logged_in(make_user("ana", group="Editors"))
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    rows = goal_rows(mexico)
    rows[0]["description"] = "[^" * MAX_TEXT_LENGTH
    data = country_form(mexico, rows, vision="x" * (MAX_TEXT_LENGTH + 1))
    data.pop("status")
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    errors = error_text(response)
    assert errors.count(f"Ensure this value has at most {MAX_TEXT_LENGTH:,}") == 2 or (
        errors.count(f"at most {MAX_TEXT_LENGTH}") == 2
    )


def import_problems(tmp_path, text):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "chapter.md"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_strategy", str(path), "--dry-run", stderr=err, stdout=io.StringIO())
    return [line.replace(f"{path}:", "") for line in err.getvalue().splitlines()]


def test_an_imported_text_longer_than_the_limit_is_named_with_its_line(db, tmp_path):
    from strategy.models import MAX_TEXT_LENGTH

    long = "Long. " * (MAX_TEXT_LENGTH // 6 + 1)
    problems = import_problems(tmp_path, f"# Testland\n\nVision.\n\n{long}\n\nThe end.\n")
    assert problems == [
        f"5: goal: description: Ensure this value has at most 10000 characters "
        f"(it has {len(long.strip())})."
    ]


@pytest.mark.parametrize("nesting", ["[" * 500 + "]" * 500, "{a=" * 500 + "1" + "}" * 500])
def test_front_matter_nested_too_deeply_is_a_problem(db, tmp_path, nesting):
    problems = import_problems(tmp_path, f"+++\nslug = {nesting}\n+++\n# Testland\n\nVision.\n")
    assert problems == ["1: cannot read the front matter (TOML): nested too deeply"]


def test_more_goals_or_sources_than_a_chapter_has_are_refused(db, tmp_path):
    from chapters.syntax import MAX_FOOTNOTES, MAX_GOALS

    goals = "\n\n".join(f"Goal {number}." for number in range(MAX_GOALS + 1))
    problems = import_problems(tmp_path, f"# Testland\n\nVision.\n\n{goals}\n\nThe end.\n")
    assert problems == [
        f"{5 + 2 * MAX_GOALS}: the chapter has {MAX_GOALS + 1} goals; a chapter may have at "
        f"most {MAX_GOALS}"
    ]
    cited = "".join(f"[^{number}]" for number in range(MAX_FOOTNOTES + 1))
    references = "\n".join(f"[^{n}]: A (2019). T {n}." for n in range(MAX_FOOTNOTES + 1))
    problems = import_problems(tmp_path, f"# Testland\n\nVision.{cited}\n\n{references}\n")
    assert problems == [
        f"3: the chapter cites {MAX_FOOTNOTES + 1} sources; a chapter may cite at most "
        f"{MAX_FOOTNOTES}"
    ]


def test_many_sources_by_one_author_in_one_year_import_in_linear_work(db):
    """Each new key is checked against the keys in use without a query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chapters.importer import import_chapter
    from chapters.reader import parse_chapter

    count = 300
    cited = "".join(f"[^{number}]" for number in range(count))
    references = "\n".join(
        f"[^{n}]: Smith, J. (2020). Title number {n}. [online] Available at: https://example.org/{n}"
        for n in range(count)
    )
    chapter = parse_chapter(f"# Testland\n\nVision.{cited}\n\n{references}\n")
    with CaptureQueriesContext(connection) as captured:
        result = import_chapter(chapter, dry_run=True)
    assert result.totals().startswith("1 country created")
    # A score per source (the citation, its revision, the page versions it bumps:
    # the site's and its own), not one per key tried (45,000).
    assert len(captured) < 25 * count


def test_a_theme_whose_slug_is_no_address_is_left_out_of_the_api(mexico):
    from taggit.models import Tag

    Tag.objects.filter(slug="health").update(slug="a b")
    response = Client(raise_request_exception=False).get("/api/themes/")
    assert response.status_code == HTTPStatus.OK
    slugs = [theme["slug"] for theme in response.json()["results"]]
    assert "a b" not in slugs and slugs


def test_text_cannot_forge_a_footnote_marker(mexico):
    """
    Neither characters written as references (``&#xE000;``) nor markup typed
    as text become a footnote marker, in text or in a link's title.
    """
    from .helpers import parse as parse_page

    title = "\ue000british-embassy-mexico-city-2018\ue001 <sup data-cite=x></sup>"
    mexico.vision = (
        "Cited here.[^british-embassy-mexico-city-2018] See [the report](https://example.org/ "
        '"&#xE000;british-embassy-mexico-city-2018&#xE001; <sup data-cite=x></sup>") and '
        '&lt;sup data-cite="british-embassy-mexico-city-2018"&gt;&lt;/sup&gt; '
        "and &#xE000;x&#xE001;."
    )
    mexico.save()
    vision = parse_page(Client().get("/countries/mexico/")).select_one("section.vision .prose")
    (link,) = vision.select("a[href^='https://example.org']")
    assert link.attrs == {
        "href": "https://example.org/",
        "title": title,
        "rel": ["noopener", "noreferrer"],
    }
    assert [ref.get_text() for ref in vision.select("sup.footnote-ref")] == ["[1]"]
    assert '<sup data-cite="british-embassy-mexico-city-2018"></sup>' in vision.get_text()


def test_bibtex_keeps_each_author_whole_whatever_the_spaces(db):
    from pybtex.database import parse_string

    from citations.formats import to_bibtex
    from citations.models import Citation

    from .factories import CitationFactory

    CitationFactory(key="spaces-2020", authors="Smith\u2003and\u2003Jones, J.\nAlpha, Beta, Gamma")
    data = parse_string(to_bibtex(Citation.objects.all()), "bibtex")
    people = data.entries["spaces-2020"].persons["author"]
    assert len(people) == 2
    # Two commas make no person: the name is an organisation, braced whole,
    # not "Alpha" with "Beta" as a lineage.
    assert str(people[1]) == "{Alpha, Beta, Gamma}"
    assert not people[1].lineage_names


@pytest.mark.parametrize("name", ["q", "term"])
def test_an_admin_search_of_too_many_words_is_a_400(mexico, name):
    client = logged_in(make_user("max", group="Country managers"))
    client.raise_request_exception = False
    words = " ".join(f"w{number}" for number in range(1000))
    url = reverse("admin:strategy_country_changelist")
    if name == "term":
        url = (
            reverse("admin:autocomplete") + "?app_label=strategy&model_name=goal&field_name=country"
        )
    response = client.get(url, {name: words})
    assert response.status_code == HTTPStatus.BAD_REQUEST
