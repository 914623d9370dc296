import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# SQLite: an FTS5 table holding a copy of each document's text, kept in step
# by triggers, so that the ORM's inserts and deletes of documents update it.
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, context, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
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
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_document_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE INDEX search_document_vector ON search_document USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS search_document_vector"]


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("citations", "0001_initial"),
        ("strategy", "0011_published_versions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("country", "Country"), ("goal", "Goal"), ("source", "Source")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=600, verbose_name="title")),
                ("context", models.CharField(blank=True, max_length=200, verbose_name="context")),
                ("body", models.TextField(blank=True, verbose_name="body")),
                ("url", models.CharField(max_length=500, verbose_name="address")),
                (
                    "region",
                    models.CharField(
                        blank=True, db_index=True, max_length=40, verbose_name="region"
                    ),
                ),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                (
                    "citation",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="citations.citation",
                    ),
                ),
                (
                    "country",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.country",
                    ),
                ),
                (
                    "goal",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.goal",
                    ),
                ),
                (
                    "themes",
                    models.ManyToManyField(blank=True, related_name="+", to="taggit.tag"),
                ),
            ],
            options={"verbose_name": "search document", "db_table": "search_document"},
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
