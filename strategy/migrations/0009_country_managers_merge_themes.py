"""Country managers may delete themes, as merging themes deletes the merged ones."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    group = Group.objects.using(using).filter(name="Country managers").first()
    permission = (
        Permission.objects.using(using)
        .filter(content_type__app_label="taggit", codename="delete_tag")
        .first()
    )
    if group is not None and permission is not None:
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    using = schema_editor.connection.alias
    group = Group.objects.using(using).filter(name="Country managers").first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="taggit", codename="delete_tag")
        )


class Migration(migrations.Migration):
    dependencies = [("strategy", "0008_slug_help_shows_the_address")]

    operations = [migrations.RunPython(grant, revoke)]
