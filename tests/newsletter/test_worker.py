"""End to end with a real worker process (``manage.py jobs_worker``) and a real SMTP server (aiosmtpd).

The worker runs as a deployment runs it, against a database of its own
(tests/jobs/test_worker.py's ``site``), and sends to the test's SMTP server
through ``EMAIL_URL``.
"""

import os
import signal
import time
from collections import Counter

import pytest

from tests.jobs.test_worker import site, wait_for  # noqa: F401  (site is a fixture)
from tests.smtp_server import SmtpServer

SETUP = """
import datetime
from django.utils import timezone
from briefs.models import Issue
from briefs.workflow import apply_transition
from newsletter.models import Subscriber, Subscription
from tests.conftest import make_interview
made = Subscriber.objects.bulk_create(Subscriber(email=f"reader{{n}}@example.org") for n in range({count}))
Subscription.objects.bulk_create(
    Subscription(subscriber=s, scope="all", consent_wording="test", confirmed_at=timezone.now()) for s in made
)
issue = make_interview(status=Issue.Status.APPROVED, public_from=None)
at = timezone.now() + datetime.timedelta(seconds={in_seconds}) if {in_seconds} else None
apply_transition(issue, "publish", by=None, check_permission=False, at=at)
issue.refresh_from_db()
print(issue.pk, issue.public_from.timestamp())
"""


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    for name, value in {
        "EMAIL_URL": server.url,
        "SITE_URL": "https://briefs.example.org",
        # A claim of a job that died is taken over after a second (a claim of 20 mails takes far less here).
        "NEWSLETTER_CLAIM_SECONDS": "1",
        "NEWSLETTER_BATCH_SIZE": "50",
    }.items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def test_a_worker_killed_mid_batch_then_restarted_sends_every_subscriber_exactly_one_mail(smtp, site):  # noqa: F811
    run, start_worker, db, _ = site
    count = 300
    smtp.handler.delay = 0.005
    pk, _ = run("shell", "--no-imports", "-c", SETUP.format(count=count, in_seconds=0)).stdout.split()

    first = start_worker()
    smtp.wait_for(100)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    received_at_kill = len(smtp.received)
    assert received_at_kill < count  # killed mid-way
    sent, pending = (
        db.one(
            "SELECT COUNT(*) FROM newsletter_delivery d JOIN newsletter_mailing m ON m.id = d.mailing_id "
            "WHERE m.issue_id = ? AND d.state = ?",
            [pk, state],
        )[0]
        for state in ("sent", "pending")
    )
    assert sent >= received_at_kill - 1 and pending > 0

    start_worker()
    wait_for(lambda: db.one("SELECT state FROM newsletter_mailing WHERE issue_id = ?", [pk]) == ("done",), 60)
    per_address = Counter(mail.to for mail in smtp.received)
    assert sorted(per_address) == sorted(f"reader{n}@example.org" for n in range(count))
    assert set(per_address.values()) == {1}
    assert db.one(
        "SELECT COUNT(*) FROM newsletter_delivery d JOIN newsletter_mailing m ON m.id = d.mailing_id "
        "WHERE m.issue_id = ? AND d.state = 'sent'",
        [pk],
    ) == (count,)


def test_a_scheduled_issues_mail_goes_at_its_minute_not_before(smtp, site):  # noqa: F811
    run, start_worker, db, _ = site
    pk, public_from = run("shell", "--no-imports", "-c", SETUP.format(count=3, in_seconds=4)).stdout.split()
    public_from = float(public_from)
    start_worker()
    while time.time() < public_from - 0.3:
        assert smtp.received == [], "a mail went before the issue was public"
        time.sleep(0.05)
    smtp.wait_for(3, seconds=20)
    arrived = time.time()
    assert arrived >= public_from
    assert arrived - public_from < 5  # the worker polls every 0.1 s here
    assert sorted(mail.to for mail in smtp.received) == [f"reader{n}@example.org" for n in range(3)]
