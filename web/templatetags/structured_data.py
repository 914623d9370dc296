"""
``{% json_ld data %}``: schema.org metadata as a ``<script type="application/ld+json">``
data block. Search engines and reference managers read it; browsers never run
it, so the Content-Security-Policy needs no ``unsafe-inline`` for it.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end the script element or open a comment in it,
# written as JSON escapes (the same set Django's json_script escapes).
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    text = mark_safe(text)  # noqa: S308 (<, > and & are JSON escapes above)
    return format_html('<script type="application/ld+json">{}</script>', text)
