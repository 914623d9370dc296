"""
A revision page restores only its own object.

django-reversion's revision and recover views find a Version by its id (and
the object id in the address), not by its model, and revert the version's
whole revision before showing the form. These tests put the ids of other
models' and other objects' versions into every history address of every
admin, as an Editor and as a Country manager_user, and check that nothing in
the database changes: no country is published, unpublished or brought back,
no goal is moved or parked.
"""

from http import HTTPStatus

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from citations.models import Citation
from strategy import publishing
from strategy.models import Country, Goal

from .admin_forms import form_data, logged_in, make_user, message_text, parse
from .factories import CitationFactory, CountryFactory, GoalFactory

pytestmark = pytest.mark.django_db

ROLES = ["Editors", "Country managers"]
ATLANTIS = 10**7 + 1  # Atlantis's pk, which a citation has too
SHARED = 10**7 + 2  # the pk of a goal of Atlantis and of another country


def world():
    """Everything an attack through a history page could change."""
    return {
        "countries": [
            (
                country.pk,
                country.name,
                country.status,
                country.published_at,
                [(goal.pk, goal.position, goal.title) for goal in country.goals.order_by("pk")],
            )
            for country in Country.objects.order_by("pk")
        ],
        "citations": list(Citation.objects.order_by("pk").values_list("pk", "key", "title")),
    }


@pytest.fixture
def atlantis(mexico, manager_user):
    """
    A draft that was published once (so its history holds a "Published."
    revision), with a goal whose pk is also the pk of another country
    (Freedonia), and a citation whose pk is Atlantis's own.
    """
    # Explicit primary keys far above any the sequences hand out in a test run.
    country = CountryFactory(
        pk=ATLANTIS,
        name="Atlantis",
        slug="atlantis",
        status=Country.Status.DRAFT,
        region=Country.Region.EUROPE_CENTRAL_ASIA,  # ready to publish
    )
    freedonia = CountryFactory(pk=SHARED, name="Freedonia", slug="freedonia")
    GoalFactory(pk=SHARED, country=country, position=1, title="Sink slowly", tags=["water"])
    GoalFactory(country=freedonia, position=1, title="Freedonia's own goal")
    publishing.publish(country, user=manager_user)
    publishing.unpublish(country, user=manager_user)
    if not Citation.objects.filter(pk=country.pk).exists():
        CitationFactory(pk=country.pk)
    return country


def published_revision(country):
    """Versions of ``country``'s "Published." revision: (the country's, its goal's)."""
    version = (
        Version.objects.get_for_object(country)
        .filter(revision__comment="Published.")
        .select_related("revision")
        .get()
    )
    goal_version = version.revision.version_set.get_for_model(Goal).get()
    return version, goal_version


def attempt(client, url):
    """Open a history address and submit the form it shows (or nothing), as an editor would."""
    shown = client.get(url)
    data = {}
    if shown.status_code == HTTPStatus.OK:
        form = next(f for f in parse(shown).find_all("form") if f.get("id", "").endswith("_form"))
        data = form_data(shown, form["id"])
    return shown, client.post(url, data)


@pytest.mark.parametrize("role", ROLES)
def test_a_citation_history_page_will_not_publish_a_country(atlantis, role):
    version, _ = published_revision(atlantis)
    client = logged_in(make_user("someone", group=role))
    before = world()
    url = reverse("admin:citations_citation_revision", args=[atlantis.pk, version.pk])
    shown, posted = attempt(client, url)
    assert shown.status_code == HTTPStatus.NOT_FOUND
    assert posted.status_code == HTTPStatus.NOT_FOUND
    assert world() == before
    assert Country.objects.get(pk=atlantis.pk).status == Country.Status.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_a_country_history_page_will_not_take_a_goal_version(atlantis, role):
    _, goal_version = published_revision(atlantis)
    assert goal_version.object_id == str(SHARED)  # Freedonia's pk too
    client = logged_in(make_user("someone", group=role))
    before = world()
    url = reverse("admin:strategy_country_revision", args=[SHARED, goal_version.pk])
    shown, posted = attempt(client, url)
    assert shown.status_code == HTTPStatus.NOT_FOUND
    assert posted.status_code == HTTPStatus.NOT_FOUND
    # Atlantis stays a draft, and Freedonia's goals are not parked at 100001+.
    assert world() == before


@pytest.mark.parametrize("role", ROLES)
def test_a_deleted_country_does_not_come_back_through_a_citation_history(
    atlantis, manager_user, role
):
    version, _ = published_revision(atlantis)
    logged_in(manager_user).post(
        reverse("admin:strategy_country_delete", args=[atlantis.pk]), {"post": "yes"}
    )
    assert not Country.objects.filter(pk=atlantis.pk).exists()
    before = world()
    client = logged_in(make_user("someone", group=role))
    url = reverse("admin:citations_citation_revision", args=[atlantis.pk, version.pk])
    shown, posted = attempt(client, url)
    assert shown.status_code == HTTPStatus.NOT_FOUND
    assert posted.status_code == HTTPStatus.NOT_FOUND
    assert world() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["citations_citation", "strategy_country"])
def test_a_recover_page_takes_only_deleted_objects_of_its_own_model(atlantis, role, model):
    """Recovering is for deleted objects of the page's own model: live ones are refused."""
    version, goal_version = published_revision(atlantis)
    client = logged_in(make_user("someone", group=role))
    before = world()
    for some_version in (version, goal_version):
        url = reverse(f"admin:{model}_recover", args=[some_version.pk])
        shown, posted = attempt(client, url)
        assert shown.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN)
        assert posted.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN)
    assert world() == before


@pytest.mark.parametrize("role", ROLES)
def test_a_deleted_citation_cannot_be_recovered_from_the_country_admin(atlantis, role):
    citation = CitationFactory(key="gone-2020")
    with reversion.create_revision():
        reversion.add_to_revision(citation)
    citation.delete()
    version = Version.objects.get_deleted(Citation).get()
    client = logged_in(make_user("someone", group=role))
    before = world()
    url = reverse("admin:strategy_country_recover", args=[version.pk])
    shown, posted = attempt(client, url)
    assert HTTPStatus.OK not in (shown.status_code, posted.status_code)
    assert world() == before


@pytest.mark.parametrize("role", ROLES)
def test_goals_have_no_revision_pages(atlantis, role):
    version, goal_version = published_revision(atlantis)
    client = logged_in(make_user("someone", group=role))
    before = world()
    for some_version in (version, goal_version):
        url = f"/admin/strategy/goal/{SHARED}/history/{some_version.pk}/"
        client.get(url, follow=True)
        client.post(url, {}, follow=True)
    assert world() == before


@pytest.mark.parametrize("role", ROLES)
def test_a_revision_that_holds_another_country_is_refused(atlantis, role):
    """
    A revision holding two countries (as bulk actions once made) restores
    neither from one country's page: it would change the other behind its back.
    """
    mexico = Country.objects.get(slug="mexico")
    with reversion.create_revision():
        reversion.add_to_revision(mexico)
        reversion.add_to_revision(Country.objects.get(pk=SHARED))
    version = Version.objects.get_for_object(mexico).first()
    publishing.unpublish(mexico)
    client = logged_in(make_user("someone", group=role))
    before = world()
    url = reverse("admin:strategy_country_revision", args=[mexico.pk, version.pk])
    for response in (client.get(url, follow=True), client.post(url, {}, follow=True)):
        assert "also holds Freedonia" in message_text(response)
    assert world() == before


def test_a_revision_whose_goal_now_belongs_to_another_country_is_refused(atlantis):
    """Restoring it would take the goal away from the country it belongs to now."""
    client = logged_in(make_user("ana", group="Editors"))
    version, _ = published_revision(atlantis)
    goal = Goal.objects.get(pk=SHARED)
    freedonia = Country.objects.get(pk=SHARED)
    goal.country, goal.position = freedonia, 2
    goal.save()
    before = world()
    url = reverse("admin:strategy_country_revision", args=[atlantis.pk, version.pk])
    response = client.get(url, follow=True)
    assert "now part of Freedonia" in message_text(response)
    client.post(url, {}, follow=True)
    assert world() == before


@pytest.mark.parametrize("role", ROLES)
def test_own_revisions_still_restore(atlantis, role):
    """The guard refuses foreign versions only: a country's own revision restores as before."""
    version, _ = published_revision(atlantis)
    atlantis.refresh_from_db()
    atlantis.vision = "Changed since."
    atlantis.save()
    client = logged_in(make_user("someone", group=role))
    url = reverse("admin:strategy_country_revision", args=[atlantis.pk, version.pk])
    shown, posted = attempt(client, url)
    assert shown.status_code == HTTPStatus.OK
    assert posted.status_code == HTTPStatus.FOUND
    atlantis.refresh_from_db()
    assert atlantis.vision == "To lead in trustworthy AI."
    assert atlantis.status == Country.Status.DRAFT  # a restore never publishes
