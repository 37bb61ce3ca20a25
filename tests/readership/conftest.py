"""Readers as the tests make them: browsers with an address, and the counts they leave."""

import pytest
from django.test import Client

from readership import counting
from readership.models import DailyCount

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
)


def reader(address="203.0.113.7", user_agent=FIREFOX):
    """A test client that sends a browser's user agent from ``address``."""
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def counts(issue):
    """``(views, downloads)`` of ``issue``, all days together."""
    rows = DailyCount.objects.filter(issue=issue)
    return sum(r.views for r in rows), sum(r.downloads for r in rows)


@pytest.fixture(autouse=True)
def _fresh_counting():
    counting._fallback.clear()
    counting._salts.clear()
    counting._sender.pending = []
    yield
    counting._fallback.clear()
