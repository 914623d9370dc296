"""
The two editorial roles, as groups with their permissions.

Editors change countries, goals, citations and themes (tags); they add and
remove goals and add citations, but cannot add, delete, publish or unpublish
countries. Country managers can also add, delete, publish and unpublish
countries, and delete and merge themes. Make someone an editor by giving
them "Staff status" and one of these groups (see the README).

A data migration creates the groups on every new database; ``ensure_groups``
(run after every ``migrate`` and ``flush``) creates them again wherever they
are missing, and never changes groups that exist.
"""

from django.apps import apps as global_apps

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
    # Merging themes deletes the merged ones.
    "taggit": [*EDITORS["taggit"], "delete_tag"],
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


def ensure_groups(sender, using, apps=global_apps, **kwargs):
    """post_migrate (sent by migrate and flush): the groups exist whenever their models do."""
    try:
        apps.get_model("strategy", "Country")
    except LookupError:  # migrated backwards, before the app's models
        return
    create_missing_groups(apps, using)
