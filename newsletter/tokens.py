"""The signed links of the newsletter's mails: confirm a subscription, unsubscribe, manage subscriptions.

Each link carries a row's id and a digest of its address, signed with the site's
secret key and a salt of its own purpose, so a link of one kind never works as
another, and a link made for an address never works for a row that now holds
another. The confirmation and management links expire; an unsubscribe link
works for as long as the address is subscribed.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

CONFIRM = "newsletter.confirm"
MANAGE = "newsletter.manage"
UNSUBSCRIBE = "newsletter.unsubscribe"

_MAX_AGE = {
    CONFIRM: lambda: settings.NEWSLETTER_CONFIRM_HOURS * 3600,
    MANAGE: lambda: settings.NEWSLETTER_MANAGE_HOURS * 3600,
    UNSUBSCRIBE: lambda: None,
}


class BadToken(Exception):
    """A link that is not ours, was cut short, is of another kind, or has expired (``expired``)."""

    def __init__(self, *, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def address_digest(email):
    """A keyed digest of the address (HMAC with the secret key): a link tells nobody which address it is for."""
    return salted_hmac("newsletter.address", email.strip().lower()).hexdigest()[:16]


def make(purpose, pk, email):
    return signing.dumps([pk, address_digest(email)], salt=purpose, compress=False)


def read(purpose, token):
    """``(pk, address digest)`` of a link made by :func:`make` for ``purpose``; raises :class:`BadToken`."""
    try:
        value = signing.loads(token, salt=purpose, max_age=_MAX_AGE[purpose]())
    except signing.SignatureExpired as error:
        raise BadToken(expired=True) from error
    except signing.BadSignature as error:
        raise BadToken() from error
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        raise BadToken()
    return value[0], value[1]
