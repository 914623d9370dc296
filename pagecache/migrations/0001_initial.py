"""
The content version row moves here from the strategy app: its table, made
by ``strategy.0004_content_version``, stays as it is (state only).
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("strategy", "0004_content_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.PositiveBigIntegerField(default=1, verbose_name="version")),
                        ("changed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="changed")),
                    ],
                    options={
                        "verbose_name": "content version",
                        "db_table": "strategy_contentversion",
                    },
                ),
            ],
        ),
    ]
