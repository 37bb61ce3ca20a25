"""Serve the site with gunicorn (2 workers, DEBUG off) on a fresh demo database and
drive the No. 6 page with wrk: rendered from scratch on every request, as for the
first reader after a change (a server with the page cache and every cache kept
under the content version off: CONTENT_CACHES=0); rendered on every request from
the issue document kept under the content version (the page cache off); served
from the production cache (a server with Redis), answered 304, and a minimal
Django view returning as many bytes.

Prints requests per second, median and 99th-percentile latency for each, and
their ratios to the minimal view's throughput.
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
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, seconds, connections, headers=()):
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url} answered {errors.group(1)} errors:\n{out}")
    return (
        rps,
        _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
    )


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
        "PHOTO_ORIGINALS_ROOT": str(work / "photo-originals"),
    }
    manage = lambda *a: subprocess.run([PY, "manage.py", *a], cwd=ROOT, env=env, check=True, capture_output=True)
    manage("migrate", "--noinput")
    # The demo app is installed only with DEBUG: the content is loaded so, and served without.
    subprocess.run([PY, "manage.py", "load_demo"], cwd=ROOT, env=env | {"DEBUG": "1"}, check=True, capture_output=True)
    manage("build_pdfs")  # what the worker would do: the served PDF is measured below
    manage("collectstatic", "--noinput")
    pdf_build = measure_pdf_build(env)

    redis_url, redis_server = redis_for_bench(work)
    scratch_port, uncached_port, cached_port = free_port(), free_port(), free_port()
    servers = [
        start_gunicorn(env | {"PAGE_CACHE_ENABLED": "0", "CONTENT_CACHES": "0"}, scratch_port),
        start_gunicorn(env | {"PAGE_CACHE_ENABLED": "0"}, uncached_port),
        start_gunicorn(
            env | {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}"}, cached_port
        ),
    ]
    try:
        scratch_base = f"http://127.0.0.1:{scratch_port}"
        uncached_base, cached_base = f"http://127.0.0.1:{uncached_port}", f"http://127.0.0.1:{cached_port}"
        for base in (scratch_base, uncached_base, cached_base):
            wait_for(base)
        path = (
            urllib.request.urlopen(uncached_base + "/series/eucacis-in-brief/6/")
            .geturl()
            .split(str(uncached_port), 1)[1]
        )
        size = len(urllib.request.urlopen(uncached_base + path).read())
        with urllib.request.urlopen(cached_base + path) as response:
            etag = response.headers["ETag"]
        minimal_path = f"/_bench/minimal/{size}/"
        assert len(urllib.request.urlopen(cached_base + minimal_path).read()) == size
        # Every request comes from a browser, as readers' do: the issue page's are counted by the readership
        # middleware (not robots, so each pays its Redis round trip; all but the first are double clicks).
        reader = ["-H", f"User-Agent: {BROWSER}"]
        cases = {
            "from scratch": (scratch_base + path, reader),
            "kept document": (uncached_base + path, reader),
            "cached (Redis)": (cached_base + path, reader),
            "304": (cached_base + path, [*reader, "-H", f"If-None-Match: {etag}"]),
            "minimal view": (cached_base + minimal_path, reader),
        }
        for url, headers in cases.values():  # warm every worker
            wrk(url, 2, args.connections, headers)
        # Alternate the cases so drifts in machine load hit all alike; report medians.
        runs = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, (url, headers) in cases.items():
                runs[name].append(wrk(url, args.seconds, args.connections, headers))
        medians = {
            name: tuple(statistics.median(r[i] for r in results) for i in range(3)) for name, results in runs.items()
        }
        ratios = {name: sorted(r[0] / m[0] for r, m in zip(runs[name], runs["minimal view"])) for name in cases}
        pdf_url = cached_base + "/series/eucacis-in-brief/6/pdf/"
        pdf_size = len(urllib.request.urlopen(pdf_url).read())
        wrk(pdf_url, 2, args.connections)
        pdf_serving = tuple(
            statistics.median(r[i] for r in [wrk(pdf_url, args.seconds, args.connections) for _ in range(args.rounds)])
            for i in range(3)
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"gunicorn 2 workers, DEBUG off, SQLite; wrk 2 threads, {args.connections} connections; "
        f"{args.rounds} alternating rounds of {args.seconds}s each, medians"
    )
    print(f"No. 6 page: {size} bytes; the minimal view returns as many")
    counting = "on" if os.environ.get("READERSHIP_COUNTING", "1") != "0" else "off (READERSHIP_COUNTING=0)"
    print(f"User-Agent: a browser's; readership counting {counting}")
    print(f"{'':16}{'req/s':>10}{'median ms':>12}{'p99 ms':>10}{'of minimal':>12}   per round")
    goals = {"from scratch": 0.11, "cached (Redis)": 0.80, "304": 0.85}
    for name, (rps, p50, p99) in medians.items():
        ratio = rps / medians["minimal view"][0]
        rounds = ", ".join(f"{r:.0%}" for r in ratios[name])
        goal = f"   goal {goals[name]:.0%}" if name in goals else ""
        print(f"{name:16}{rps:>10.0f}{p50:>12.2f}{p99:>10.2f}{ratio:>12.1%}   {rounds}{goal}")
    print()
    print(
        f"No. 6 PDF build: median {pdf_build['median']:.3f} s of {pdf_build['runs']} builds "
        f"(min {pdf_build['min']:.3f} s, max {pdf_build['max']:.3f} s; goal: under 1 s); "
        f"{pdf_build['pages']} pages, {pdf_build['passes']} layout pass(es), {pdf_build['bytes']} bytes"
    )
    rps, p50, p99 = pdf_serving
    print(f"serving the built PDF ({pdf_size} bytes): {rps:.0f} req/s, median {p50:.2f} ms, p99 {p99:.2f} ms")


def start_gunicorn(env, port):
    return subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "eucacis.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def wait_for(base):
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{base} did not answer")


def redis_for_bench(work):
    """REDIS_URL if set, else the Redis on 127.0.0.1:6379, else one started here."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 6379)) == 0:
            return "redis://127.0.0.1:6379/0", None
    if not shutil.which("redis-server"):
        raise SystemExit("Redis is needed: set REDIS_URL or install redis-server")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0", server


PDF_BUILD = """
import json, statistics, time, django
django.setup()
from briefs.document import issue_document
from briefs.models import Issue
from printing.pdf import build_pdf
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
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "eucacis.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
