"""What the browser tests share: people, logging in, and axe-core."""

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}

# One page of each kind the public sees.
PUBLIC_PAGES = {
    "home": "/",
    "country list": "/countries/",
    "country": "/countries/mexico/",
    "change log": "/countries/mexico/changes/",
    "version": "/countries/mexico/versions/1/",
    "theme list": "/themes/",
    "theme": "/themes/health/",
    "citation list": "/citations/",
    "citation": "/citations/british-embassy-mexico-city-2018/",
    "search": "/search/?q=small+business",
    "compare": "/compare/",
    "open data": "/data/",
    "not found": "/countries/atlantis/",
}

# axe-core rules for WCAG 2.1 levels A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def member_of(group_name, username):
    """A staff user in ``group_name``, logging in with ``PASSWORD``."""
    group = Group.objects.get(name=group_name)  # made by a data migration
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def log_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/admin/")


def check_accessibility(page):
    """axe-core's WCAG 2.1 A and AA results for the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options)
