"""
Where an uncached page spends its time: pyinstrument on the pages of the
benchmark's database (``benchmarks/run.py`` builds it in benchmarks/work/).

    .venv/bin/python benchmarks/profile.py [path ...]

Renders each path (default: the uncached country page and the country
list) through the whole middleware stack with the production settings and
the page cache off, 200 times after a warm-up, and prints pyinstrument's
summary (the calls that take 1 % or more). Needs pyinstrument
(requirements-dev.txt).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = ROOT / "benchmarks" / "work" / "bench.sqlite3"

os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATABASE}")
os.environ.update(
    {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_PAGE_CACHE_SECONDS": os.environ.get("PROFILE_PAGE_CACHE_SECONDS", "0"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
)
os.environ.pop("REDIS_URL", None)

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "200"))
PATHS = sys.argv[1:] or ["/countries/mexico/", "/countries/"]


def main():
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    for path in PATHS:
        for _ in range(5):
            status = client.get(path).status_code
            if status != 200:
                sys.exit(f"{path} answered {status}")
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(REQUESTS):
            client.get(path)
        profiler.stop()
        session = profiler.last_session
        print(f"\n=== {path}: {session.duration / REQUESTS * 1000:.2f} ms a request ===")
        print(
            profiler.output_text(
                unicode=False, color=False, show_all=False, time="percent_of_total"
            )
        )


if __name__ == "__main__":
    main()
