"""
How long importing a whole report takes, and how much memory: a synthetic
report of 50 chapters (operations.synthetic.synthetic_report: 50 countries,
150 goals, 100 sources, one of them shared), imported with import_strategy
into an empty SQLite database of its own, three times; the median time and
the peak memory of the process are printed and written to
benchmarks/results/import_report.json. Target: under 10 s for 50 chapters.

    .venv/bin/python benchmarks/import_report.py
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "import_report.json"
CHAPTERS = int(os.environ.get("BENCH_CHAPTERS", "50"))
TARGET_SECONDS = 10.0


def main():
    sys.path.insert(0, str(ROOT))
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.md"
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
        }
        subprocess.run(
            [sys.executable, "-c", WRITE_REPORT, str(report), str(CHAPTERS)],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        for _ in range(3):
            database = Path(directory) / "bench.sqlite3"
            database.unlink(missing_ok=True)
            manage(env, "migrate", "--no-input", "-v0")
            started = time.perf_counter()
            manage(env, "import_strategy", str(report))
            times.append(time.perf_counter() - started)
            peaks.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    result = {
        "chapters": CHAPTERS,
        "seconds_median": round(statistics.median(times), 2),
        "seconds_runs": [round(t, 2) for t in times],
        "peak_memory_mb": round(max(peaks), 1),
        "target_seconds": TARGET_SECONDS,
        "target_met": statistics.median(times) < TARGET_SECONDS,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{CHAPTERS} chapters: {result['seconds_median']} s (median of 3; the whole command, "
        f"Django's start included), peak memory {result['peak_memory_mb']} MB; "
        f"target under {TARGET_SECONDS:g} s: {'met' if result['target_met'] else 'NOT met'}"
    )


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


WRITE_REPORT = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from operations.synthetic import synthetic_report
open(sys.argv[1], "w", encoding="utf-8").write(synthetic_report(int(sys.argv[2])))
"""

if __name__ == "__main__":
    main()
