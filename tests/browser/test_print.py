"""The browser's own print of an issue page: no navigation, page numbers, no half-empty pages."""

import io
import os
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_printing_the_issue_page_fills_its_pages_and_numbers_them_without_site_navigation(page, live_server):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    page.goto(f"{live_server.url}/series/eucacis-in-brief/6/")
    page.emulate_media(media="print")
    data = page.pdf(format="A4", print_background=False)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) >= 4
    text = "\n".join(pages)
    assert "Skip to content" not in text and "All issues" not in text and "Download the printed brief" not in text
    for number, content in enumerate(pages, start=1):
        assert re.search(rf"(^|\n)\s*{number}\s*($|\n)", content), f"page {number} has no page number"
    # No page but the last is left two-thirds empty: each carries at least a third
    # of the fullest page's text.
    fullest = max(len(p) for p in pages)
    for number, content in enumerate(pages[:-1], start=1):
        assert len(content) >= fullest / 3, f"page {number} is mostly empty ({len(content)} of {fullest} characters)"
