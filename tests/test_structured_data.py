"""The JSON-LD data block stays a data block whatever text it carries."""

import json
import re

from django.template import Context, Template

from .test_hostile_requests import NAUGHTY_STRINGS


def render(data):
    return Template("{% load structured_data %}{% json_ld data %}").render(Context({"data": data}))


def test_json_ld_is_a_data_block_that_reads_back_as_the_data():
    data = {"@type": "Article", "name": "Vision </script><script>alert(1)</script> & <!--"}
    markup = render(data)
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', markup, re.S)
    assert body, markup
    assert "<" not in body.group(1) and ">" not in body.group(1)
    assert json.loads(body.group(1)) == data


def test_every_naughty_string_survives_the_round_trip():
    for text in NAUGHTY_STRINGS:
        markup = render({"name": text})
        inner = markup.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
        assert "</" not in inner
        assert json.loads(inner) == {"name": text}
