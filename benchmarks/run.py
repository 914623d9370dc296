"""
The load benchmark behind `make bench`.

Builds its own database (the Mexico fixture plus clearly marked synthetic
content: 300 countries x 12 goals, 1,000 sources, 60 themes), starts gunicorn
with the production settings on a loopback port, and measures each URL with
wrk: the median of 3 runs of 10 s at 16 connections. A hashed static CSS file,
served by whitenoise from the same server, is the ceiling every page is
compared with. Prints a table and writes benchmarks/results/latest.json.
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
PYTHON = sys.executable

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SOAK_CONNECTIONS = 64
SOAK_DURATION = os.environ.get("BENCH_SOAK_DURATION", "30s")
WORKERS = 2

UNCACHED_PAGES = [
    ("/countries/mexico/ (uncached)", "/countries/mexico/"),
    ("/countries/", "/countries/"),
    ("/themes/<slug>/", "/themes/synthetic-theme-01/"),
    ("/citations/", "/citations/"),
    ("/api/countries/", "/api/countries/"),
    ("/compare/ (matrix)", "/compare/"),
    (
        "/compare/ (4 countries)",
        "/compare/?c=synthetic-001&c=synthetic-002&c=synthetic-003&c=synthetic-004",
    ),
    # Search is never page-cached. "synthetic" matches every synthetic country,
    # goal and source (some 5,000 documents): the worst case for counting,
    # ranking and facets; "mexico" matches a few.
    ("/search/ (every document)", "/search/?q=synthetic"),
    ("/search/ (a phrase)", "/search/?q=%22measure+the+site%22"),
    ("/search/ (a few)", "/search/?q=mexico"),
    (
        "/search/ (filtered)",
        "/search/?q=synthetic&region=europe-central-asia&theme=synthetic-theme-01",
    ),
]
# BENCH_ONLY=search measures only the uncached pages whose label holds "search"
# (BENCH_ONLY=/ all of them).
ONLY = os.environ.get("BENCH_ONLY", "")

TARGETS = {
    "cached_country_ratio": 0.80,
    "uncached_country_ratio": 0.15,
    "uncached_country_p99_ms": 100.0,
    "search_p99_ms": 100.0,
    "every_page_ratio": 0.10,
    "soak_errors": 0,
    "worker_rss_mb": 150.0,
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}"),
    }
    env.pop("REDIS_URL", None)  # local-memory cache, as a single host runs by default
    return env


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def build_database(env):
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "bench.sqlite3"
    if "BENCH_DATABASE_URL" not in os.environ and database.exists():
        database.unlink()
    print("Building the benchmark database (Mexico + synthetic content)...", flush=True)
    manage("migrate", "--no-input", "-v0", env=env)
    manage("loaddata", "mexico", "-v0", env=env)
    manage(
        "load_synthetic_data",
        "--countries",
        "300",
        "--goals",
        "12",
        "--citations",
        "1000",
        "--themes",
        "60",
        env=env,
    )
    manage("collectstatic", "--no-input", "-v0", env=env)


def hashed_css_url():
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


class Server:
    """gunicorn with the production settings, on a loopback port."""

    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        self.wait_until_up()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/"), timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def worker_peak_rss_mb(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        peaks = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url, connections=CONNECTIONS, duration=DURATION):
    """One wrk run: requests/s, p50 and p99 latency in ms, errors."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency_ms(percentile):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency_ms(50),
        "p99_ms": latency_ms(99),
        "errors": errors,
    }


def measure(server, path):
    server_url = server.url(path)
    wrk(server_url, duration="2s")  # warm up: caches, connections, imports
    runs = [wrk(server_url) for _ in range(RUNS)]
    median = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    return {**median, "runs": [run["rps"] for run in runs], "path": path}


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    env = base_env()
    build_database(env)
    css = hashed_css_url()
    results = {}

    print("Measuring with the page cache on...", flush=True)
    server = Server(env)
    try:
        results["static CSS (ceiling)"] = measure(server, css)
        results["/countries/mexico/ (cached)"] = measure(server, "/countries/mexico/")
        soak = wrk(server.url("/countries/mexico/"), SOAK_CONNECTIONS, SOAK_DURATION)
        soak_static = wrk(server.url(css), SOAK_CONNECTIONS, "5s")
        cached_rss = server.worker_peak_rss_mb()
    finally:
        server.stop()

    print("Measuring with the page cache off...", flush=True)
    server = Server({**env, "DJANGO_PAGE_CACHE_SECONDS": "0"})
    try:
        for label, path in UNCACHED_PAGES:
            if ONLY in label:
                results[label] = measure(server, path)
        uncached_rss = server.worker_peak_rss_mb()
    finally:
        server.stop()

    ceiling = results["static CSS (ceiling)"]["rps"]
    for row in results.values():
        row["ratio"] = row["rps"] / ceiling

    pages = {label: row for label, row in results.items() if "ceiling" not in label}
    uncached_country = results.get("/countries/mexico/ (uncached)", {"ratio": 0, "p99_ms": 1e9})
    searches = [row for label, row in results.items() if label.startswith("/search/")]
    checks = {
        "cached country page >= 80% of static": results["/countries/mexico/ (cached)"]["ratio"]
        >= TARGETS["cached_country_ratio"],
        "uncached country page >= 15% of static": uncached_country["ratio"]
        >= TARGETS["uncached_country_ratio"],
        "uncached country page p99 <= 100 ms": uncached_country["p99_ms"]
        <= TARGETS["uncached_country_p99_ms"],
        "every search p99 <= 100 ms": bool(searches)
        and all(row["p99_ms"] <= TARGETS["search_p99_ms"] for row in searches),
        "every page >= 10% of static": all(
            row["ratio"] >= TARGETS["every_page_ratio"] for row in pages.values()
        ),
        f"0 errors at {SOAK_CONNECTIONS} connections for {SOAK_DURATION}": soak["errors"]
        + soak_static["errors"]
        == 0,
        "worker peak RSS <= 150 MB": max(cached_rss, uncached_rss) <= TARGETS["worker_rss_mb"],
    }
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "database": env["DATABASE_URL"].split(":", 1)[0],
        },
        "method": f"wrk -t2 -c{CONNECTIONS} -d{DURATION}, median of {RUNS}; "
        f"gunicorn {WORKERS} workers, production settings",
        "results": results,
        "soak": {
            "connections": SOAK_CONNECTIONS,
            "duration": SOAK_DURATION,
            "country_page": soak,
            "static": soak_static,
        },
        "worker_peak_rss_mb": {"cached": cached_rss, "uncached": uncached_rss},
        "targets": checks,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")

    print(f"\n{'URL':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs static':>10} {'errors':>7}")
    for label, row in results.items():
        print(
            f"{label:34} {row['rps']:9.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
            f"{row['ratio']:9.0%} {row['errors']:7d}"
        )
    print(
        f"\nSoak, {SOAK_CONNECTIONS} connections for {SOAK_DURATION}: "
        f"{soak['errors']} errors on the country page, {soak_static['errors']} on static"
    )
    print(f"Worker peak RSS: {cached_rss:.0f} MB (cache on), {uncached_rss:.0f} MB (cache off)")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'MISS'}  {name}")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
