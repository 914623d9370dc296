"""Settings come from the environment, with secure defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent


def settings_from(env):
    """Import the settings in a fresh interpreter with exactly ``env`` set."""
    code = (
        "import json; from config import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, "
        "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME'])}))"
    )
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = settings_from({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_exactly_enabled():
    import json

    assert json.loads(settings_from({"DJANGO_SECRET_KEY": "k"}).stdout)["debug"] is False
    assert (
        json.loads(settings_from({"DJANGO_SECRET_KEY": "k", "DJANGO_DEBUG": "0"}).stdout)["debug"]
        is False
    )
    assert json.loads(settings_from({"DJANGO_DEBUG": "1"}).stdout)["debug"] is True


def test_hosts_and_database_from_the_environment():
    import json

    values = json.loads(
        settings_from(
            {
                "DJANGO_SECRET_KEY": "k",
                "DJANGO_ALLOWED_HOSTS": "atlas.example.org, www.atlas.example.org",
                "DATABASE_URL": "postgres://atlas@db.internal:5432/atlas",
            }
        ).stdout
    )
    assert values["hosts"] == ["atlas.example.org", "www.atlas.example.org"]
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "atlas"

    values = json.loads(settings_from({"DJANGO_SECRET_KEY": "k"}).stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(PROJECT / "db.sqlite3")


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suite_really_runs_on_postgresql():
    """Under DATABASE_URL=postgres://..., the tests use PostgreSQL, not a fallback."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
