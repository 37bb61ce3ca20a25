"""Serve the site with gunicorn (2 workers, DEBUG off) on a fresh demo database and
drive the No. 6 page and a minimal view of the same size with wrk.

Prints requests per second, median and 99th-percentile latency for both, and the
ratio of the page's throughput to the minimal view's. No page cache is involved.
Also prints the build time of No. 6's PDF (median of several builds, outside the
server) and the requests per second of serving the built PDF.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url} answered {errors.group(1)} errors:\n{out}")
    return rps, _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)), _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))


def _ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="eucacis-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "BENCHMARK_VIEWS": "1",
        "MEDIA_ROOT": str(work / "media"),
        "PDF_ROOT": str(work / "pdfs"),
    }
    manage = lambda *a: subprocess.run([PY, "manage.py", *a], cwd=ROOT, env=env, check=True, capture_output=True)
    manage("migrate", "--noinput")
    manage("load_demo")
    manage("collectstatic", "--noinput")
    pdf_build = measure_pdf_build(env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "eucacis.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        page_url = base + "/series/eucacis-in-brief/6/"
        page_url = urllib.request.urlopen(page_url).geturl()  # follow to the canonical address
        size = len(urllib.request.urlopen(page_url).read())
        minimal_url = f"{base}/_bench/minimal/{size}/"
        assert len(urllib.request.urlopen(minimal_url).read()) == size
        for url in (page_url, minimal_url):  # warm both workers
            wrk(url, 2, args.connections)
        # Alternate the two so drifts in machine load hit both alike; report medians.
        runs = {"page": [], "minimal": []}
        for _ in range(args.rounds):
            runs["page"].append(wrk(page_url, args.seconds, args.connections))
            runs["minimal"].append(wrk(minimal_url, args.seconds, args.connections))
        page = tuple(statistics.median(r[i] for r in runs["page"]) for i in range(3))
        minimal = tuple(statistics.median(r[i] for r in runs["minimal"]) for i in range(3))
        ratios = sorted(p[0] / m[0] for p, m in zip(runs["page"], runs["minimal"]))
        pdf_url = base + "/series/eucacis-in-brief/6/pdf/"
        pdf_size = len(urllib.request.urlopen(pdf_url).read())
        wrk(pdf_url, 2, args.connections)
        pdf_serving = tuple(
            statistics.median(r[i] for r in [wrk(pdf_url, args.seconds, args.connections) for _ in range(args.rounds)])
            for i in range(3)
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"gunicorn 2 workers, DEBUG off, SQLite; wrk 2 threads, {args.connections} connections; "
        f"{args.rounds} alternating rounds of {args.seconds}s each, medians"
    )
    print(f"response size: {size} bytes")
    print(f"{'':14}{'req/s':>10}{'median ms':>12}{'p99 ms':>10}")
    for name, (rps, p50, p99) in (("No. 6 page", page), ("minimal view", minimal)):
        print(f"{name:14}{rps:>10.0f}{p50:>12.2f}{p99:>10.2f}")
    ratio = page[0] / minimal[0]
    print(f"ratio: {ratio:.1%} of the minimal view's throughput (target: at least 8%)")
    print("ratio per round: " + ", ".join(f"{r:.1%}" for r in ratios))
    print()
    print(
        f"No. 6 PDF build: median {pdf_build['median']:.3f} s of {pdf_build['runs']} builds "
        f"(min {pdf_build['min']:.3f} s, max {pdf_build['max']:.3f} s; goal: under 1 s); "
        f"{pdf_build['pages']} pages, {pdf_build['passes']} layout pass(es), {pdf_build['bytes']} bytes"
    )
    rps, p50, p99 = pdf_serving
    print(f"serving the built PDF ({pdf_size} bytes): {rps:.0f} req/s, median {p50:.2f} ms, p99 {p99:.2f} ms")


PDF_BUILD = """
import json, statistics, time, django
django.setup()
from briefs.document import issue_document
from briefs.models import Issue
from briefs.pdf import build_pdf
issue = Issue.objects.select_related("series__programme").get(series__slug="eucacis-in-brief", number=6)
build_pdf(issue_document(issue))  # warm: fonts and templates loaded once per process
times, builds = [], []
for _ in range(RUNS):
    started = time.perf_counter()
    builds.append(build_pdf(issue_document(issue)))
    times.append(time.perf_counter() - started)
print(json.dumps({"median": statistics.median(times), "min": min(times), "max": max(times), "runs": RUNS,
                  "pages": builds[-1].pages, "passes": builds[-1].passes, "bytes": len(builds[-1].data)}))
"""


def measure_pdf_build(env, runs=7):
    """The build time of No. 6's PDF, from the issue document to the PDF's bytes."""
    import json

    out = subprocess.run(
        [PY, "-c", PDF_BUILD.replace("RUNS", str(runs))],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "eucacis.settings"}, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
