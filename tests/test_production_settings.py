"""
Production settings: secure by default with only the three required variables
set, each default overridable from the environment, and Django's deployment
checklist (`check --deploy`) clean.
"""

import json
import multiprocessing
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
REQUIRED = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "atlas.example.org",
}
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_TRUSTED_ORIGINS",
    "AXES_FAILURE_LIMIT",
    "AXES_LOCKOUT_PARAMETERS",
]


def clean_environment(**env):
    """This process's environment without the project's variables, plus ``env``."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "WEB_CONCURRENCY"))
    }
    return {**kept, **env}


def settings_with(**env):
    """The settings as a fresh interpreter sees them with ``env`` set."""
    code = (
        "import json; from config import settings as s; print(json.dumps({"
        + ", ".join(f"{name!r}: s.{name}" for name in NAMES)
        + ", 'COOLOFF': s.AXES_COOLOFF_TIME.total_seconds(),"
        " 'DATABASE_OPTIONS': s.DATABASES['default'].get('OPTIONS', {})}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_secure_defaults_with_only_the_required_variables():
    values = settings_with(**REQUIRED)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for cookie in ["SESSION", "CSRF"]:
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert values[f"{cookie}_COOKIE_SAMESITE"] == "Lax"
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_LOCKOUT_PARAMETERS"] == ["username"]
    assert values["COOLOFF"] == 15 * 60


def test_each_default_can_be_changed_from_the_environment():
    values = settings_with(
        **REQUIRED,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_SECURE_HSTS_SECONDS="63072000",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://atlas.example.org, https://www.atlas.example.org",
        DJANGO_LOGIN_COOLOFF_MINUTES="30",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 63072000
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://atlas.example.org",
        "https://www.atlas.example.org",
    ]
    assert values["COOLOFF"] == 30 * 60
    header = settings_with(**REQUIRED, DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Ssl=on")
    assert header["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL", "on"]


def test_debug_mode_is_plain_http():
    values = settings_with(DJANGO_DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False


def test_postgresql_connections_give_up_after_a_timeout():
    url = "postgres://atlas@db.internal:5432/atlas"
    values = settings_with(**REQUIRED, DATABASE_URL=url)
    assert values["DATABASE_OPTIONS"] == {
        "connect_timeout": 5,
        # A kept connection whose packets go unanswered fails after 5 s, idle
        # ones are probed, and no statement runs for more than 25 s.
        "tcp_user_timeout": 5000,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "options": "-c statement_timeout=25000",
    }
    values = settings_with(**REQUIRED, DATABASE_URL=url, DJANGO_DB_CONNECT_TIMEOUT="2")
    assert values["DATABASE_OPTIONS"]["connect_timeout"] == 2
    values = settings_with(**REQUIRED, DATABASE_URL=url + "?connect_timeout=9")
    assert values["DATABASE_OPTIONS"]["connect_timeout"] == 9
    values = settings_with(
        **REQUIRED,
        DATABASE_URL=url,
        DJANGO_DB_NETWORK_TIMEOUT="3",
        DJANGO_DB_STATEMENT_TIMEOUT="0",
    )
    assert values["DATABASE_OPTIONS"]["tcp_user_timeout"] == 3000
    assert "options" not in values["DATABASE_OPTIONS"]


def test_sqlite_transactions_start_as_writers():
    values = settings_with(**REQUIRED)
    assert values["DATABASE_OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


def test_a_number_that_is_not_one_is_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=PROJECT,
        env=clean_environment(**REQUIRED, DJANGO_LOGIN_COOLOFF_MINUTES="fifteen"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert (
        "DJANGO_LOGIN_COOLOFF_MINUTES must be a whole number of 0 or more, not 'fifteen'"
        in result.stderr
    )


BAD_VALUES = [
    ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be 1 or 0"),
    ("DJANGO_SECURE_SSL_REDIRECT", "sometimes", "DJANGO_SECURE_SSL_REDIRECT must be 1 or 0"),
    ("DJANGO_CONN_MAX_AGE", "a minute", "DJANGO_CONN_MAX_AGE must be a whole number"),
    ("DJANGO_PAGE_CACHE_SECONDS", "-5", "DJANGO_PAGE_CACHE_SECONDS must be a whole number"),
    ("DJANGO_CACHE_TIMEOUT", "fast", "DJANGO_CACHE_TIMEOUT must be a number"),
    ("DJANGO_SQLITE_TIMEOUT", "nan", "DJANGO_SQLITE_TIMEOUT must be a number"),
    ("DJANGO_SQLITE_TIMEOUT", "inf", "DJANGO_SQLITE_TIMEOUT must be a number"),
    ("REDIS_URL", "nonsense", "REDIS_URL must be a URL starting redis://"),
    ("DJANGO_LOCAL_CACHE_MB", "1.5", "DJANGO_LOCAL_CACHE_MB must be a whole number"),
    ("DJANGO_DB_STATEMENT_TIMEOUT", "25s", "DJANGO_DB_STATEMENT_TIMEOUT must be a whole number"),
    ("DJANGO_LOG_LEVEL", "LOUD", "DJANGO_LOG_LEVEL must be one of DEBUG, INFO"),
    (
        "DJANGO_SECURE_PROXY_SSL_HEADER",
        "X Forwarded Proto",
        "DJANGO_SECURE_PROXY_SSL_HEADER must be",
    ),
    ("DATABASE_URL", "mongodb://nowhere/db", "DATABASE_URL cannot be read"),
]


@pytest.mark.parametrize("name, value, message", BAD_VALUES)
def test_every_bad_value_is_a_clear_error_naming_its_variable(name, value, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=clean_environment(**{**REQUIRED, name: value}),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stderr.count("\n") < 40, "a message, not a long traceback"


@pytest.mark.parametrize(
    "name, value",
    [("WEB_CONCURRENCY", "lots"), ("GUNICORN_THREADS", "-1"), ("GUNICORN_TIMEOUT", "x")],
)
def test_gunicorn_settings_say_which_variable_is_bad(name, value):
    result = subprocess.run(
        [sys.executable, "-c", "import config.gunicorn"],
        cwd=PROJECT,
        env=clean_environment(**{**REQUIRED, name: value}),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"{name} must be a whole number" in result.stderr


def test_the_deployment_checklist_is_clean_with_only_the_required_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=clean_environment(**REQUIRED),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    config = PROJECT / "config" / "gunicorn.py"
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.setenv("PORT", "9000")
    values = runpy.run_path(str(config))
    assert values["workers"] == 7
    assert values["bind"] == "0.0.0.0:9000"
    assert values["timeout"] == 30
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(config))["workers"] == 2 * multiprocessing.cpu_count() + 1
