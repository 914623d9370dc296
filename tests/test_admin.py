"""The admin as an editor uses it: every page loads, and real forms save."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from citations.models import Citation
from strategy.models import Country, Goal

from .admin_forms import country_form, goal_rows
from .factories import CitationFactory, CountryFactory, GoalFactory
from .helpers import parse

# Mexico is edited here as a country never published, directly; a published
# country's changes go through its working draft (test_working_drafts.py).
pytestmark = [pytest.mark.django_db, pytest.mark.mexico_as_draft]


@pytest.mark.parametrize(
    "name", ["strategy_country", "strategy_goal", "citations_citation", "taggit_tag"]
)
def test_changelist_and_add_pages_load(admin_client, mexico, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == HTTPStatus.OK
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == HTTPStatus.OK


def test_change_pages_load(admin_client, mexico):
    goal = mexico.goals.first()
    citation = Citation.objects.get(key="british-embassy-mexico-city-2018")
    for url in [
        reverse("admin:strategy_country_change", args=[mexico.pk]),
        reverse("admin:strategy_goal_change", args=[goal.pk]),
        reverse("admin:citations_citation_change", args=[citation.pk]),
    ]:
        assert admin_client.get(url).status_code == HTTPStatus.OK


def test_country_change_form_shows_goals_inline_in_order(admin_client, mexico):
    page = parse(admin_client.get(reverse("admin:strategy_country_change", args=[mexico.pk])))
    titles = [page.find("input", attrs={"name": f"goals-{i}-title"})["value"] for i in range(3)]
    assert titles == [goal.title for goal in mexico.goals.order_by("position")]
    assert page.find("a", string="View on site") is not None


def test_searching_the_changelists(admin_client, mexico):
    page = parse(admin_client.get(reverse("admin:strategy_country_changelist"), {"q": "MX"}))
    assert page.select_one("#result_list").find("a", string="Mexico")
    page = parse(
        admin_client.get(reverse("admin:citations_citation_changelist"), {"q": "Hacienda"})
    )
    assert len(page.select("#result_list tbody tr")) == 1


def test_adding_a_country_with_two_goals_publishes_it(admin_client, db):
    source = CitationFactory(key="freedonia-plan-2024", title="Freedonia AI plan")
    response = admin_client.post(
        reverse("admin:strategy_country_add"),
        country_form(
            vision="Lead the region.[^freedonia-plan-2024]",
            goals=[
                {
                    "position": "1",
                    "title": "Skills",
                    "description": "Teach AI.",
                    "tags": "education, skills",
                },
                {
                    "position": "2",
                    "title": "Health",
                    "description": "Better care.[^freedonia-plan-2024]",
                    "tags": "health",
                },
            ],
        ),
    )
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")
    country = Country.objects.get(slug="freedonia")
    assert [(g.position, g.title) for g in country.goals.all()] == [(1, "Skills"), (2, "Health")]
    assert sorted(t.name for t in country.goals.get(position=1).tags.all()) == [
        "education",
        "skills",
    ]
    assert list(country.citations.all()) == [source]
    assert country.published_at is not None

    page = parse(admin_client.get("/countries/freedonia/"))
    assert [h3.get_text() for h3 in page.select("li.goal h3")] == ["Skills", "Health"]
    assert page.select_one("a.source-link")["href"] == source.url


def test_unknown_marker_is_refused_naming_the_marker(admin_client, mexico):
    goals = goal_rows(mexico)
    goals[1]["description"] += " New claim.[^made-up-source]"
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    response = admin_client.post(url, country_form(mexico, goals=goals))
    assert response.status_code == HTTPStatus.OK
    errors = " ".join(e.get_text() for e in parse(response).select(".errorlist"))
    assert "[^made-up-source]" in errors
    assert "made-up-source" not in Goal.objects.get(pk=goals[1]["id"]).description


def test_goals_can_swap_positions_in_one_save(admin_client, mexico):
    ordered = list(mexico.goals.order_by("position"))
    goals = goal_rows(mexico)
    goals[0]["position"], goals[1]["position"] = "2", "1"
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    response = admin_client.post(url, country_form(mexico, goals=goals))
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")
    assert [g.pk for g in mexico.goals.order_by("position")] == [
        ordered[1].pk,
        ordered[0].pk,
        ordered[2].pk,
    ]


def test_two_goals_with_one_position_are_refused(admin_client, mexico):
    goals = goal_rows(mexico)[:2]
    for goal in goals:
        goal["position"] = "1"
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    response = admin_client.post(
        url, country_form(mexico, goals=goals, **{"goals-INITIAL_FORMS": "2"})
    )
    assert response.status_code == HTTPStatus.OK
    assert "already has position 1" in parse(response).get_text()


def test_removing_a_marker_removes_the_citation_from_the_country(admin_client, mexico):
    goals = goal_rows(mexico)
    for goal in goals:
        goal["description"] = goal["description"].replace("[^secretaria-de-hacienda-2017]", "")
    url = reverse("admin:strategy_country_change", args=[mexico.pk])
    response = admin_client.post(url, country_form(mexico, goals=goals))
    assert response.status_code == HTTPStatus.FOUND
    assert [c.key for c in mexico.citations.all()] == ["british-embassy-mexico-city-2018"]


def test_editing_a_citation_changes_the_public_page(admin_client, mexico):
    citation = Citation.objects.get(key="secretaria-de-hacienda-2017")
    url = reverse("admin:citations_citation_change", args=[citation.pk])
    form = parse(admin_client.get(url)).find("form", id="citation_form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("name") and field.get("type") not in ("submit", "checkbox")
    }
    data.update(
        authors=citation.authors,
        medium="online",
        year="2017",
        url="https://example.org/moved.pdf",
    )
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")
    hrefs = [
        a["href"] for a in parse(admin_client.get("/countries/mexico/")).select("a.source-link")
    ]
    assert "https://example.org/moved.pdf" in hrefs


def test_goal_admin_saves_tags_and_syncs_citations(admin_client, mexico):
    CitationFactory(key="extra-2020")
    goal = mexico.goals.get(position=3)
    url = reverse("admin:strategy_goal_change", args=[goal.pk])
    response = admin_client.post(
        url,
        {
            "country": str(mexico.pk),
            "position": "3",
            "title": "Public services",
            "description": goal.description + " More.[^extra-2020]",
            "tags": "health, schools",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, parse(response).select(".errorlist")
    assert sorted(t.name for t in goal.tags.all()) == ["health", "schools"]
    assert "extra-2020" in {c.key for c in mexico.citations.all()}


def test_invalid_iso_code_is_refused(admin_client, db):
    response = admin_client.post(reverse("admin:strategy_country_add"), country_form(iso_code="XX"))
    assert response.status_code == HTTPStatus.OK
    assert "not an ISO 3166-1 alpha-2 country code" in parse(response).get_text()


def test_iso_code_is_unique_when_set_but_may_be_blank(admin_client, mexico):
    CountryFactory(iso_code="")
    response = admin_client.post(reverse("admin:strategy_country_add"), country_form(iso_code=""))
    assert response.status_code == HTTPStatus.FOUND
    response = admin_client.post(
        reverse("admin:strategy_country_add"),
        country_form(name="Other", slug="other", iso_code="MX"),
    )
    assert response.status_code == HTTPStatus.OK
    assert "Another country already has this ISO code." in parse(response).get_text()


def test_goal_position_is_unique_per_country_in_the_database(mexico):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(country=mexico, position=1, title="Dup", description="x")
    GoalFactory(position=1)  # the same position in another country is fine
