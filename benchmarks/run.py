"""
The load benchmark behind `make bench`.

Builds its own database (the Mexico fixture plus clearly marked synthetic
content: 300 countries x 12 goals, 1,000 sources, 60 themes), starts gunicorn
with the production settings on a loopback port, and measures each URL with
wrk: the median of 3 runs of 10 s at 16 connections. A hashed static CSS file,
served by whitenoise from the same server, is the ceiling every page is
compared with. Then sweeps of all the country pages, fully cached and just
after an edit to one country, on SQLite and on PostgreSQL with Redis behind
two app servers. Prints a table and writes benchmarks/results/latest.json.
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
import urllib.parse
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
SOAK_DURATION = os.environ.get("BENCH_SOAK_DURATION", "60s")
WORKERS = 2
COUNTRIES = 300
# Sweeps of every country page: this many fully cached, and as many each
# just after an edit to one country (a different one each time).
SWEEPS = int(os.environ.get("BENCH_SWEEPS", "7"))
# PostgreSQL and Redis for the sweep behind two app servers ("" skips it).
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/atlas_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
# A comparison site's page, measured with the same wrk run (optional).
PEER_URL = os.environ.get("BENCH_PEER_URL", "")

UNCACHED_PAGES = [
    ("/countries/mexico/ (uncached)", "/countries/mexico/"),
    ("/", "/"),
    ("/countries/", "/countries/"),
    ("/themes/", "/themes/"),
    ("/themes/<slug>/", "/themes/synthetic-theme-01/"),
    ("/citations/", "/citations/"),
    ("/api/countries/", "/api/countries/"),
    ("/data/", "/data/"),
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
    "cached_country_ratio": 0.85,
    "uncached_country_ratio": 0.20,
    "uncached_country_p99_ms": 50.0,
    "search_p99_ms": 100.0,
    "every_page_ratio": 0.10,
    "after_edit_sweep_ratio": 0.60,
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
    """The benchmark's database at env's DATABASE_URL, made afresh (BENCH_REUSE=1 keeps it)."""
    url = env["DATABASE_URL"]
    if os.environ.get("BENCH_REUSE") == "1" and database_exists(url):
        print(f"Reusing the benchmark database at {url}", flush=True)
        manage("migrate", "--no-input", "-v0", env=env)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite:"):
        Path(url.split("sqlite:///", 1)[1]).unlink(missing_ok=True)
    else:
        recreate_postgres_database(url)
    print(f"Building the benchmark database at {url} (Mexico + synthetic content)...", flush=True)
    manage("migrate", "--no-input", "-v0", env=env)
    manage("loaddata", "mexico", "-v0", env=env)
    manage(
        "load_synthetic_data",
        "--countries",
        str(COUNTRIES),
        "--goals",
        "12",
        "--citations",
        "1000",
        "--themes",
        "60",
        env=env,
    )


def database_exists(url):
    if url.startswith("sqlite:"):
        return Path(url.split("sqlite:///", 1)[1]).exists()
    import psycopg2

    try:
        psycopg2.connect(url).close()
    except psycopg2.OperationalError:
        return False
    return True


def recreate_postgres_database(url):
    import psycopg2
    from psycopg2 import sql

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    maintenance = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def hashed_css_url():
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


class Server:
    """gunicorn with the production settings, on a loopback port."""

    def __init__(self, env, workers=WORKERS):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(workers),
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
    return measure_url(server.url(path), path)


def measure_url(url, path):
    wrk(url, duration="2s")  # warm up: caches, connections, imports
    runs = [wrk(url) for _ in range(RUNS)]
    median = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    return {**median, "runs": [run["rps"] for run in runs], "path": path}


# --- Sweeps of every country page ---------------------------------------------


def country_slugs(env):
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", SLUGS_CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.strip().splitlines()[-1].split()


SLUGS_CODE = (
    "from strategy.models import Country; "
    "print(*Country.objects.published().order_by('slug').values_list('slug', flat=True))"
)

# One edit to one country, as the admin's save makes it (the model's save and
# its signals): its vision gains a sentence.
EDIT_CODE = (
    "import os; from strategy.models import Country; "
    "c = Country.objects.get(slug=os.environ['BENCH_EDIT_SLUG']); "
    "c.vision = c.vision + ' Edited for the benchmark.'; c.save()"
)


def edit_country(env, slug):
    subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", EDIT_CODE],
        cwd=ROOT,
        env={**env, "BENCH_EDIT_SLUG": slug},
        check=True,
    )


def sweep(base_url, paths):
    """
    One request for each of ``paths``, CONNECTIONS at a time (curl's
    parallel transfers: a C client, like wrk, which has no "each URL once"):
    requests/s over the sweep's wall-clock time, and errors (non-200).
    """
    config = WORK / "sweep.curl"
    config.write_text(
        "".join(f'url = "{base_url}{path}"\noutput = "/dev/null"\n' for path in paths)
    )
    started = time.perf_counter()
    command = ["curl", "--silent", "--no-progress-meter", "--parallel", "--parallel-immediate"]
    command += ["--parallel-max", str(CONNECTIONS), "--config", str(config)]
    output = subprocess.run(
        [*command, "--write-out", "%{http_code}\\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    elapsed = time.perf_counter() - started
    statuses = output.split()
    errors = len(paths) - statuses.count("200")
    return len(paths) / elapsed, errors


def sweeps(base_url, env, label):
    """
    Every published country page, swept SWEEPS times fully cached, then SWEEPS
    times each just after an edit to one country (a different one each time).
    """
    slugs = country_slugs(env)
    # Every country's page in both languages, so that a sweep is long enough to time.
    paths = [f"{prefix}/countries/{slug}/" for prefix in ("", "/es") for slug in slugs]
    print(f"Sweeping {len(paths)} country pages ({label})...", flush=True)
    for _ in range(3):  # every page into the cache of every worker
        sweep(base_url, paths)
    cached = [sweep(base_url, paths) for _ in range(SWEEPS)]
    after_edit = []
    for number in range(SWEEPS):
        edit_country(env, slugs[(number * 37 + 11) % len(slugs)])
        after_edit.append(sweep(base_url, paths))

    def median(runs):
        return sorted(rps for rps, _ in runs)[len(runs) // 2]

    result = {
        "pages": len(paths),
        "cached_rps": median(cached),
        "after_edit_rps": median(after_edit),
        "cached_runs": [rps for rps, _ in cached],
        "after_edit_runs": [rps for rps, _ in after_edit],
        "errors": sum(errors for _, errors in cached + after_edit),
    }
    result["ratio"] = result["after_edit_rps"] / result["cached_rps"]
    return result


class Balancer:
    """nginx with the production include, round-robin over app servers."""

    def __init__(self, ports):
        self.port = free_port()
        home = WORK / "nginx"
        home.mkdir(parents=True, exist_ok=True)
        servers = " ".join(f"server 127.0.0.1:{port};" for port in ports)
        config = home / "nginx.conf"
        config.write_text(
            f"""
            worker_processes 1;
            pid {home}/nginx.pid;
            error_log {home}/error.log;
            events {{ worker_connections 1024; }}
            http {{
                access_log off;
                client_body_temp_path {home}/body;
                proxy_temp_path {home}/proxy;
                fastcgi_temp_path {home}/fastcgi;
                uwsgi_temp_path {home}/uwsgi;
                scgi_temp_path {home}/scgi;
                upstream atlas {{ {servers} keepalive 16; }}
                server {{
                    listen 127.0.0.1:{self.port};
                    include {ROOT / "config" / "nginx" / "atlas.conf"};
                }}
            }}
            """
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-c", str(config), "-p", str(home), "-g", "daemon off;"]
        )
        Server.wait_until_up(self)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def two_servers_sweep(env):
    """The same sweeps on PostgreSQL with Redis: two app servers behind nginx."""
    if not PG_URL or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return {"skipped": "BENCH_PG_URL is empty or nginx is missing"}
    pg_env = {
        **env,
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    }
    import psycopg2
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
        build_database(pg_env)
    except (OSError, psycopg2.Error, redis.RedisError, subprocess.CalledProcessError) as error:
        # Reported in the table, and the rest of the run stands.
        return {"skipped": f"PostgreSQL or Redis unavailable: {error}"}
    servers = [Server(pg_env, workers=1) for _ in range(2)]
    balancer = None
    try:
        balancer = Balancer([server.port for server in servers])
        return sweeps(balancer.url(""), pg_env, "postgresql")
    finally:
        if balancer:
            balancer.stop()
        for server in servers:
            server.stop()


def main():
    for tool in ("wrk", "curl"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed: apt-get install -y {tool}")
    env = base_env()
    build_database(env)
    manage("collectstatic", "--no-input", "-v0", env=env)
    css = hashed_css_url()
    results = {}

    print("Measuring with the page cache on...", flush=True)
    server = Server(env)
    try:
        results["static CSS (ceiling)"] = measure(server, css)
        results["/countries/mexico/ (cached)"] = measure(server, "/countries/mexico/")
        if PEER_URL:
            results["peer: " + PEER_URL[:28]] = measure_url(PEER_URL, PEER_URL)
        sqlite_sweep = sweeps(server.url(""), env, "sqlite")
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

    # With no cache at all (the fragment cache off too): what a country's page
    # costs the first time after a change to it.
    server = Server({**env, "DJANGO_PAGE_CACHE_SECONDS": "0", "DJANGO_FRAGMENT_CACHE_SECONDS": "0"})
    try:
        results["/countries/mexico/ (cold)"] = measure(server, "/countries/mexico/")
    finally:
        server.stop()

    pg_sweep = (
        two_servers_sweep(env)
        if os.environ.get("BENCH_TWO_SERVERS", "1") == "1"
        else {"skipped": "BENCH_TWO_SERVERS=0"}
    )

    ceiling = results["static CSS (ceiling)"]["rps"]
    for row in results.values():
        row["ratio"] = row["rps"] / ceiling

    pages = {
        label: row
        for label, row in results.items()
        if "ceiling" not in label and not label.startswith("peer") and "(cold)" not in label
    }
    uncached_country = results.get("/countries/mexico/ (uncached)", {"ratio": 0, "p99_ms": 1e9})
    searches = [row for label, row in results.items() if label.startswith("/search/")]
    sweep_rows = [row for row in (sqlite_sweep, pg_sweep) if "ratio" in row]
    checks = {
        "cached country page >= 85% of static": results["/countries/mexico/ (cached)"]["ratio"]
        >= TARGETS["cached_country_ratio"],
        "uncached country page >= 20% of static": uncached_country["ratio"]
        >= TARGETS["uncached_country_ratio"],
        "uncached country page p99 <= 50 ms": uncached_country["p99_ms"]
        <= TARGETS["uncached_country_p99_ms"],
        "every search p99 <= 100 ms": bool(searches)
        and all(row["p99_ms"] <= TARGETS["search_p99_ms"] for row in searches),
        f"every page uncached >= 10% of static{f' (only {ONLY!r})' if ONLY else ''}": all(
            row["ratio"] >= TARGETS["every_page_ratio"] for row in pages.values()
        ),
        "sweep after one edit >= 60% of the cached sweep (each setup)": len(sweep_rows) == 2
        and all(row["ratio"] >= TARGETS["after_edit_sweep_ratio"] for row in sweep_rows),
        f"0 errors at {SOAK_CONNECTIONS} connections for {SOAK_DURATION}": soak["errors"]
        + soak_static["errors"]
        == 0
        and all(row["errors"] == 0 for row in sweep_rows),
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
        "sweeps": {
            "sqlite, local-memory cache, 2 workers": sqlite_sweep,
            "postgresql + redis, 2 app servers behind nginx": pg_sweep,
        },
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
    print(f"\n{'Sweep of every country page':50} {'cached':>8} {'after edit':>11} {'ratio':>6}")
    for label, row in report["sweeps"].items():
        if "ratio" in row:
            print(
                f"{label:50} {row['cached_rps']:8.0f} {row['after_edit_rps']:11.0f} "
                f"{row['ratio']:6.0%}   ({row['pages']} pages, {row['errors']} errors)"
            )
        else:
            print(f"{label:50} skipped: {row['skipped']}")
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
