"""The content version now belongs to the pagecache app (state only: the table stays)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("strategy", "0004_content_version"),
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentVersion")],
        ),
    ]
