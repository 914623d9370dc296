"""
PostgreSQL: the documents' GIN index takes each write into the index itself
rather than into a pending list. A pending list makes bulk writes cheaper
but every search slower until a vacuum merges it (a search for a rare word
read the whole table after a rebuild); the atlas writes rarely and searches
often.
"""

from django.db import migrations


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX search_document_vector SET (fastupdate = off)")
        schema_editor.execute("SELECT gin_clean_pending_list('search_document_vector')")


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX search_document_vector RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(without_pending_list, with_pending_list)]
