"""
World Bank regions by ISO code, from the table in
``strategy/data/world_bank_regions.csv`` (its source is named at its top).
The importer fills in a country's region from its ISO code with it.
"""

import csv
from functools import cache
from pathlib import Path

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "world_bank_regions.csv"


@cache
def region_table():
    """{ISO alpha-2 code: region value of ``Country.Region``}."""
    with REGIONS_FILE.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        return {row["iso_code"]: row["region"] for row in rows}


def region_for(iso_code):
    """The World Bank region of the country with ``iso_code``, or "" if the table has none."""
    return region_table().get((iso_code or "").upper(), "")


def countries_by_region(countries, limit):
    """
    The published ``countries`` (a queryset) grouped by region for the home
    page's map of regions: every region of ``Country.Region`` in order (empty
    ones too, as on a map), then the countries without a region if any. Each
    group has its ``count`` and its first ``limit`` countries by name
    (``shown``); the rest are left to the country list. One query, which
    reads the countries shown alone, each with its region's count (numbered
    and counted in the database): a map of hundreds of countries builds a
    few dozen. Returns the groups and every country shown, in name order.
    """
    from .models import Country

    in_region = {"partition_by": F("region")}
    first_of_each = (
        countries.only("pk", "name", "slug", "region")
        .annotate(
            place=Window(RowNumber(), order_by=[F("name_en").asc(), F("pk").asc()], **in_region),
            region_count=Window(Count("pk"), **in_region),
        )
        .filter(place__lte=limit)
    )
    groups = {value: [] for value in Country.Region.values}
    unplaced = []
    counts = {}
    shown = list(first_of_each.order_by("name_en", "pk"))
    for country in shown:
        groups.get(country.region, unplaced).append(country)
        counts[country.region] = country.region_count
    regions = [
        {
            "value": value,
            "label": Country.Region(value).label,
            "shown": members,
            "count": counts.get(value, 0),
        }
        for value, members in groups.items()
    ]
    if unplaced:
        unplaced_count = sum(count for value, count in counts.items() if value not in groups)
        regions.append(
            {
                "value": "",
                "label": gettext("Region not given"),
                "shown": unplaced[:limit],
                "count": unplaced_count,
            }
        )
    for region in regions:
        region["more"] = region["count"] - len(region["shown"])
    return regions, shown
