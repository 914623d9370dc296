"""Full-page screenshots of the main page types, at desktop and phone widths.

They land in tests/screenshots/ (ignored by git) for a person to look at; the
README shows one of them, committed as docs/country-page.png.
"""

import struct
from pathlib import Path

import pytest

from .helpers import DESKTOP, PHONE, PUBLIC_PAGES

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def png_size(path):
    header = path.read_bytes()[:24]
    assert header.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", header[16:24])


def test_full_page_screenshots(site, page):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page.set_viewport_size(viewport)
        for name in ["home", "country", "theme", "citation"]:
            page.goto(site + PUBLIC_PAGES[name])
            path = SCREENSHOTS / f"{name}-{width_name}.png"
            page.screenshot(path=path, full_page=True)
            width, height = png_size(path)
            assert width == viewport["width"], path
            assert height >= viewport["height"], path
