"""The editorial groups exist on every database, even one that was flushed."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from strategy.roles import GROUPS


def permissions_of(name):
    group = Group.objects.get(name=name)
    return sorted(group.permissions.values_list("content_type__app_label", "codename"))


def expected(name):
    return sorted(
        (app, codename) for app, codenames in GROUPS[name].items() for codename in codenames
    )


@pytest.mark.django_db(transaction=True)
def test_groups_come_back_after_a_flush_and_are_never_overwritten():
    assert permissions_of("Editors") == expected("Editors")
    assert ("strategy", "publish_country") in permissions_of("Country managers")
    assert ("strategy", "publish_country") not in permissions_of("Editors")

    call_command("flush", interactive=False, verbosity=0)
    assert permissions_of("Editors") == expected("Editors")
    assert permissions_of("Country managers") == expected("Country managers")

    Group.objects.get(name="Editors").permissions.clear()  # an administrator's choice
    call_command("migrate", verbosity=0)
    assert permissions_of("Editors") == []
