"""
Login throttling (django-axes) on the admin login, and its redirects.

Five failed logins for a username lock that username for the cool-off, from
any address and browser; the lockout page says what happened and when to try
again; a correct login after the cool-off works. The login never redirects
to another site.
"""

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlencode, urlsplit

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from .helpers import parse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Dozens of logins: a fast hasher keeps this quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login_user(django_user_model):
    return django_user_model.objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(client, username, password, address="203.0.113.7", browser="Firefox", next_url=None):
    """POST the admin login form as a browser at ``address`` would."""
    url = "/admin/login/"
    data = {"username": username, "password": password}
    if next_url is not None:
        url += "?" + urlencode({"next": next_url})
        data["next"] = next_url
    return client.post(url, data, REMOTE_ADDR=address, headers={"user-agent": browser})


def logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, times, **kwargs):
    return [log_in(client, "editor", "wrong password", **kwargs) for _ in range(times)]


def move_attempts_back(delta):
    """As if the failed attempts had happened ``delta`` earlier."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])


def test_four_failures_leave_the_login_form(client, login_user):
    for response in fail(client, 4):
        assert response.status_code == HTTPStatus.OK
        assert "Please enter the correct username and password" in parse(response).get_text()
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert logged_in(client)


def test_the_fifth_failure_locks_and_says_when_to_try_again(client, login_user):
    fail(client, 4)
    before = timezone.now()
    response = log_in(client, "editor", "wrong password")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Retry-After"] == str(15 * 60)
    page = parse(response)
    text = " ".join(page.get_text().split())
    assert "5 failed attempts to log in as “editor”" in text
    assert "paused for 15 minutes" in text
    retry_at = timezone.datetime.fromisoformat(page.find("time")["datetime"])
    assert before + timedelta(minutes=15) <= retry_at <= timezone.now() + timedelta(minutes=15)
    assert retry_at.strftime("%H:%M UTC") in text
    assert page.find("a", string="Back to the login page")["href"] == "/admin/login/"


def test_a_locked_username_stays_locked_from_any_address_and_browser(client, login_user):
    for number in range(5):
        fail(client, 1, address=f"198.51.100.{number}", browser=f"Browser {number}")
    response = log_in(client, "editor", PASSWORD, address="192.0.2.99", browser="Another")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not logged_in(client)


def test_other_usernames_are_not_locked(client, login_user, django_user_model):
    django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    fail(client, 5)
    assert log_in(client, "other", PASSWORD).status_code == HTTPStatus.FOUND
    assert logged_in(client)


def test_a_correct_login_after_the_cool_off_works(client, login_user):
    fail(client, 5)
    move_attempts_back(timedelta(minutes=14, seconds=59))
    assert log_in(client, "editor", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not logged_in(client)

    move_attempts_back(timedelta(minutes=15, seconds=1))
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"
    assert logged_in(client)
    # A correct login wipes the count: the next mistake is the first again.
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_a_failure_during_the_lockout_restarts_the_wait(client, login_user):
    fail(client, 5)
    move_attempts_back(timedelta(minutes=10))
    assert fail(client, 1)[0].status_code == HTTPStatus.TOO_MANY_REQUESTS
    move_attempts_back(timedelta(minutes=10))
    assert log_in(client, "editor", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_the_cool_off_is_configurable(client, login_user, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    response = fail(client, 5)[-1]
    assert response["Retry-After"] == str(30 * 60)
    assert "paused for 30 minutes" in " ".join(parse(response).get_text().split())
    move_attempts_back(timedelta(minutes=20))
    assert log_in(client, "editor", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    response = log_in(client, "editor", "wrong password")
    assert "paused for 1 minute." in " ".join(parse(response).get_text().split())


OFF_SITE = [
    "https://evil.example",
    "https://evil.example/admin/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    "/\t/evil.example",
    "https://testserver@evil.example",
    "https://testserver.evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " https://evil.example",
]


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_never_redirects_off_site(client, login_user, next_url):
    page = parse(client.get("/admin/login/?" + urlencode({"next": next_url})))
    assert page.find("form", id="login-form")["action"].startswith("/admin/login/")

    response = log_in(client, "editor", PASSWORD, next_url=next_url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"

    # Already logged in, the login page sends staff to the admin, not to "next".
    response = client.get("/admin/login/?" + urlencode({"next": next_url}))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"


def test_login_follows_a_local_next(client, login_user):
    response = log_in(client, "editor", PASSWORD, next_url="/admin/strategy/country/?q=mx")
    assert response["Location"] == "/admin/strategy/country/?q=mx"
    assert urlsplit(response["Location"]).netloc == ""
