"""
The two editorial roles, as groups, on every new database.

The groups and their permissions are written out here as they were when
this migration was made, not imported from strategy/roles.py: a migration
must do the same thing whenever it runs, whatever the code says later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = {
    "strategy": [
        "view_country",
        "change_country",
        "view_goal",
        "change_goal",
        "add_goal",
        "delete_goal",
    ],
    "citations": ["view_citation", "change_citation", "add_citation"],
    "taggit": ["view_tag", "change_tag"],
}
COUNTRY_MANAGERS = {
    **EDITORS,
    "strategy": [*EDITORS["strategy"], "add_country", "delete_country", "publish_country"],
}
GROUPS = {"Editors": EDITORS, "Country managers": COUNTRY_MANAGERS}


def create_missing_groups(apps, using):
    """Create each group that does not exist yet, with its permissions."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        if Group.objects.using(using).filter(name=name).exists():
            continue
        permissions = [
            Permission.objects.using(using).get(
                content_type__app_label=app_label, codename=codename
            )
            for app_label, codenames in wanted.items()
            for codename in codenames
        ]
        Group.objects.using(using).create(name=name).permissions.set(permissions)


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
