"""
The release: a fingerprint of the code, templates, translations, static
files and installed packages (their versions) that make the pages. Cached
pages and fragments are keyed by it (the caches' KEY_PREFIX, the page
cache's ETags), so a deploy that changes how a page looks never meets
copies made by the code before it, in a shared Redis or in a browser.
``DJANGO_RELEASE`` (say, the commit deployed) names it instead.
"""

import hashlib
import os
from importlib import metadata
from pathlib import Path

# What makes a page: the apps' code, the templates, the translations, the
# static files (and the installed packages, below). Tests, benchmarks and
# documentation are left out.
SOURCES = [
    "api",
    "chapters",
    "citations",
    "config",
    "editing",
    "operations",
    "pagecache",
    "search",
    "strategy",
    "web",
    "templates",
    "locale",
    "static",
]
SUFFIXES = {".py", ".html", ".txt", ".xml", ".po", ".css", ".js", ".svg", ".png", ".json"}


def release(base_dir):
    """
    ``DJANGO_RELEASE``, or a short digest of every source file's path and
    contents and of the name and version of every installed package.
    """
    named = os.environ.get("DJANGO_RELEASE", "").strip()
    if named:
        return named[:40]
    digest = hashlib.blake2b(digest_size=6)
    for top in SOURCES:
        for path in sorted(Path(base_dir, top).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base_dir)).encode())
                digest.update(path.read_bytes())
    for package in sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()):
        digest.update(package.encode())
    return digest.hexdigest()
