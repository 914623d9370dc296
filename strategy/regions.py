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
