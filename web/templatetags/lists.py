"""
Filters for the rows of long lists (countries, themes, sources), each doing
in one call what a row would otherwise do with a ``{% url %}`` or a
``{% blocktranslate count %}`` tag: on a page of hundreds of rows those
tags cost more than the rest of the page.
"""

from django import template
from django.utils.translation import ngettext

from web.addresses import page_address

register = template.Library()


@register.filter
def theme_address(theme):
    """A theme's page address: ``{{ theme|theme_address }}``."""
    return page_address("strategy:theme_detail", slug=theme.slug)


@register.filter
def goals_count(count):
    """ "1 goal", "12 goals", in the active language: ``{{ country.goal_count|goals_count }}``."""
    return ngettext("%(counter)s goal", "%(counter)s goals", count) % {"counter": count}
