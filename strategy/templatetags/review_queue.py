"""The admin index's list of changes awaiting review, for those who may publish."""

from django import template

from strategy.draft_admin import awaiting_review
from strategy.models import Country

register = template.Library()


@register.inclusion_tag("admin/strategy/review_queue.html", takes_context=True)
def review_queue(context):
    user = context["request"].user
    if not user.has_perm("strategy.publish_country"):
        return {"shown": False}
    countries = list(Country.objects.filter(awaiting_review()).order_by("name_en")[:20])
    return {"shown": True, "countries": countries}
