"""Integrity: cited sources stay, markers name sources, old addresses keep working."""

from http import HTTPStatus

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from citations.models import Citation
from strategy.models import Country

from .admin_forms import (
    error_text,
    form_data,
    logged_in,
    make_user,
    message_text,
    parse,
    publish_draft,
)
from .factories import CitationFactory, CountryFactory

pytestmark = pytest.mark.django_db

HACIENDA = "secretaria-de-hacienda-2017"


@pytest.fixture
def superuser_client(db):
    return logged_in(make_user("root", superuser=True))


def test_deleting_a_cited_citation_is_refused_saying_where_it_is_cited(mexico, superuser_client):
    citation = Citation.objects.get(key=HACIENDA)
    url = reverse("admin:citations_citation_delete", args=[citation.pk])
    page = parse(superuser_client.get(url))
    text = " ".join(page.select_one("#content").get_text(" ").split())
    assert f"The citation “{HACIENDA}” cannot be deleted: it is still cited." in text
    items = [li.get_text(" ", strip=True) for li in page.select("#deleted-objects li")]
    assert items == [
        f"Citing country: Mexico cites [^{HACIENDA}] in goal 1 "
        "“Digitise small businesses with Big Data, analytics and AI”"
    ]
    assert page.find("input", attrs={"type": "submit"}) is None  # no "Yes, I'm sure"

    response = superuser_client.post(url, {"post": "yes"})  # as if the button were there
    assert response.status_code == HTTPStatus.OK
    assert Citation.objects.filter(key=HACIENDA).exists()


def test_bulk_deleting_cited_citations_is_refused_and_deletes_nothing(mexico, superuser_client):
    unused = CitationFactory(key="unused")
    cited = Citation.objects.get(key=HACIENDA)
    draft = CountryFactory(name="Atlantis", status="draft", vision=f"Also.[^{HACIENDA}]")
    draft.sync_citations()
    response = superuser_client.post(
        reverse("admin:citations_citation_changelist"),
        {"action": "delete_selected", "_selected_action": [unused.pk, cited.pk], "post": "yes"},
    )
    assert response.status_code == HTTPStatus.OK
    page = parse(response)
    assert "None of the selected citations was deleted" in page.select_one("#content").get_text()
    items = sorted(li.get_text(" ", strip=True) for li in page.select("#deleted-objects li"))
    assert items == [
        f"Citing country: Atlantis (draft) cites [^{HACIENDA}] in the vision",
        f"Citing country: Mexico cites [^{HACIENDA}] in goal 1 "
        "“Digitise small businesses with Big Data, analytics and AI”",
    ]
    assert Citation.objects.filter(pk__in=[unused.pk, cited.pk]).count() == 2


def test_an_uncited_citation_can_be_deleted(mexico, superuser_client):
    unused = CitationFactory(key="unused")
    url = reverse("admin:citations_citation_delete", args=[unused.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Citation.objects.filter(key="unused").exists()


def test_a_cited_citation_cannot_be_deleted_in_code_either(mexico):
    with pytest.raises(ProtectedError):
        Citation.objects.get(key=HACIENDA).delete()


def test_once_the_marker_is_gone_the_citation_can_be_deleted(mexico, superuser_client):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(superuser_client.get(url), "country_form")
    for name, value in list(data.items()):
        if name.endswith(("-description", "-description_es")):  # in every language
            data[name] = value.replace(f"[^{HACIENDA}]", "")
    assert superuser_client.post(url, data).status_code == HTTPStatus.FOUND
    citation = Citation.objects.get(key=HACIENDA)
    delete_url = reverse("admin:citations_citation_delete", args=[citation.pk])
    # The published version still cites it until the working draft is published.
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.OK
    publish_draft(superuser_client, mexico)
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FOUND


def test_a_marker_naming_no_citation_is_refused_in_the_country_text(mexico, superuser_client):
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    data = form_data(superuser_client.get(url), "country_form")
    data["conclusion"] = "An unsourced claim.[^made-up-2024]"
    response = superuser_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Footnote marker [^made-up-2024] names no citation" in error_text(response)
    mexico.refresh_from_db()
    assert "made-up-2024" not in mexico.conclusion


def rename_key(client, citation, key):
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    data = form_data(client.get(url), "citation_form")
    data["key"] = key
    return client.post(url, data, follow=True)


def test_renaming_a_cited_key_rewrites_every_marker(mexico, superuser_client):
    from reversion.models import Version

    from strategy.revisions import save_revision

    save_revision(mexico, comment="As loaded.")
    citation = Citation.objects.get(key=HACIENDA)
    chile = CountryFactory(
        name="Chile",
        status="published",
        vision=f"See.[^{HACIENDA}] And again.[^{HACIENDA}]",
        conclusion=f"Done.[^{HACIENDA}]",
    )
    chile.sync_citations()
    before = {c.pk: (c.version, c.last_published_change) for c in Country.objects.all()}
    public_before = Client().get(mexico.get_absolute_url()).content.decode()

    response = rename_key(superuser_client, citation, "hacienda-2017")
    assert response.redirect_chain[-1][0] == reverse("admin:citations_citation_changelist")
    assert "The footnote markers [^secretaria-de-hacienda-2017] are now [^hacienda-2017]" in (
        message_text(response)
    )
    citation.refresh_from_db()
    assert citation.key == "hacienda-2017"
    for country in Country.objects.all():
        texts = [country.vision, country.conclusion, *(g.description for g in country.goals.all())]
        assert f"[^{HACIENDA}]" not in " ".join(texts)
        assert "[^hacienda-2017]" in " ".join(texts)
        assert citation in country.citations.all()
        version, last_change = before[country.pk]
        assert country.version != version  # forms opened before are warned
        assert country.last_published_change == last_change  # the public text is the same
        # Each country's history records the rename, as a revision of its own.
        latest = Version.objects.get_for_object(country).first()
        assert latest.revision.get_comment().startswith(
            f"Citation key “{HACIENDA}” renamed to “hacienda-2017”"
        )
        assert {v.content_type.model for v in latest.revision.version_set.all()} <= {
            "country",
            "goal",
            "taggeditem",
        }
    chile.refresh_from_db()
    assert chile.vision == "See.[^hacienda-2017] And again.[^hacienda-2017]"

    # The public page reads as before, its note now leading to the new address.
    public_after = Client().get(mexico.get_absolute_url()).content.decode()
    assert "/citations/hacienda-2017/" in public_after
    assert f"/citations/{HACIENDA}/" in public_before
    assert f"/citations/{HACIENDA}/" not in public_after
    assert Client().get("/citations/hacienda-2017/").status_code == HTTPStatus.OK

    # The country's history restores its revision before the rename: the
    # marker goes back to the old key, which names no citation now, so the
    # restored form says so instead of saving a broken marker.
    history = parse(
        superuser_client.get(reverse("admin:strategy_country_history", args=[mexico.pk]))
    )
    assert "renamed to “hacienda-2017”" in history.select_one("#change-history").get_text()
    earlier = Version.objects.get_for_object(mexico)[1]
    revision_url = reverse("admin:strategy_country_revision", args=[mexico.pk, earlier.pk])
    response = superuser_client.post(
        revision_url, form_data(superuser_client.get(revision_url), "country_form")
    )
    assert response.status_code == HTTPStatus.OK
    assert f"Footnote marker [^{HACIENDA}] names no citation" in error_text(response)
    mexico.refresh_from_db()
    assert "[^hacienda-2017]" in mexico.goals.get(position=1).description


def test_restoring_a_citation_s_old_key_rewrites_the_markers_back(mexico, superuser_client):
    from reversion.models import Version

    citation = Citation.objects.get(key=HACIENDA)
    # The fixture's citation has a revision of its own to go back to.
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    data = form_data(superuser_client.get(url), "citation_form")
    data["publisher"] = "SHCP"
    assert superuser_client.post(url, data).status_code == HTTPStatus.FOUND
    rename_key(superuser_client, citation, "hacienda-2017")
    old = Version.objects.get_for_object(citation).order_by("pk")[0]
    assert old.field_dict["key"] == HACIENDA
    revision_url = reverse("admin:citations_citation_revision", args=[citation.pk, old.pk])
    data = form_data(superuser_client.get(revision_url), "citation_form")
    response = superuser_client.post(revision_url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    citation.refresh_from_db()
    assert citation.key == HACIENDA
    goal = mexico.goals.get(position=1)
    assert f"[^{HACIENDA}]" in goal.description
    assert "[^hacienda-2017]" not in goal.description


def test_someone_who_may_not_change_countries_cannot_rename_a_cited_key(mexico, client):
    from django.contrib.auth.models import Permission

    user = make_user("citer")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_citation", "change_citation"])
    )
    client.force_login(user)
    citation = Citation.objects.get(key=HACIENDA)
    response = rename_key(client, citation, "hacienda-2017")
    assert "renaming it rewrites their text, which you may not change" in error_text(response)
    citation.refresh_from_db()
    assert citation.key == HACIENDA
    assert f"[^{HACIENDA}]" in mexico.goals.get(position=1).description


def test_a_rename_that_would_make_a_text_too_long_is_refused(mexico, superuser_client):
    citation = Citation.objects.get(key=HACIENDA)
    marker = f"[^{HACIENDA}]"
    long = CountryFactory(name="Longland", vision="x" * (10_000 - len(marker)) + marker)
    long.sync_citations()
    response = rename_key(superuser_client, citation, HACIENDA + "-renamed")
    assert "the vision of Longland would be longer than 10,000 characters" in error_text(response)
    citation.refresh_from_db()
    assert citation.key == HACIENDA
    long.refresh_from_db()
    assert long.vision.endswith(marker)


def test_renaming_to_a_key_another_citation_has_is_refused(mexico, superuser_client):
    citation = Citation.objects.get(key=HACIENDA)
    response = rename_key(superuser_client, citation, "british-embassy-mexico-city-2018")
    assert "already exists" in error_text(response)
    assert f"[^{HACIENDA}]" in mexico.goals.get(position=1).description


# Slug changes


def rename(client, country, slug):
    url = reverse("admin:strategy_country_change", args=[country.pk])
    data = form_data(client.get(url), "country_form")
    data["slug"] = slug
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    publish_draft(client, country)  # the working draft, with the new slug, goes live


def test_old_slugs_redirect_permanently_to_the_current_one(mexico, superuser_client):
    rename(superuser_client, mexico, "estados-unidos-mexicanos")
    rename(superuser_client, mexico, "mexico-federal")  # a chain: mexico → … → mexico-federal
    public = Client()
    for old in ("mexico", "estados-unidos-mexicanos"):
        response = public.get(f"/countries/{old}/")
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "/countries/mexico-federal/"
    assert public.get("/countries/mexico-federal/").status_code == HTTPStatus.OK
    page = parse(superuser_client.get(reverse("admin:strategy_country_change", args=[mexico.pk])))
    old_addresses = page.select_one(".field-old_addresses .readonly").get_text()
    assert old_addresses == "/countries/estados-unidos-mexicanos/, /countries/mexico/"


def test_going_back_to_an_old_slug_serves_it_again(mexico, superuser_client):
    rename(superuser_client, mexico, "mexico-federal")
    rename(superuser_client, mexico, "mexico")
    public = Client()
    assert public.get("/countries/mexico/").status_code == HTTPStatus.OK
    response = public.get("/countries/mexico-federal/")
    assert response["Location"] == "/countries/mexico/"


def test_an_old_slug_never_shadows_a_live_country(mexico, superuser_client):
    rename(superuser_client, mexico, "mexico-federal")
    data = form_data(superuser_client.get(reverse("admin:strategy_country_add")), "country_form")
    data.update(
        name="New Mexico",
        slug="mexico",
        vision="Another place.",
        status="published",
        region="north-america",
    )
    response = superuser_client.post(reverse("admin:strategy_country_add"), data)
    assert response.status_code == HTTPStatus.FOUND, error_text(response)
    page = parse(Client().get("/countries/mexico/"))
    assert page.h1.get_text() == "New Mexico"


def test_old_slug_of_a_draft_is_not_found(mexico, superuser_client):
    rename(superuser_client, mexico, "mexico-federal")
    Country.objects.filter(pk=mexico.pk).update(status="draft")
    assert Client().get("/countries/mexico/").status_code == HTTPStatus.NOT_FOUND


def test_restoring_a_key_another_citation_took_says_so(db, superuser_client):
    from reversion.models import Version

    citation = CitationFactory(key="hall-2017")
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    data = form_data(superuser_client.get(url), "citation_form")
    data["publisher"] = "Someone"
    assert superuser_client.post(url, data).status_code == HTTPStatus.FOUND
    rename_key(superuser_client, citation, "hall-2017-b")
    CitationFactory(key="hall-2017", title="Another source")
    old = Version.objects.get_for_object(citation).order_by("pk")[0]
    revision_url = reverse("admin:citations_citation_revision", args=[citation.pk, old.pk])
    response = superuser_client.get(revision_url, follow=True)
    assert "its key “hall-2017” now belongs to another citation" in message_text(response)
    citation.refresh_from_db()
    assert citation.key == "hall-2017-b"
