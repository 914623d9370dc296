"""Submitting admin forms as a browser does, and the editorial roles."""

from django.contrib.auth.models import Group, User
from django.test import Client

from .helpers import parse


def form_data(response, form_id):
    """
    What a browser would submit from the form ``form_id`` on ``response``:
    every named input, textarea and select with its current value, the
    inline management forms included; unchecked boxes and buttons left out.
    """
    return form_values(parse(response), form_id)


def form_values(page, form_id):
    """``form_data`` for a page already parsed (BeautifulSoup)."""
    form = page.find("form", id=form_id)
    assert form is not None, f"no form #{form_id} on the page"
    data = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            data.setdefault(name, []).append(element.get_text())
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = options[:1]
            data.setdefault(name, []).extend(o.get("value", o.get_text()) for o in chosen)
        else:
            kind = element.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"} and not element.has_attr("checked"):
                continue
            data.setdefault(name, []).append(
                element.get("value", "on" if kind == "checkbox" else "")
            )
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def inline_index(data, prefix, field, value):
    """The index of the inline form whose ``field`` is ``value``, e.g. a goal by title."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index in range(total):
        if data.get(f"{prefix}-{index}-{field}") == str(value):
            return index
    raise AssertionError(f"no {prefix} form with {field}={value!r}")


def error_text(response):
    """The text of every error the admin shows on a form page."""
    page = parse(response)
    return " ".join(e.get_text(" ", strip=True) for e in page.select(".errornote, .errorlist"))


def message_text(response):
    """The text of the admin's messages (success, warning, error) on a page."""
    return " ".join(
        li.get_text(" ", strip=True) for li in parse(response).select("ul.messagelist li")
    )


def make_user(username, *, group=None, superuser=False, staff=True, full_name=""):
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        username,
        password=None,  # signed in with force_login; no slow hashing
        is_staff=staff,
        is_superuser=superuser,
        first_name=first,
        last_name=last,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(user):
    """A fresh browser (its own cookies) signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def country_form(country=None, goals=(), **fields):
    """
    POST data for the country add or change form, goals inline, as a browser
    sends it: ``country``'s values (or a new "Freedonia"), ``goals`` as dicts of
    inline fields, then ``fields`` over everything.
    """
    data = {
        "name": "Freedonia",
        "slug": "freedonia",
        "iso_code": "",
        "region": "europe-central-asia",  # ready to publish
        "status": "published",
        "vision": "A vision.",
        "conclusion": "",
        "goals-TOTAL_FORMS": str(len(goals)),
        "goals-INITIAL_FORMS": str(sum(1 for goal in goals if goal.get("id"))),
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
    }
    if country is not None:
        data.update(
            name=country.name,
            slug=country.slug,
            iso_code=country.iso_code,
            region=country.region,
            status=country.status,
            vision=country.vision,
            conclusion=country.conclusion,
            # The version the change form was loaded from (see test_edit_conflicts).
            loaded_version=str(country.version),
        )
    for index, goal in enumerate(goals):
        for name, value in goal.items():
            data[f"goals-{index}-{name}"] = value
    data.update(fields)  # given fields win over everything above
    return data


def goal_rows(country):
    """The country's goals as its change form holds them, in order, to edit and post."""
    return [
        {
            "id": str(goal.pk),
            "country": str(country.pk),
            "position": str(goal.position),
            "title": goal.title,
            "description": goal.description,
            "tags": ", ".join(tag.name for tag in goal.tags.all()),
        }
        for goal in country.goals.order_by("position")
    ]


def publish_draft(client, country, **waive):
    """Publish ``country``'s working draft from its draft page, as a Country manager does."""
    from django.urls import reverse

    url = reverse("admin:strategy_country_draft", args=[country.pk])
    response = client.post(url, {"step": "publish", "comment": "", **waive})
    assert response.status_code == 302, error_text(response) or response.content[:2000]
    return response
