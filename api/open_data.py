"""
What the open data is and where it is: the endpoints of the API, the
downloads, and the schema.org ``Dataset`` that describes them, for the API's
index (``/api/``) and the open-data page (``/data/``).
"""

from functools import partial

from django.db.models import Max
from django.urls import reverse

from citations.formats import FORMATS
from strategy.models import Country
from web.addresses import absolute_url

NAME = "AI Strategy Atlas"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

DESCRIPTION = (
    "National AI strategies as structured, cited country profiles: each published "
    "country's vision, strategic goals tagged by theme, conclusion and the sources "
    "they cite."
)


def api_endpoints(request):
    """
    The API's endpoints: name, address (an RFC 6570 template where it takes
    a path parameter), media type and what it answers.
    """

    def absolute(name):
        return absolute_url(request, reverse(name))

    return [
        {
            "name": "country_list",
            "url": absolute("api:country_list"),
            "media_type": "application/json",
            "description": "Published countries, 50 a page.",
        },
        {
            "name": "country_detail",
            "url": absolute("api:country_list") + "{slug}/",
            "media_type": "application/json",
            "description": "One published country with its goals, themes and sources.",
        },
        {
            "name": "citation_list",
            "url": absolute("api:citation_list"),
            "media_type": "application/json",
            "description": "Every source a published country cites, 50 a page.",
        },
        {
            "name": "theme_list",
            "url": absolute("api:theme_list"),
            "media_type": "application/json",
            "description": "Themes with their number of published goals, 50 a page.",
        },
        {
            "name": "goals_csv",
            "url": absolute("api:goals_csv"),
            "media_type": "text/csv",
            "description": "Every published goal, one row each, for spreadsheets.",
        },
        {
            "name": "openapi",
            "url": absolute("api:openapi"),
            "media_type": "application/json",
            "description": "The OpenAPI 3.1 description of this API.",
        },
    ]


def media_type(content_type):
    """``text/csv`` of ``text/csv; charset=utf-8``."""
    return content_type.split(";")[0].strip()


def downloads(request):
    """Each whole download: (name, address, media type)."""
    absolute = partial(absolute_url, request)
    items = [
        (
            "Countries (JSON API, in pages of 50 linked by next)",
            absolute(reverse("api:country_list")),
            "application/json",
        ),
        ("Goals (CSV)", absolute(reverse("api:goals_csv")), "text/csv"),
    ]
    for bibliography_format in FORMATS.values():
        items.append(
            (
                f"Sources ({bibliography_format.name})",
                absolute(reverse("citations:export", args=[bibliography_format.extension])),
                media_type(bibliography_format.content_type),
            )
        )
    return items


def last_modified():
    """When what the public sees last changed: the latest public change of a published country."""
    return Country.objects.published().aggregate(latest=Max("last_published_change"))["latest"]


def dataset_json_ld(request, modified):
    """The schema.org ``Dataset`` of the open data, its downloads as ``DataDownload``s."""
    publisher = {
        "@type": "Organization",
        "name": NAME,
        "url": absolute_url(request, reverse("strategy:home")),
    }
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{NAME}: national AI strategies",
        "description": DESCRIPTION,
        "url": absolute_url(request, reverse("data")),
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "creator": publisher,
        "publisher": publisher,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "contentUrl": url,
                "encodingFormat": encoding,
            }
            for name, url, encoding in downloads(request)
        ],
    }
    if modified:
        data["dateModified"] = modified.isoformat()
    return data
