"""Print No. 6's meta tags, JSON-LD, citations, BibTeX and RIS from a scratch demo database.

Usage: .venv/bin/python scripts/show_citations.py [--site-url https://briefs.example.org]

Creates a temporary SQLite database, loads the demo (the series and its No. 6),
and runs ``manage.py show_citations`` on it; nothing of the project's own
database is touched. The same output for any issue of a real database:
``python manage.py show_citations --series <slug> --number <n>``.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

with tempfile.TemporaryDirectory(prefix="eucacis-citations-") as work:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{Path(work) / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(Path(work) / "media"),
        "PDF_ROOT": str(Path(work) / "pdfs"),
        "PHOTO_ORIGINALS_ROOT": str(Path(work) / "photo-originals"),
    }

    def manage(*args, **kwargs):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)

    manage("migrate", "--noinput", capture_output=True)
    manage("load_demo", capture_output=True)
    manage("show_citations", *sys.argv[1:])
