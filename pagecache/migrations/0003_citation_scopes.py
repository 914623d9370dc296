"""
A scope version for each source (``citations.models.citation_scope``),
so that the first change to one source already leaves the others' rows of
the list of sources kept.
"""

from django.db import migrations


def citation_scopes(apps, schema_editor):
    Citation = apps.get_model("citations", "Citation")
    ScopeVersion = apps.get_model("pagecache", "ScopeVersion")
    ids = Citation.objects.values_list("pk", flat=True)
    ScopeVersion.objects.bulk_create(
        [ScopeVersion(scope=f"citation:{pk}") for pk in ids.iterator()],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pagecache", "0002_scope_versions"),
        ("citations", "0004_link_health"),
    ]

    operations = [
        migrations.RunPython(citation_scopes, migrations.RunPython.noop),
    ]
