"""A reader subscribes, confirms, gets an issue's mail and unsubscribes, through a real SMTP server (aiosmtpd).

Everything a reader does goes through the site's pages; everything the site sends is
read back from what the SMTP server received.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from briefs.models import Issue, Topic
from briefs.workflow import apply_transition
from newsletter.models import Delivery, Subscriber, Subscription
from newsletter.subscriptions import CONSENT
from tests.conftest import make_interview, make_series
from tests.smtp_server import SmtpServer

SITE = "https://briefs.example.org"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    with override_settings(**server.settings, SITE_URL=SITE, NEWSLETTER_FROM_EMAIL="Briefs <news@example.org>"):
        yield server
    server.stop()


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Jobs run in the test process when the request's transaction commits, as the worker would run them."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def link_in(mail, path_start):
    (url,) = {u for u in re.findall(r"https://\S+", mail.part("text/plain")) if urlsplit(u).path.startswith(path_start)}
    assert url.startswith(SITE)
    return urlsplit(url).path


def publish(issue):
    return apply_transition(issue, "publish", by=None, check_permission=False)


def approved_interview(series=None, **fields):
    return make_interview(
        series,
        status=Issue.Status.APPROVED,
        public_from=None,
        introduction="<p>Since 2016 relations between the two states changed.</p><p>The interviewee is a scholar.</p>",
        **fields,
    )


def test_double_opt_in_then_one_mail_per_issue_then_one_click_unsubscribe(db, client, smtp, run_jobs):
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")

    answer = run_jobs(client.post, "/newsletter/", {"email": "Reader@Example.ORG", "receive": "all"})
    assert answer.status_code == 200
    assert "Check your inbox" in answer.content.decode()
    assert "csrftoken" not in answer.cookies and "sessionid" not in answer.cookies

    (confirmation,) = smtp.received
    assert confirmation.to == "Reader@example.org"
    assert confirmation.message["Subject"] == "Confirm your subscription to EUCACIS publications"
    confirm_path = link_in(confirmation, "/newsletter/confirm/")

    # Nothing is sent to an unconfirmed subscription.
    first = approved_interview(series, title="Before confirming")
    run_jobs(publish, first)
    assert len(smtp.received) == 1
    assert Subscription.objects.get().confirmed_at is None

    # A mail program that opens the link before its reader does confirms nothing: a GET shows a button.
    page = client.get(confirm_path)
    assert page.status_code == 200 and "Confirm my subscription" in page.content.decode()
    assert Subscription.objects.get().confirmed_at is None
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 200 and "Subscription confirmed" in confirmed.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None
    assert subscription.consent_wording.startswith(CONSENT["page"])
    assert "chosen: every new issue" in subscription.consent_wording
    # The address is the only personal datum kept.
    assert [f.name for f in Subscriber._meta.concrete_fields] == ["id", "email", "created_at"]

    topic = Topic.objects.create(name="Regional integration", slug="regional-integration")
    second = approved_interview(series, title="Recent changes in the Kazakh-Uzbek relations")
    second.topics.add(topic)
    run_jobs(publish, second)
    assert len(smtp.received) == 2
    mail = smtp.received[1]
    message = mail.message
    assert mail.to == "Reader@example.org"
    assert message["Subject"] == f"EUCACIS in Brief No. {second.number}: Recent changes in the Kazakh-Uzbek relations"
    assert message["From"] == "Briefs <news@example.org>"
    text, html = mail.part("text/plain"), mail.part("text/html")
    for part in (text, html):
        assert "Recent changes in the Kazakh-Uzbek relations" in part
        assert "Interview by Given" in part and "with Given" in part  # the byline, with every contributor
        assert "Since 2016 relations between the two states changed." in part  # the standfirst
        assert "The interviewee is a scholar" not in part
        assert "Regional integration" in part
        assert f"{SITE}{second.get_absolute_url()}" in part
        assert f"{SITE}/series/eucacis-in-brief/{second.number}/pdf/" in part
    unsubscribe_url = message["List-Unsubscribe"].strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url.startswith(f"{SITE}/newsletter/unsubscribe/")
    assert unsubscribe_url in text and unsubscribe_url in html

    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" to the header's address, without a cookie.
    one_click = client.post(
        urlsplit(unsubscribe_url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert not Subscriber.objects.exists()
    # What was sent is still counted, without the address.
    assert Delivery.objects.filter(mailing__issue=second, state="sent", subscriber__isnull=True).count() == 1

    run_jobs(publish, approved_interview(series, title="After unsubscribing"))
    assert len(smtp.received) == 2


def test_the_unsubscribe_link_in_the_text_asks_once_then_unsubscribes(db, client, smtp, run_jobs):
    series = make_series()
    run_jobs(client.post, "/newsletter/", {"email": "a@example.org", "receive": f"series:{series.slug}"})
    client.post(link_in(smtp.received[0], "/newsletter/confirm/"))
    run_jobs(publish, approved_interview(series))
    path = link_in(smtp.received[1], "/newsletter/unsubscribe/")

    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe from all emails" in page.content.decode()
    assert Subscriber.objects.exists()  # a link checker's GET unsubscribes nobody
    done = client.post(path)
    assert "You are unsubscribed" in done.content.decode()
    assert not Subscriber.objects.exists()
    again = client.post(path)
    assert again.status_code == 200 and "You are not subscribed" in again.content.decode()


def test_a_series_or_topic_subscription_gets_only_the_issues_it_covers(db, client, smtp, run_jobs):
    briefs, other = make_series(name="Briefs"), make_series(name="Other")
    topic = Topic.objects.create(name="Energy", slug="energy")
    for email, receive in [
        ("all@example.org", "all"),
        ("briefs@example.org", f"series:{briefs.slug}"),
        ("energy@example.org", "topic:energy"),
    ]:
        run_jobs(client.post, "/newsletter/", {"email": email, "receive": receive})
    for mail in smtp.received:
        client.post(link_in(mail, "/newsletter/confirm/"))
    before = len(smtp.received)

    in_briefs = approved_interview(briefs)
    run_jobs(publish, in_briefs)
    on_energy = approved_interview(other)
    on_energy.topics.add(topic)
    run_jobs(publish, on_energy)
    neither = approved_interview(other)
    run_jobs(publish, neither)

    got = {}
    for mail in smtp.received[before:]:
        got.setdefault(mail.to, []).append(mail.message["Subject"])
    assert sorted(got) == ["all@example.org", "briefs@example.org", "energy@example.org"]
    assert len(got["all@example.org"]) == 3
    assert got["briefs@example.org"] == [f"Briefs No. {in_briefs.number}: {in_briefs.title}"]
    assert got["energy@example.org"] == [f"Other No. {on_energy.number}: {on_energy.title}"]


def test_an_address_with_two_subscriptions_covering_an_issue_gets_one_mail(db, client, smtp, run_jobs):
    series = make_series()
    for receive in ("all", f"series:{series.slug}"):
        run_jobs(client.post, "/newsletter/", {"email": "twice@example.org", "receive": receive})
    for mail in smtp.received:
        client.post(link_in(mail, "/newsletter/confirm/"))
    before = len(smtp.received)
    run_jobs(publish, approved_interview(series))
    assert len(smtp.received) == before + 1


def test_the_answer_never_says_whether_an_address_is_subscribed(db, client, smtp, run_jobs):
    new = run_jobs(client.post, "/newsletter/", {"email": "x@example.org", "receive": "all"})
    client.post(link_in(smtp.received[0], "/newsletter/confirm/"))
    again = run_jobs(client.post, "/newsletter/", {"email": "x@example.org", "receive": "all"})

    def body(response):
        return re.sub(r"\s+", " ", response.content.decode())

    assert (new.status_code, body(new)) == (again.status_code, body(again))
    # The address itself is told, by mail, with a link to manage what it gets.
    assert smtp.received[1].message["Subject"] == "You already receive mails from EUCACIS publications"
    assert "/newsletter/manage/" in smtp.received[1].part("text/plain")
    assert Subscription.objects.count() == 1


def test_a_reader_changes_their_subscriptions_from_a_link_sent_to_their_address(db, client, smtp, run_jobs):
    topic = Topic.objects.create(name="Energy", slug="energy")
    run_jobs(client.post, "/newsletter/", {"email": "m@example.org", "receive": "all"})
    client.post(link_in(smtp.received[0], "/newsletter/confirm/"))

    asked = run_jobs(client.post, "/newsletter/manage/", {"email": "m@example.org"})
    assert "Check your inbox" in asked.content.decode()
    manage_path = link_in(smtp.received[1], "/newsletter/manage/")
    page = client.get(manage_path).content.decode()
    assert "m@example.org" in page and "Every new issue" in page and "New issues on Energy" in page

    keep_none_add_topic = client.post(manage_path, {"add": ["topic:energy"]})
    assert "Your subscriptions are saved" in keep_none_add_topic.content.decode()
    (subscription,) = Subscription.objects.all()
    assert subscription.topic == topic and subscription.confirmed_at is not None
    assert subscription.consent_wording.startswith(CONSENT["manage"])

    gone = client.post(manage_path, {})
    assert "You are unsubscribed" in gone.content.decode()
    assert not Subscriber.objects.exists()


def test_asking_for_a_manage_link_for_an_unknown_address_says_the_same_and_sends_nothing(db, client, smtp, run_jobs):
    answer = run_jobs(client.post, "/newsletter/manage/", {"email": "nobody@example.org"})
    assert answer.status_code == 200 and "Check your inbox" in answer.content.decode()
    assert smtp.received == []
