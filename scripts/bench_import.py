"""Time importing a generated 500-row fellows CSV through the real path
(read, plan, apply), first import and re-import, on a scratch database.

Usage: DATABASE_URL=… .venv/bin/python scripts/bench_import.py   (default: a temporary SQLite file)
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = Path(tempfile.mkdtemp(prefix="eucacis-import-")) / "db.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eucacis.settings")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import get_runner  # noqa: E402

runner = get_runner(settings)(verbosity=0)
old = runner.setup_databases()  # a test database, so a real DATABASE_URL is never touched
try:
    call_command("load_demo", stdout=open(os.devnull, "w"))
    from editorial.fellow_import import apply_import, plan_import, read_table
    from people.models import Programme

    countries = ["Kazakhstan", "GE", "Armenia", "UZ", "Afghanistan", "KG", "Tajikistan", "AZ"]
    lines = ["given name,family name,email,start year,end year,home institution,city,country,discipline,thesis title"]
    lines += [
        f"Test{i},Fellow{i},fellow{i}@example.org,{2000 + i % 20},{2002 + i % 20},University {i % 37},"
        f"City {i % 11},{countries[i % 8]},economics,Generated thesis title {i}"
        for i in range(500)
    ]
    data = ("\n".join(lines) + "\n").encode()
    programme = Programme.objects.get(slug="eucacis")
    for label in ("first import", "re-import"):
        start = time.perf_counter()
        header, rows, _ = read_table("fellows.csv", data)
        plan = plan_import(header, rows, programme=programme)
        planned = time.perf_counter()
        report = apply_import(plan)
        done = time.perf_counter()
        print(
            f"{label}: 500 rows, preview {1000 * (planned - start):.0f} ms, import {1000 * (done - planned):.0f} ms "
            f"({report.fellowships_created} created, {report.fellowships_unchanged} unchanged) "
            f"on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
        )
finally:
    runner.teardown_databases(old)
