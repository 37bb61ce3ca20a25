"""Signing in is throttled (django-axes).

After ``AXES_FAILURE_LIMIT`` wrong passwords for one username from one client
address, that username is refused from that address, even with the right
password, until ``AXES_COOLOFF_TIME`` has passed or an administrator lifts the
pause. Other addresses and other usernames are not affected. Behind the HTTPS
proxy the client address is the one the proxy saw, not one the client claims.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory

from common.clients import client_ip
from eucacis.security import describe_duration
from tests.test_project import _manage

LOGIN = "/admin/login/"
PASSWORD = "the-right-password-1"
OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every sign-in hashes a password; the default hasher would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def albina(db, django_user_model):
    return django_user_model.objects.create_superuser("albina", "albina@example.org", PASSWORD)


def sign_in(client, username, password, **meta):
    meta.setdefault("REMOTE_ADDR", OFFICE)
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **meta)


def fail(client, times, username="albina", **meta):
    for _ in range(times):
        response = sign_in(client, username, "a-wrong-password", **meta)
    return response


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def assert_locked_out(response):
    assert response.status_code == 429, f"expected the lockout page (429), got {response.status_code}"
    html = response.content.decode()
    assert "Too many wrong passwords" in html and "Even the right password is refused" in html
    assert 'class="site-header"' in html, "the lockout page is in the site's design"
    assert f'href="{LOGIN}"' in html


def test_after_the_failure_limit_even_the_right_password_is_refused_with_the_lockout_page(client, albina, settings):
    limit = settings.AXES_FAILURE_LIMIT
    response = fail(client, limit - 1)
    assert response.status_code == 200 and "Please enter the correct username and password" in response.content.decode()

    assert_locked_out(fail(client, 1))  # the limit-th failure already pauses
    response = sign_in(client, "albina", PASSWORD)
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session
    cool_off = settings.AXES_COOLOFF_TIME
    assert response["Retry-After"] == str(int(cool_off.total_seconds()))
    assert f"paused for {describe_duration(cool_off)}" in response.content.decode()


def test_below_the_limit_the_right_password_works_and_starts_the_count_again(client, albina, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert signed_in(sign_in(client, "albina", PASSWORD))
    client.logout()
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert signed_in(sign_in(client, "albina", PASSWORD))


def test_the_pause_holds_only_for_that_username_from_that_address(client, albina, django_user_model, settings):
    django_user_model.objects.create_superuser("erkin", "erkin@example.org", PASSWORD)
    fail(client, settings.AXES_FAILURE_LIMIT, username="albina", REMOTE_ADDR=OFFICE)

    assert signed_in(sign_in(client, "albina", PASSWORD, REMOTE_ADDR=ELSEWHERE)), "another address is not paused"
    client.logout()
    assert signed_in(sign_in(client, "erkin", PASSWORD, REMOTE_ADDR=OFFICE)), "another username is not paused"
    client.logout()
    assert_locked_out(sign_in(client, "albina", PASSWORD, REMOTE_ADDR=OFFICE))


def _move_failures_back(by):
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])


def test_the_pause_ends_when_the_cool_off_has_passed_and_tries_during_it_do_not_prolong_it(client, albina, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    _move_failures_back(settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=30))
    assert_locked_out(sign_in(client, "albina", PASSWORD))  # refused, and not counted

    _move_failures_back(datetime.timedelta(seconds=31))
    assert signed_in(sign_in(client, "albina", PASSWORD))


def test_an_administrator_lifts_the_pause_by_deleting_the_access_attempt_in_the_admin(
    client, albina, django_user_model, settings
):
    fail(client, settings.AXES_FAILURE_LIMIT)
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "another-password-2")
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert (
        listing.status_code == 200 and "albina" in listing.content.decode() and "Locked Out" in listing.content.decode()
    )

    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="albina").values_list("pk", flat=True)]
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    client.logout()
    assert signed_in(sign_in(client, "albina", PASSWORD))


def test_the_axes_reset_username_command_lifts_the_pause(client, albina, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", "albina", stdout=open("/dev/null", "w"))
    assert signed_in(sign_in(client, "albina", PASSWORD))


# Behind the proxy (TRUSTED_PROXY_COUNT = 1): REMOTE_ADDR is the proxy's, and the
# proxy appends the address it was connected from to X-Forwarded-For.
PROXY = "127.0.0.1"


def test_behind_the_proxy_the_pause_follows_the_address_the_proxy_saw(client, albina, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE)

    assert_locked_out(sign_in(client, "albina", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE))
    claimed = f"192.0.2.99, {OFFICE}"  # the client claims another address; the proxy appends the real one
    assert_locked_out(sign_in(client, "albina", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=claimed))
    assert signed_in(sign_in(client, "albina", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE))


@pytest.mark.parametrize(
    "proxies, forwarded_for, expected",
    [
        (0, "192.0.2.1", "10.0.0.9"),  # no proxy trusted: the header is the client's own claim
        (1, "", "10.0.0.9"),  # did not come through the proxy
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the left entry is the client's claim
        (2, "192.0.2.66, 192.0.2.1, 10.0.0.5", "192.0.2.1"),  # two proxies: the outer one wrote the client
        (2, "192.0.2.1", "10.0.0.9"),  # fewer entries than proxies: not trusted
        (1, "not-an-address", "10.0.0.9"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_wrote(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    "delta, said",
    [
        (datetime.timedelta(minutes=15), "15 minutes"),
        (datetime.timedelta(minutes=1), "1 minute"),
        (datetime.timedelta(seconds=1), "1 minute"),
        (datetime.timedelta(minutes=90), "90 minutes"),
        (datetime.timedelta(hours=2), "2 hours"),
    ],
)
def test_the_pause_is_told_in_minutes_or_hours(delta, said):
    assert describe_duration(delta) == said


def test_limit_pause_and_proxy_count_have_defaults_and_come_from_the_environment():
    show = (
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.TRUSTED_PROXY_COUNT)"
    )
    production = {"DEBUG": "0", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "briefs.example.org"}
    defaults = _manage("shell", "--no-imports", "-c", show, **production)
    assert defaults.stdout.split() == ["5", "0:15:00", "1"], defaults.stderr
    overridden = _manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        **production,
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="60",
        TRUSTED_PROXY_COUNT="2",
    )
    assert overridden.stdout.split() == ["3", "1:00:00", "2"], overridden.stderr
