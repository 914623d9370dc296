"""
Scope versions (``pagecache.versions``), and one for each country's page,
so that the first change to one country already leaves the others cached.
"""

import django.utils.timezone
from django.db import migrations, models


def country_scopes(apps, schema_editor):
    Country = apps.get_model("strategy", "Country")
    ScopeVersion = apps.get_model("pagecache", "ScopeVersion")
    slugs = Country.objects.filter(draft_of=None).values_list("slug", flat=True)
    ScopeVersion.objects.bulk_create(
        [ScopeVersion(scope=f"country:{slug}") for slug in slugs], ignore_conflicts=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('pagecache', '0001_initial'),
        ('strategy', '0013_country_order_by_english_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScopeVersion',
            fields=[
                ('scope', models.CharField(max_length=200, primary_key=True, serialize=False, verbose_name='scope')),
                ('version', models.PositiveBigIntegerField(default=1, verbose_name='version')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed')),
            ],
            options={
                'verbose_name': 'scope version',
            },
        ),
        migrations.RunPython(country_scopes, migrations.RunPython.noop),
    ]
