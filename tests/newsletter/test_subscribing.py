"""Subscribing: the forms on the public pages, what a careless or hostile visitor sends, and the limits."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from briefs.models import Topic
from newsletter import subscriptions, tokens
from newsletter.models import Subscriber, Subscription
from newsletter.subscriptions import CONSENT
from tests.conftest import make_series
from tests.smtp_server import free_port

SITE = "https://briefs.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(data, path="/newsletter/", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return send


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address."),
        ("not-an-address", "Enter an email address such as name@example.org."),
        ("a@b", "Enter an email address such as name@example.org."),
        ("two@example.org, three@example.org", "Enter an email address such as name@example.org."),
        ("x" * 250 + "@example.org", "An email address has at most 254 characters."),
        ("reader@example.org\r\nBcc: victim@example.org", "Enter an email address such as name@example.org."),
    ],
)
def test_a_bad_address_is_refused_on_the_form_and_nothing_is_kept_or_sent(db, post, email, error):
    answer = post({"email": email, "receive": "all"})
    assert answer.status_code == 400
    assert error in text(answer)
    assert 'aria-invalid="true"' in text(answer)
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_a_choice_that_is_not_offered_is_refused(db, post):
    answer = post({"email": "a@example.org", "receive": "series:no-such-series"})
    assert answer.status_code == 400
    assert "That series or topic is not offered any more: choose another." in text(answer)
    assert not Subscriber.objects.exists()


def test_the_full_page_offers_everything_each_series_and_each_topic_with_the_words_agreed_to(db, client):
    make_series(name="EUCACIS in Brief")
    Topic.objects.create(name="Energy", slug="energy")
    page = text(client.get("/newsletter/"))
    for label in ("Every new issue", "New issues of EUCACIS in Brief", "New issues on Energy"):
        assert label in page
    assert CONSENT["page"] in page
    assert "Set-Cookie" not in str(client.get("/newsletter/").headers)


@pytest.mark.parametrize("page", ["home", "series", "topic", "issue"])
def test_the_small_form_is_on_the_home_series_topic_and_issue_pages_with_the_short_consent(demo_issue, client, page):
    path = {
        "home": "/",
        "series": demo_issue.series.get_absolute_url(),
        "topic": demo_issue.topics.first().get_absolute_url(),
        "issue": demo_issue.get_absolute_url(),
    }[page]
    html = text(client.get(path))
    form = re.search(r'<form method="post" action="/newsletter/" class="signup-form">.*?</form>', html).group(0)
    assert CONSENT["short"] in form
    assert 'name="email"' in form and 'autocomplete="email"' in form
    if page in ("series", "issue"):
        assert f'value="series:{demo_issue.series.slug}" checked' in form
    if page == "topic":
        assert f'value="topic:{demo_issue.topics.first().slug}" checked' in form


def test_the_small_forms_words_are_kept_as_the_consent(db, post):
    post({"email": "a@example.org", "receive": "all", "form": "short"})
    assert Subscription.objects.get().consent_wording.startswith(CONSENT["short"])


def test_one_client_may_ask_ten_times_an_hour_then_is_told_to_wait(db, post, settings):
    settings.NEWSLETTER_REQUESTS_PER_CLIENT_HOUR = 10
    for n in range(10):
        assert post({"email": f"a{n}@example.org", "receive": "all"}).status_code == 200
    refused = post({"email": "late@example.org", "receive": "all"})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "too many requests" in text(refused)
    assert not Subscriber.objects.filter(email="late@example.org").exists()
    # Another client is not held back.
    assert post({"email": "other@example.org", "receive": "all"}, REMOTE_ADDR="192.0.2.9").status_code == 200


def test_one_address_gets_at_most_three_mails_a_day_and_the_answer_does_not_change(db, post, settings):
    settings.NEWSLETTER_REQUESTS_PER_CLIENT_HOUR = 100
    answers = {
        text(post({"email": "same@example.org", "receive": "all"}, REMOTE_ADDR=f"192.0.2.{n}")) for n in range(6)
    }
    assert len(answers) == 1
    assert len(mail.outbox) == 3


def test_with_the_shared_cache_down_subscribing_waits_and_keeps_nothing(db, post):
    closed = f"redis://127.0.0.1:{free_port()}/0"  # no Redis there: as if it were stopped
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": closed}}
    with override_settings(CACHES=down, PAGE_CACHE_ENABLED=False):
        answer = post({"email": "a@example.org", "receive": "all"})
    assert answer.status_code == 503 and answer["Retry-After"] == "60"
    assert "Nothing was saved" in text(answer)
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_an_expired_confirmation_link_says_so_and_a_cut_one_says_it_does_not_work(db, post, client):
    post({"email": "a@example.org", "receive": "all"})
    (path,) = re.findall(r"/newsletter/confirm/\S+/", mail.outbox[0].body)
    with override_settings(NEWSLETTER_CONFIRM_HOURS=0):
        expired = client.post(path)
    assert expired.status_code == 410 and "This link has expired" in text(expired)
    cut = client.post(path[:-10] + "/")
    assert cut.status_code == 404 and "This link does not work" in text(cut)
    assert Subscription.objects.get().confirmed_at is None


def test_a_link_of_one_kind_does_not_work_as_another(db):
    subscriber = Subscriber.objects.create(email="a@example.org")
    manage = tokens.make(tokens.MANAGE, subscriber.pk, subscriber.email)
    with pytest.raises(tokens.BadToken):
        subscriptions.subscriber_for(tokens.UNSUBSCRIBE, manage)


def test_a_link_made_for_one_address_does_not_work_for_the_row_that_now_holds_another(db):
    subscriber = Subscriber.objects.create(email="first@example.org")
    link = tokens.make(tokens.UNSUBSCRIBE, subscriber.pk, subscriber.email)
    Subscriber.objects.filter(pk=subscriber.pk).update(email="second@example.org")
    with pytest.raises(tokens.BadToken):
        subscriptions.subscriber_for(tokens.UNSUBSCRIBE, link)


def test_an_address_that_never_confirms_is_forgotten_once_its_link_expired(db, post):
    post({"email": "a@example.org", "receive": "all"})
    subscription = Subscription.objects.get()
    subscriptions.forget_unconfirmed.call(subscription.pk)  # too early: kept
    assert Subscription.objects.exists()
    Subscription.objects.update(requested_at=timezone.now() - datetime.timedelta(hours=73))
    subscriptions.forget_unconfirmed.call(subscription.pk)
    assert not Subscription.objects.exists() and not Subscriber.objects.exists()


def test_a_confirmed_address_is_not_forgotten(db, post, client):
    post({"email": "a@example.org", "receive": "all"})
    (path,) = re.findall(r"/newsletter/confirm/\S+/", mail.outbox[0].body)
    client.post(path)
    Subscription.objects.update(requested_at=timezone.now() - datetime.timedelta(hours=73))
    subscriptions.forget_unconfirmed.call(Subscription.objects.get().pk)
    assert Subscriber.objects.exists()


def test_addresses_differing_in_the_case_of_their_domain_are_one(db, post):
    post({"email": "Reader@Example.org", "receive": "all"})
    post({"email": "reader@EXAMPLE.ORG", "receive": "all"})
    assert Subscriber.objects.get().email == "Reader@example.org"
    assert Subscription.objects.count() == 1


def test_an_internationalised_domain_is_one_address_in_either_spelling(db, post):
    post({"email": "user@exämple.org", "receive": "all"})
    post({"email": "user@xn--exmple-cua.org", "receive": "all"})
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["user@xn--exmple-cua.org"]


def test_a_link_does_not_carry_a_digest_anyone_could_check_an_address_against(db):
    import hashlib

    from django.core import signing

    subscriber = Subscriber.objects.create(email="a@example.org")
    _pk, digest = signing.loads(
        tokens.make(tokens.UNSUBSCRIBE, subscriber.pk, subscriber.email), salt=tokens.UNSUBSCRIBE
    )
    assert digest != hashlib.sha256(b"a@example.org").hexdigest()[:16]


def test_requests_to_subscribe_someone_do_not_use_up_their_subscriptions_link(db, post, client, settings):
    settings.NEWSLETTER_REQUESTS_PER_CLIENT_HOUR = 100
    post({"email": "owner@example.org", "receive": "all"})
    (path,) = re.findall(r"/newsletter/confirm/\S+/", mail.outbox[0].body)
    client.post(path)
    for n in range(5):
        post({"email": "owner@example.org", "receive": "all"}, REMOTE_ADDR=f"198.51.100.{n}")
    sent = len(mail.outbox)
    post({"email": "owner@example.org"}, path="/newsletter/manage/")
    assert len(mail.outbox) == sent + 1 and "/newsletter/manage/" in mail.outbox[-1].body
