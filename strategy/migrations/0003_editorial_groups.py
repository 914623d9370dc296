"""The two editorial roles (strategy/roles.py), as groups, on every new database."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from strategy.roles import GROUPS, create_missing_groups


def create_groups(apps, schema_editor):
    # Django creates permissions after the last migration has run; these
    # groups need them now, on a fresh database too.
    for app_label in {label for permissions in GROUPS.values() for label in permissions}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(
            app_config, apps=apps, using=schema_editor.connection.alias, verbosity=0
        )
        app_config.models_module = None

    create_missing_groups(apps, schema_editor.connection.alias)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("citations", "0002_citation_version"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("strategy", "0002_editorial_workflow"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
