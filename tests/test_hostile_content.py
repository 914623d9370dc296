"""
Hostile content: a corpus of cross-site scripting payloads saved into every
editable text and URL field, then every public page and the admin's
changelist, change, history and delete pages rendered and parsed with an HTML5
parser, as a browser would. On no page may a payload become active: no
<script> other than the site's own static files and the admin's jsi18n, no
event-handler attribute, no javascript:/data:/vbscript: (or any other
non-web) URL, no frames, plugins, <base> or refresh.

The payloads are batched (many to a field, as many as the field holds) so that
every payload reaches every field and every kind of page in a few hundred
requests, not tens of thousands.
"""

import json
import re
from http import HTTPStatus
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from citations.models import Citation, validate_web_url
from strategy.models import Country, Goal
from strategy.revisions import save_revision

from .admin_forms import country_form
from .helpers import parse

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "xss_payloads.txt"


def load_payloads():
    """The corpus: one payload a line; "# " starts a comment; \\n is a line break."""
    payloads = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line or line == "#" or line.startswith("# "):
            continue
        payloads.append(line.replace("\\n", "\n"))
    return payloads


PAYLOADS = load_payloads()


def pack(payloads, limit):
    """
    The payloads joined by spaces into values of at most ``limit`` characters,
    each payload whole. A payload longer than the field cannot be stored in it
    (the admin and the database refuse it), so it is left out of that field.
    """
    values, current = [], ""
    for payload in payloads:
        if len(payload) > limit:
            continue
        candidate = f"{current} {payload}" if current else payload
        if len(candidate) <= limit:
            current = candidate
        else:
            values.append(current)
            current = payload
    return [*values, current] if current else values


def spread(payloads, count):
    """``count`` Markdown texts that between them hold every payload."""
    return ["\n\n".join(payloads[index::count]) for index in range(count)]


def max_length(model, field):
    return model._meta.get_field(field).max_length


# --- what must never appear on a page ---------------------------------------

SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background",
    "data", "cite", "longdesc", "lowsrc", "dynsrc", "ping", "codebase", "manifest",
}  # fmt: skip
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def url_scheme(value):
    """The scheme a browser would see in ``value`` (it ignores tabs, newlines, padding)."""
    value = re.sub(r"[\t\n\r]", "", value.strip(C0_AND_SPACE))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
    return match.group(1).lower() if match else ""


def local_name(name):
    """ "{namespace}href" as "href", but the XLink namespace as "xlink:href"."""
    namespace, _, local = name.rpartition("}")
    return f"xlink:{local}" if namespace.endswith("/xlink") else local


def active_content(html, allowed_scripts):
    """Every place in ``html`` where a payload could run or leak, described."""
    problems = []
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):  # a comment
            continue
        tag = local_name(element.tag)
        attributes = {local_name(name).lower(): value for name, value in element.attrib.items()}
        found = []
        if tag == "script" and attributes.get("type") == "application/ld+json":
            # A data block, never run: it must be JSON that cannot end the element.
            text = "".join(element.itertext())
            try:
                json.loads(text)
            except ValueError:
                found.append("JSON-LD that is not JSON")
            if "<" in text or "src" in attributes:
                found.append("JSON-LD that could end its element")
        elif tag == "script":
            source = attributes.get("src", "")
            if "".join(element.itertext()).strip() or not source.startswith(allowed_scripts):
                found.append("script")
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found.append("refresh")
        if tag == "img" and not attributes.get("src", "").startswith(settings.STATIC_URL):
            found.append("image from outside the site")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"event handler {name}")
            elif name == "srcdoc":
                found.append("srcdoc")
            elif name == "style" and re.search(r"url\(|expression|script", value, re.I):
                found.append("style")
            elif name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES | {""}:
                found.append(f"{url_scheme(value)}: URL in {name}")
        if found:
            shown = ElementTree.tostring(element, encoding="unicode")[:160]
            problems += [f"{problem}: {shown}" for problem in found]
    return problems


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) == len(set(PAYLOADS)) >= 150
    text = "\n".join(PAYLOADS).lower()
    patterns = ["<script", "onerror=", "onload=", "](javascript:", "](vbscript:", "](data:"]
    patterns += ["![", "&#x6a;", "%3cscript", "<svg", "<math", "<!--", "\n"]
    for pattern in patterns:
        assert pattern in text, pattern


def test_the_checker_finds_what_it_must():
    """The checker itself can fail: each of these must be reported."""
    bad = [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=/static/x.png onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" &#14; javascript:alert(1)">x</a>',
        '<a href="DATA:text/html,x">x</a>',
        '<form><button formaction="vbscript:x">x</button></form>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        "<iframe srcdoc=x></iframe>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        "<img src=https://evil.example/pixel.gif>",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ]
    for html in bad:
        assert active_content(html, ("/static/",)), html
    good = '<a href="/countries/">x</a><a href="https://example.org">y</a>'
    good += '<script src="/static/a.js"></script><img src="/static/i.svg">'
    assert active_content(good, ("/static/",)) == []


# --- the content ---------------------------------------------------------------


@pytest.fixture
def hostile_content(admin_user):
    """
    Countries, goals, themes and citations whose every editable text and URL
    field holds payloads, all published, as if saved by an editor; URLs written
    straight to the database, as the admin would refuse them. Each field gets
    as many payloads as it holds, so there are as few objects as the shortest
    fields allow.
    """
    names = pack(PAYLOADS, max_length(Country, "name"))
    countries = Country.objects.bulk_create(
        Country(
            name=name,
            slug=f"hostile-{index}",
            vision=vision,
            conclusion=conclusion,
            status=Country.Status.PUBLISHED,
        )
        for index, (name, vision, conclusion) in enumerate(
            zip(
                names, spread(PAYLOADS, len(names)), spread(PAYLOADS[::-1], len(names)), strict=True
            )
        )
    )

    # Citations: the text fields packed as above; a URL field holds one URL, so
    # one citation per payload, written straight to the database.
    text_fields = {
        field: pack(PAYLOADS, max_length(Citation, field))
        for field in ["title", "subtitle", "publisher", "language", "source_label"]
    }
    with_text = max(len(values) for values in text_fields.values())
    authors = ["\n".join(text.split("\n\n")) for text in spread(PAYLOADS, with_text)]
    citations = Citation.objects.bulk_create(
        Citation(
            key=f"hostile-{index}",
            authors=authors[index] if index < with_text else "Oxford Insights",
            title=item(text_fields["title"], index) or f"Report {index}",
            subtitle=item(text_fields["subtitle"], index),
            publisher=item(text_fields["publisher"], index),
            language=item(text_fields["language"], index),
            source_label=item(text_fields["source_label"], index),
            url=payload,
        )
        for index, payload in enumerate(PAYLOADS)
    )

    # Goals, each citing a citation, with the themes spread over them.
    titles = pack(PAYLOADS, max_length(Goal, "title"))
    goals = Goal.objects.bulk_create(
        Goal(
            country=countries[index % len(countries)],
            position=index // len(countries) + 1,
            title=title,
            description=f"{description} [^{citations[index].key}]",
        )
        for index, (title, description) in enumerate(
            zip(titles, spread(PAYLOADS, len(titles)), strict=True)
        )
    )
    for index, theme in enumerate(pack(PAYLOADS, max_length(Tag, "name"))):
        goals[index % len(goals)].tags.add(theme)

    # The first country, its first goal and the first citation hold every
    # payload in their long texts, so that one page of each kind shows them all.
    countries[0].vision = "\n\n".join(PAYLOADS)
    countries[0].conclusion = "\n\n".join(PAYLOADS[::-1])
    goals[0].description = "\n\n".join(PAYLOADS) + f" [^{citations[0].key}]"
    Goal.objects.bulk_update([goals[0]], ["description"])
    citations[0].authors = "\n".join(" ".join(payload.split()) for payload in PAYLOADS)
    Citation.objects.bulk_update([citations[0]], ["authors"])

    # Every citation is cited from a country's vision, so it is public.
    for index, citation in enumerate(citations):
        countries[index % len(countries)].vision += f" [^{citation.key}]"
    Country.objects.bulk_update(countries, ["vision", "conclusion"])
    for country in countries:
        country.sync_citations()

    # History: the admin's log, and a revision of each country and each named
    # citation whose comment holds payloads, by an editor whose name does too.
    admin_user.first_name, admin_user.last_name = pack(PAYLOADS, 150)[:2]
    admin_user.save()
    for model in [Country, Goal, Citation, Tag]:
        LogEntry.objects.log_actions(admin_user.pk, model.objects.all(), ADDITION)
    for country, comment in zip(countries, spread(PAYLOADS, len(countries)), strict=True):
        save_revision(country, user=admin_user, comment=comment)
    save_revision(countries[0], user=admin_user, comment="\n\n".join(PAYLOADS))
    for citation in Citation.objects.exclude(title__startswith="Report "):
        with reversion.create_revision():
            reversion.set_user(admin_user)
            reversion.set_comment(citation.title)
            reversion.add_to_revision(citation)
    # A deleted country, to be recovered from its history.
    deleted = Country.objects.create(
        name=f"Deleted {names[0]}"[: max_length(Country, "name")],
        slug="deleted",
        vision="\n\n".join(PAYLOADS),
    )
    save_revision(deleted, user=admin_user, comment="Before deleting.")
    deleted.delete()
    return {
        "countries": countries,
        "goals": goals,
        "citations": citations,
        "citations_with_text": citations[:with_text],
    }


def item(values, index):
    return values[index] if index < len(values) else ""


def test_every_payload_reaches_every_field(hostile_content):
    countries = Country.objects.all()
    citations = Citation.objects.all()
    goals = Goal.objects.all()
    tags = Tag.objects.all()
    for payload in PAYLOADS:
        assert any(payload in country.vision for country in countries)
        assert any(payload in country.conclusion for country in countries)
        assert any(payload in goal.description for goal in goals)
        assert any(payload.split("\n")[0] in citation.authors for citation in citations)
        assert any(citation.url == payload for citation in citations)
        for items, field in [(countries, "name"), (goals, "title"), (tags, "name")]:
            if len(payload) <= items.model._meta.get_field(field).max_length:
                assert any(payload in getattr(item, field) for item in items), (field, payload)
        for field in ["title", "subtitle", "publisher", "language", "source_label"]:
            if len(payload) <= max_length(Citation, field):
                assert any(payload in getattr(c, field) for c in citations), (field, payload)


def public_pages(content):
    countries, citations = content["countries"], content["citations"]
    pages = ["/", "/countries/", "/themes/", "/citations/"]
    pages += [f"/countries/?page={page}" for page in range(2, len(countries) // 50 + 2)]
    pages += [f"/citations/?page={page}" for page in range(2, len(citations) // 100 + 2)]
    pages += [country.get_absolute_url() for country in countries]
    pages += [reverse("strategy:theme_detail", args=[tag.slug]) for tag in Tag.objects.all()]
    pages += [citation.get_absolute_url() for citation in citations]
    return pages


def admin_url(model, action, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def admin_pages(content):
    """
    One admin page of each kind that shows payloads: every page of every
    changelist (each object's name, title and other listed fields); the
    change, history and revision pages of the objects that hold every
    payload in their long texts (the first country, goal and citation); the
    change page of each citation whose short fields hold payloads (only the
    form shows those); and the lists of deleted countries and citations
    with the recover page of each.
    """
    pages = ["/admin/"]
    dense = {
        Country: content["countries"][0],
        Goal: content["goals"][0],
        Citation: content["citations"][0],
        Tag: Tag.objects.order_by("pk").first(),
    }
    for model, obj in dense.items():
        changelist = admin_url(model, "changelist")
        pages += [f"{changelist}?p={page}" for page in range(1, model.objects.count() // 100 + 2)]
        pages += [admin_url(model, "change", obj.pk), admin_url(model, "history", obj.pk)]
    pages += [admin_url(Citation, "change", c.pk) for c in content["citations_with_text"]]
    for model in [Country, Citation]:
        version = Version.objects.get_for_object(dense[model]).order_by("-pk").first()
        pages.append(admin_url(model, "revision", version.object_id, version.pk))
        pages.append(admin_url(model, "recoverlist"))
        pages += [admin_url(model, "recover", v.pk) for v in Version.objects.get_deleted(model)]
    return pages


def test_public_pages_show_payloads_as_text(client, hostile_content):
    allowed = (settings.STATIC_URL,)
    pages = public_pages(hostile_content)
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        problems = active_content(response.text, allowed)
        assert problems == [], (url, problems[:5])

    # The payloads are there, shown exactly as typed, not dropped.
    for country in hostile_content["countries"][:10]:
        page = parse(client.get(country.get_absolute_url()))
        assert page.h1.get_text() == country.name
        titles = [h3.get_text() for h3 in page.select("li.goal h3")]
        assert titles == [goal.title for goal in country.goals.order_by("position")]
        links = [a.get_text() for a in page.select(".notes .reference")]
        assert links and all("About this source" in text for text in links)
    assert len(pages) > 300


def test_admin_pages_show_payloads_as_text(admin_client, hostile_content):
    allowed = (settings.STATIC_URL, reverse("admin:jsi18n"))
    pages = admin_pages(hostile_content)
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        problems = active_content(response.text, allowed)
        assert problems == [], (url, problems[:5])

    country = hostile_content["countries"][0]
    page = parse(admin_client.get(admin_url(Country, "change", country.pk)))
    assert page.find("input", attrs={"name": "name"})["value"] == country.name
    assert page.find("textarea", attrs={"name": "vision"}).get_text() == country.vision


def test_a_draft_preview_shows_payloads_as_text(admin_client, hostile_content):
    country = hostile_content["countries"][0]
    Country.objects.filter(pk=country.pk).update(status=Country.Status.DRAFT)
    response = admin_client.get(country.get_absolute_url())
    assert "Draft — not public" in parse(response).get_text()
    assert active_content(response.text, (settings.STATIC_URL,)) == []


def test_downloads_and_the_api_are_never_html(client, hostile_content):
    """Payloads in data files are data: never served as HTML, never sniffed as it."""
    country = hostile_content["countries"][0]
    urls = ["/api/countries/", "/api/countries/?page=2", "/api/citations/", "/api/themes/"]
    urls += [f"/api/countries/{country.slug}/", "/api/goals.csv"]
    urls += [f"/citations/export.{extension}" for extension in ["bib", "ris", "json"]]
    urls += [f"/countries/{country.slug}/citations.{extension}" for extension in ["bib", "ris"]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert not response["Content-Type"].startswith(("text/html", "application/xhtml")), url
        assert response["X-Content-Type-Options"] == "nosniff"
    data = client.get(f"/api/countries/{country.slug}/").json()
    assert data["name"] == country.name


def test_stored_unsafe_urls_are_shown_but_never_linked(client, hostile_content):
    citation = Citation.objects.filter(url="javascript:alert(1)").get()
    page = parse(client.get(citation.get_absolute_url()))
    assert "javascript:alert(1)" in page.find("dl", class_="facts").get_text()
    assert page.select("a.source-link") == []
    citation.url = 'https://example.org/report.pdf?title="<b>"'
    citation.save()
    page = parse(client.get(citation.get_absolute_url()))
    assert page.select_one("a.source-link")["href"] == citation.url


# --- the admin refuses what it must ----------------------------------------------


def citation_admin_form(data):
    request = RequestFactory().get("/admin/citations/citation/add/")
    request.user = AnonymousUser()
    form_class = admin.site.get_model_admin(Citation).get_form(request)
    return form_class(data)


def test_the_admin_refuses_every_unsafe_url(admin_client):
    refused = 0
    for payload in PAYLOADS:
        form = citation_admin_form(
            {"key": "k", "authors": "A", "title": "T", "medium": "online", "url": payload}
        )
        if "url" in form.errors:
            refused += 1
            continue
        # Accepted only as a real web address: an http(s) URL with a host.
        cleaned = form.cleaned_data["url"]
        validate_web_url(cleaned)
        assert url_scheme(cleaned) in {"http", "https"}, (payload, cleaned)
    assert refused >= len(PAYLOADS) - 10

    response = admin_client.post(
        reverse("admin:citations_citation_add"),
        {
            "key": "evil",
            "authors": "A",
            "title": "T",
            "medium": "online",
            "url": "javascript:alert(1)",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "Enter a valid URL." in parse(response).get_text()
    assert not Citation.objects.filter(key="evil").exists()


def new_country_form(**fields):
    """The add form for a new country with one goal; ``fields`` override any value."""
    goal = {"position": "1", "title": "A goal", "description": "Text.", "tags": "health"}
    return country_form(goals=[goal], **fields)


def test_payloads_save_through_the_admin_as_typed(admin_client):
    """The admin stores hostile text as typed (it is escaped on output, not mangled on input)."""
    everything = "\n\n".join(PAYLOADS)
    name = pack(PAYLOADS, max_length(Country, "name"))[0]
    title = pack(PAYLOADS, max_length(Goal, "title"))[0]
    response = admin_client.post(
        reverse("admin:strategy_country_add"),
        new_country_form(
            name=name,
            vision=everything,
            conclusion=everything,
            **{"goals-0-title": title, "goals-0-description": everything},
            **{"goals-0-tags": '"<script>alert(1)</script>", <img src=x onerror=alert(1)>'},
        ),
    )
    errors = parse(response).select(".errorlist")
    assert response.status_code == HTTPStatus.FOUND, errors
    country = Country.objects.get(slug="freedonia")
    assert (country.name, country.vision.replace("\r\n", "\n")) == (name, everything.strip())
    goal = country.goals.get()
    assert goal.title == title
    assert sorted(goal.tags.names()) == [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
    ]
    problems = active_content(admin_client.get(country.get_absolute_url()).text, ("/static/",))
    assert problems == []


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ('"!!!"', "needs at least one letter or digit"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_the_admin_refuses_themes_without_an_address(admin_client, tags, message):
    response = admin_client.post(
        reverse("admin:strategy_country_add"), new_country_form(**{"goals-0-tags": tags})
    )
    assert response.status_code == HTTPStatus.OK
    assert message in parse(response).get_text()
    assert not Country.objects.exists()


def test_the_admin_refuses_null_characters(admin_client):
    response = admin_client.post(
        reverse("admin:strategy_country_add"), new_country_form(name="Free\x00donia")
    )
    assert response.status_code == HTTPStatus.OK
    assert "Null characters are not allowed." in parse(response).get_text()
    assert not Country.objects.exists()


def test_themes_in_any_script_have_pages(client, mexico):
    goal = mexico.goals.first()
    goal.tags.add("Santé", "健康")
    for name in ["Santé", "健康"]:
        tag = Tag.objects.get(name=name)
        response = client.get(reverse("strategy:theme_detail", args=[tag.slug]))
        assert response.status_code == HTTPStatus.OK
        assert parse(response).h1.get_text() == name
    assert client.get("/").status_code == HTTPStatus.OK
