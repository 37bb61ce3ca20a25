"""What editors see of the newsletter: counts, each issue's mails, the mail about to go, a test of it."""

import pytest
from django.core import mail
from django.utils import timezone

from briefs.models import Issue, Topic
from briefs.workflow import apply_transition
from newsletter.models import Delivery, Mailing, Subscriber, Subscription
from tests.conftest import make_interview, make_series

SITE = "https://briefs.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def subscribe(email, **fields):
    subscriber = Subscriber.objects.create(email=email)
    Subscription.objects.create(subscriber=subscriber, consent_wording="words", **fields)
    return subscriber


def published(series=None, **fields):
    issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None, **fields)
    apply_transition(issue, "publish", by=None, check_permission=False)
    return issue


def test_the_mailings_list_counts_subscribers_by_what_they_receive(db, editor_client):
    series = make_series(name="EUCACIS in Brief")
    topic = Topic.objects.create(name="Energy", slug="energy")
    now = timezone.now()
    subscribe("a@example.org", scope="all", confirmed_at=now)
    subscribe("b@example.org", scope="series", series=series, confirmed_at=now)
    subscribe("c@example.org", scope="topic", topic=topic, confirmed_at=now)
    subscribe("d@example.org", scope="all")  # not confirmed
    page = editor_client.get("/admin/newsletter/mailing/").content.decode()
    assert "<strong>3</strong> confirmed addresses, and 1 waiting to confirm" in page
    assert "<tr><td>every new issue</td><td>1</td></tr>" in page
    assert "<tr><td>new issues of EUCACIS in Brief</td><td>1</td></tr>" in page
    assert "<tr><td>new issues on Energy</td><td>1</td></tr>" in page
    assert "a@example.org" not in page


def test_an_issues_page_says_how_many_of_its_mails_were_sent_failed_and_pending(db, editor_client):
    issue = published()
    mailing = Mailing.objects.get(issue=issue)
    Mailing.objects.filter(pk=mailing.pk).update(state="sending", started_at=timezone.now())
    for n, state in enumerate(["sent"] * 3 + ["failed"] + ["pending"] * 2 + ["sending"]):
        Delivery.objects.create(mailing=mailing, subscriber=subscribe(f"r{n}@example.org", scope="all"), state=state)
    page = editor_client.get(f"/admin/briefs/issue/{issue.pk}/change/").content.decode()
    assert "<strong>Publication</strong> (being sent," in page
    assert ": 3 sent, 1 failed, 3 pending" in page
    listing = editor_client.get("/admin/newsletter/mailing/").content.decode()
    assert '<td class="field-sent">3</td><td class="field-failed">1</td><td class="field-pending">3</td>' in listing


def test_the_preview_shows_the_mail_and_a_test_goes_to_the_editor_alone(
    db, editor_client, editor, django_capture_on_commit_callbacks
):
    subscribe("reader@example.org", scope="all", confirmed_at=timezone.now())
    issue = make_interview(title="Recent changes", status=Issue.Status.APPROVED, public_from=None)
    url = f"/admin/newsletter/mailing/preview/{issue.pk}/"
    page = editor_client.get(url).content.decode()
    assert f"{issue.series.name} No. {issue.number}: Recent changes" in page
    assert "<strong>1</strong> address now" in page
    assert "List-Unsubscribe-Post" in page
    framed = editor_client.get(f"{url}html/")
    assert "Recent changes" in framed.content.decode()
    policy = framed["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert framed["X-Frame-Options"] == "SAMEORIGIN"

    with django_capture_on_commit_callbacks(execute=True):
        sent = editor_client.post(url, follow=True)
    assert "A test of this mail is on its way to editor@example.org" in sent.content.decode()
    (test,) = mail.outbox
    assert test.to == ["editor@example.org"] and test.subject.startswith("[Test] ")
    assert not Mailing.objects.exists() and not Delivery.objects.exists()  # nothing counted, nobody else mailed


def test_no_test_without_an_address_on_the_account(db, client, django_user_model):
    user = django_user_model.objects.create_superuser("noaddress", "", "pw-for-tests-only")
    client.force_login(user)
    issue = make_interview()
    answer = client.post(f"/admin/newsletter/mailing/preview/{issue.pk}/", follow=True).content.decode()
    assert "No test was sent: your account has no email address" in answer
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "mailings", "preview", "subscribers"),
    [("Editor-in-chief", 200, 200, 200), ("Editor", 200, 200, 403), ("Programme staff", 403, 403, 403)],
)
def test_who_sees_what(db, client_in_role, role, mailings, preview, subscribers):
    client = client_in_role(role)
    issue = make_interview()
    assert client.get("/admin/newsletter/mailing/").status_code == mailings
    assert client.get(f"/admin/newsletter/mailing/preview/{issue.pk}/").status_code == preview
    assert client.get(f"/admin/newsletter/mailing/preview/{issue.pk}/html/").status_code == preview
    assert client.get("/admin/newsletter/subscriber/").status_code == subscribers


def test_only_an_exact_address_finds_a_subscriber(db, editor_client):
    subscribe("someone@example.org", scope="all", confirmed_at=timezone.now())
    assert "someone@example.org" not in editor_client.get("/admin/newsletter/subscriber/").content.decode()
    assert "someone@example.org" not in editor_client.get("/admin/newsletter/subscriber/?q=someone").content.decode()
    found = editor_client.get("/admin/newsletter/subscriber/?q=SOMEONE@example.org").content.decode()
    assert "someone@example.org" in found


def test_announcing_a_correction_is_the_chiefs_asks_first_and_goes_once(
    db, client_in_role, django_capture_on_commit_callbacks
):
    subscribe("reader@example.org", scope="all", confirmed_at=timezone.now())
    issue = published()
    draft = make_interview(status=Issue.Status.DRAFT, public_from=None)
    issue.corrections.create(note="A date was wrong.")
    action = {"action": "announce_correction", "_selected_action": [issue.pk, draft.pk]}

    editor = client_in_role("Editor")
    editor.post("/admin/briefs/issue/", action)
    editor.post("/admin/briefs/issue/", {**action, "confirmed": "yes"})
    assert not Mailing.objects.filter(kind="correction").exists()

    chief = client_in_role("Editor-in-chief")
    asked = chief.post("/admin/briefs/issue/", action).content.decode()
    assert "Mail subscribers the latest correction?" in asked
    assert "To <strong>1</strong> address." in asked and "A date was wrong." in asked
    assert f"Corrected: {issue.series.name} No. {issue.number}" in asked
    assert "not public, or no published correction" in asked
    assert not Mailing.objects.filter(kind="correction").exists()  # nothing before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        answer = chief.post("/admin/briefs/issue/", {**action, "confirmed": "yes"}, follow=True).content.decode()
    assert "Queued 1 correction mail" in answer
    assert "1 of the chosen issues was not announced" in answer
    (correction,) = Mailing.objects.filter(kind="correction")
    assert correction.issue == issue and correction.note == "A date was wrong."

    again = chief.post("/admin/briefs/issue/", {**action, "confirmed": "yes"}, follow=True).content.decode()
    assert "was announced already" in again
    assert Mailing.objects.filter(kind="correction").count() == 1


def test_the_correction_action_checks_each_issue_it_would_announce(db, client, django_user_model):
    """Publishing is not enough: the issue must be one the user may change."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("publisher", "p@example.org", "pw-for-tests-only", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["publish_issue", "view_issue"], content_type__app_label="briefs")
    )
    client.force_login(user)
    issue = published()
    issue.corrections.create(note="A date was wrong.")
    client.post(
        "/admin/briefs/issue/",
        {"action": "announce_correction", "_selected_action": [issue.pk], "confirmed": "yes"},
    )
    assert not Mailing.objects.filter(kind="correction").exists()


def test_the_preview_shows_a_title_as_text_never_as_markup(db, editor_client):
    issue = make_interview(
        title='Draft <a href="https://evil.example/login">Sign in again</a><meta http-equiv="refresh" content="0">'
    )
    page = editor_client.get(f"/admin/newsletter/mailing/preview/{issue.pk}/").content.decode()
    assert '<a href="https://evil.example/login">' not in page and "<meta http-equiv" not in page
    assert "&lt;a href=&quot;https://evil.example/login&quot;&gt;" in page or "&lt;a href=" in page


def test_the_subscribers_list_has_no_page_per_address(db, editor_client):
    subscriber = subscribe("someone@example.org", scope="all", confirmed_at=timezone.now())
    for suffix in ("change/", "delete/", "history/", ""):
        assert editor_client.get(f"/admin/newsletter/subscriber/{subscriber.pk}/{suffix}").status_code in (302, 404)
    # Found by its exact address, it can be deleted from the list.
    editor_client.post(
        "/admin/newsletter/subscriber/?q=someone@example.org",
        {"action": "delete_selected", "_selected_action": [subscriber.pk], "post": "yes"},
    )
    assert not Subscriber.objects.exists()
