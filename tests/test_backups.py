"""
Backups: `make backup` / `make restore` (the backup_db and restore_db
commands). A backup restored into an empty database gives back every table,
row for row; dumpdata, flush, loaddata, dumpdata gives the same data.
"""

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection

from citations.models import Citation
from operations.backups import POSTGRESQL_HEADER, SQLITE_HEADER
from strategy.models import Country

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content(transactional_db, admin_user):
    """Mexico, a draft, editors with history, a failed login: a bit of every table."""
    call_command("loaddata", "mexico", verbosity=0)
    admin_user.groups.add(Group.objects.get(name="Editors"))
    country = Country.objects.create(name="Atlantis", slug="atlantis", vision="Hidden “plans”.")
    country.goals.create(position=1, title="Ünïcode", description="x").tags.add("Santé")
    LogEntry.objects.log_actions(admin_user.pk, Country.objects.all(), ADDITION)
    AccessAttempt.objects.create(
        username="editor", ip_address="203.0.113.7", user_agent="Firefox", failures_since_start=2
    )


def manage(*args, database_url):
    """Run manage.py in a fresh process against ``database_url``, as `make` does."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(DJANGO_SECRET_KEY="backup-test-key", DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )


def table_contents(cursor, tables):
    """{table: sorted rows} for ``tables``, read through a DB-API cursor."""
    contents = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 -- names from introspection
        contents[table] = sorted((tuple(map(_json, row)) for row in cursor.fetchall()), key=repr)
    return contents


def _json(value):
    """
    A JSON column's value as Python data, however the cursor hands it over
    (Django's PostgreSQL connection gives jsonb as text, a plain psycopg2
    one decodes it).
    """
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def own_tables():
    return connection.introspection.table_names(include_views=False)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup")
def test_sqlite_backup_restores_into_an_empty_database(content, tmp_path):
    backup = tmp_path / "atlas.sqlite3"
    out = io.StringIO()
    call_command("backup_db", output=backup, stdout=out)
    assert out.getvalue().strip() == str(backup)
    assert backup.read_bytes().startswith(SQLITE_HEADER)
    assert not list(tmp_path.glob("*.partial"))

    restored = tmp_path / "restored.sqlite3"
    result = manage("restore_db", str(backup), "--no-input", database_url=f"sqlite:///{restored}")
    assert result.returncode == 0, result.stderr

    tables = own_tables()
    with connection.cursor() as cursor:
        original = table_contents(cursor, tables)
    # Read the copy as Django reads the original (dates as datetimes).
    with sqlite3.connect(restored, detect_types=sqlite3.PARSE_DECLTYPES) as database:
        copy = table_contents(database.cursor(), tables)
    assert {table: len(rows) for table, rows in copy.items()} == {
        table: len(rows) for table, rows in original.items()
    }
    assert copy == original
    assert len(original["strategy_country"]) == 2 and len(original["strategy_goal"]) > 2

    # Restoring over changed data brings back the backup exactly.
    with sqlite3.connect(restored) as database:
        database.execute("DELETE FROM strategy_goal")
        database.execute("UPDATE strategy_country SET name = 'Changed' WHERE slug = 'mexico'")
    result = manage("restore_db", str(backup), "--no-input", database_url=f"sqlite:///{restored}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(restored, detect_types=sqlite3.PARSE_DECLTYPES) as database:
        assert table_contents(database.cursor(), tables) == original


@pytest.mark.postgres
def test_postgresql_backup_restores_into_an_empty_database(content, tmp_path):
    backup = tmp_path / "atlas.dump"
    call_command("backup_db", output=backup, stdout=io.StringIO())
    assert backup.read_bytes().startswith(POSTGRESQL_HEADER)

    settings = connection.settings_dict
    target = f"{settings['NAME']}_restore"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        url = (
            f"postgres://{server['user']}:{server['password'] or ''}"
            f"@{server['host']}:{server['port']}/{target}"
        )
        result = manage("restore_db", str(backup), "--no-input", database_url=url)
        assert result.returncode == 0, result.stderr

        tables = own_tables()
        with connection.cursor() as cursor:
            original = table_contents(cursor, tables)
        restored = psycopg2.connect(dbname=target, **server)
        try:
            with restored.cursor() as cursor:
                copy = table_contents(cursor, tables)
                # Sequences carry on after the restored rows.
                cursor.execute(
                    "SELECT (SELECT max(id) FROM strategy_country) + 1"
                    " = nextval('strategy_country_id_seq')"
                )
                assert cursor.fetchone() == (True,)
        finally:
            restored.close()
        assert copy == original
        assert len(original["strategy_country"]) == 2
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()


def test_a_backup_of_the_other_kind_is_refused(db, tmp_path):
    other = tmp_path / "other"
    other.write_bytes(POSTGRESQL_HEADER if connection.vendor == "sqlite" else SQLITE_HEADER)
    with pytest.raises(CommandError, match="backup, but the database is"):
        call_command("restore_db", other, "--no-input")
    junk = tmp_path / "junk.txt"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="neither a PostgreSQL dump nor an SQLite database"):
        call_command("restore_db", junk, "--no-input")
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore_db", tmp_path / "missing.dump", "--no-input")


def test_restore_asks_before_replacing_anything(mexico, tmp_path, monkeypatch):
    backup = tmp_path / "backup"
    backup.write_bytes(b"irrelevant: never read")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match=r"Restore cancelled; nothing changed\."):
        call_command("restore_db", backup)
    assert Country.objects.filter(slug="mexico").exists()


def dump():
    """
    Everything, as the README's portable export writes it. Content types,
    permissions and the editorial groups are made by migrate (and remade by
    flush), so they are left out and referred to by natural key (a user's
    groups by name). Primary keys are kept: django-taggit's natural key for a
    tagged item, the object id alone, is not unique, so --natural-primary
    would merge tagged items.
    """
    out = io.StringIO()
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=auth.group",
        "--exclude=search",
        "--indent=1",
        stdout=out,
    )
    return out.getvalue()


def test_dumpdata_flush_loaddata_gives_the_same_data(content, tmp_path):
    before = dump()
    assert '"model": "strategy.country"' in before and "Santé" in before
    assert '"Editors"' in before  # the admin's membership, by group name
    call_command("flush", "--no-input", verbosity=0)
    assert not Citation.objects.exists()
    fixture = tmp_path / "everything.json"
    fixture.write_text(before, encoding="utf-8")
    call_command("loaddata", fixture, verbosity=0)
    after = json.loads(dump())

    def content(rows):
        return [row for row in rows if not row["model"].startswith("pagecache.")]

    assert content(after) == content(json.loads(before))
    # The page cache's version stamps are not put back: loading is a change, made now.
    stamps = {(row["model"], row["pk"]): row["fields"] for row in json.loads(before)}
    loaded = [row for row in after if row["model"].startswith("pagecache.")]
    assert loaded and all(
        row["fields"]["changed_at"] > stamps[(row["model"], row["pk"])]["changed_at"]
        for row in loaded
    )
