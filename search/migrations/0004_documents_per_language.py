"""
Search documents per language. Each document says its language (the ones
there are, English, keep "en"); PostgreSQL gains ``atlas_spanish``, Spanish
stemming with accents folded, as ``atlas_english`` is English's. The Spanish
documents are written by ``manage.py rebuild_search_index`` (README,
"Search").
"""

from django.db import migrations, models

FORWARD = [
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_spanish",
    "CREATE TEXT SEARCH CONFIGURATION atlas_spanish (COPY = spanish)",
    "ALTER TEXT SEARCH CONFIGURATION atlas_spanish "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem",
]


# SQLite adds the column by making the table again, which drops its triggers:
# they are made again (as migration 0001 made them), and the FTS5 copy of the
# text is written afresh from the documents.
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_au",
    """
    CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts (rowid, title, context, body)
        VALUES (new.id, new.title, new.context, new.body);
    END
    """,
    """
    CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        DELETE FROM search_document_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        UPDATE search_document_fts
        SET title = new.title, context = new.context, body = new.body
        WHERE rowid = old.id;
    END
    """,
    "DELETE FROM search_document_fts",
    "INSERT INTO search_document_fts (rowid, title, context, body) "
    "SELECT id, title, context, body FROM search_document",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": FORWARD, "sqlite": SQLITE_TRIGGERS}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_spanish")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_accent_folding")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="language",
            field=models.CharField(db_index=True, default="en", max_length=10, verbose_name="language"),
        ),
        migrations.RunPython(forward, backward),
    ]
