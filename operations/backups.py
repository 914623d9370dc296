"""
Backups of the whole database, in the database's own format:

* PostgreSQL: ``pg_dump --format=custom``, restored with ``pg_restore`` (the
  client programs must be installed and match the server's major version);
* SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), which
  copies a consistent snapshot while the site keeps running. Never a copy of
  the file: a copy taken during a write can be corrupt.

A backup is written to a temporary file and renamed into place when complete,
so a failed backup never leaves a half-written file behind.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRESQL_HEADER = b"PGDMP"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backup_database(destination, using="default"):
    """Write a backup of the database ``using`` to ``destination``."""
    connection = connections[using]
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    try:
        if connection.vendor == "postgresql":
            _run(
                ["pg_dump", "--format=custom", f"--file={partial}", *_pg_arguments(connection)],
                connection,
            )
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def restore_database(source, using="default"):
    """
    Replace the content of the database ``using`` with the backup ``source``.
    The database may be empty (nothing migrated) or hold data: either way it
    ends up as the backup was.
    """
    connection = connections[using]
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such file.")
    with source.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header.startswith(POSTGRESQL_HEADER):
        kind = "postgresql"
    elif header == SQLITE_HEADER:
        kind = "sqlite"
    else:
        raise BackupError(f"{source} is neither a PostgreSQL dump nor an SQLite database.")
    if kind != connection.vendor:
        raise BackupError(
            f"{source} is a {kind} backup, but the database is {connection.vendor}. "
            "To move data between the two, use dumpdata and loaddata (see README)."
        )

    if kind == "postgresql":
        connection.close()
        _run(
            [
                *("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"),
                *("--single-transaction", "--exit-on-error"),
                *_pg_arguments(connection, flag="--dbname"),
                str(source),
            ],
            connection,
        )
    else:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            problems = backup.execute("PRAGMA integrity_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"{source} is damaged: {problems[0][0]}")
            connection.ensure_connection()
            backup.backup(connection.connection)
        finally:
            backup.close()


def default_filename(using="default", timestamp=None):
    """backups/atlas-<database>-<UTC time>.<dump|sqlite3>"""
    from django.utils import timezone

    connection = connections[using]
    timestamp = (timestamp or timezone.now()).strftime("%Y%m%d-%H%M%S")
    name = Path(str(connection.settings_dict["NAME"])).stem
    return Path("backups") / f"atlas-{name}-{timestamp}{SUFFIXES.get(connection.vendor, '')}"


def _pg_arguments(connection, flag="--dbname"):
    settings = connection.settings_dict
    arguments = [f"{flag}={settings['NAME']}"]
    if settings.get("HOST"):
        arguments.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        arguments.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        arguments.append(f"--username={settings['USER']}")
    return arguments


def _run(command, connection):
    settings = connection.settings_dict
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    if sslmode := settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    try:
        # The program is fixed (pg_dump or pg_restore); its arguments come from settings.
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed. Install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client) matching the server's version."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
