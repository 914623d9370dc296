"""
World Bank regions by ISO code, from the table in
``strategy/data/world_bank_regions.csv`` (its source is named at its top).
The importer fills in a country's region from its ISO code with it.
"""

import csv
from functools import cache
from pathlib import Path

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
    ``countries`` grouped by region for the home page's map of regions: every
    region of ``Country.Region`` in order (empty ones too, as on a map), then
    the countries without a region if any. Each group has its ``count`` and
    its first ``limit`` countries (``shown``); the rest are left to the
    country list.
    """
    from .models import Country

    groups = {value: [] for value in Country.Region.values}
    unplaced = []
    for country in countries:
        groups.get(country.region, unplaced).append(country)
    regions = [
        {"value": value, "label": Country.Region(value).label, "countries": members}
        for value, members in groups.items()
    ]
    if unplaced:
        regions.append({"value": "", "label": "Region not given", "countries": unplaced})
    for region in regions:
        region["count"] = len(region["countries"])
        region["shown"] = region["countries"][:limit]
        region["more"] = region["count"] - len(region["shown"])
    return regions
