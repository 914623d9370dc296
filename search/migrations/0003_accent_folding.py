"""
PostgreSQL: a text search configuration, ``atlas_english``, that is English
with accents folded (the ``unaccent`` extension, trusted since PostgreSQL 13,
so the database's owner may create it): "México" and "Mexico" are one word,
as SQLite's FTS5 table (``remove_diacritics``) has them. The search index
is written again with it.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_english",
    "CREATE TEXT SEARCH CONFIGURATION atlas_english (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION atlas_english "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)
    schema_editor.execute(
        "UPDATE search_document SET search_vector = "
        "setweight(to_tsvector('atlas_english', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('atlas_english', coalesce(context, '')), 'C') || "
        "setweight(to_tsvector('atlas_english', coalesce(body, '')), 'B')"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_english")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_gin_without_pending_list")]

    operations = [migrations.RunPython(forward, backward)]
