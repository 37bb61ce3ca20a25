"""Mail settings come from the environment: EMAIL_URL, or Django's EMAIL_* settings."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from eucacis.env import email_from_url
from newsletter.backends import NoEmailBackend, NotConfigured


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "submission://news%40example.org:p%40ss@mail.example.org",
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_HOST_USER": "news@example.org",
                "EMAIL_HOST_PASSWORD": "p@ss",
            },
        ),
        ("smtps://u:p@mail.example.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False}),
        ("smtp://127.0.0.1:2525", {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 2525, "EMAIL_USE_TLS": False}),
    ],
)
def test_an_email_url_gives_djangos_settings(url, expected):
    settings = email_from_url(url)
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert expected.items() <= settings.items()


def test_console_prints_the_mails():
    assert email_from_url("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.org", "EMAIL_URL scheme 'http' is not supported"),
        ("smtp://", "EMAIL_URL names no host"),
        ("smtp://mail.example.org:port", "EMAIL_URL's port is not a number"),
    ],
)
def test_a_bad_email_url_says_what_is_wrong(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        email_from_url(url)


def test_a_production_site_without_a_mail_server_refuses_mails_with_what_to_set():
    assert NoEmailBackend().send_messages([]) == 0
    with pytest.raises(NotConfigured, match="set EMAIL_URL"):
        NoEmailBackend().send_messages(["a mail"])


def test_the_settings_read_email_url():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_PORT)"
    env = {
        "DJANGO_SETTINGS_MODULE": "eucacis.settings",
        "DEBUG": "1",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "2525"], out.stderr
