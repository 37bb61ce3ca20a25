"""Subscribing (double opt-in), confirming, unsubscribing and managing one's subscriptions.

Nothing here tells a visitor whether an address is subscribed: every request to
subscribe gets the same answer, and what happens next is told only to the address,
by mail (a confirmation link, or word that it is subscribed already with a link to
manage it). An address that never confirms is forgotten once its link has expired.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from briefs.models import Series, Topic
from common.reversing import url_for
from jobs import queue
from newsletter import mails, tokens
from newsletter.models import Scope, Subscriber, Subscription

logger = logging.getLogger(__name__)

#: The words a reader agrees to, as each form shows them; the one agreed to is kept with the subscription,
#: with what was chosen. The small form of the home, series, topic and issue pages says it shortly
#: (templates/newsletter/_signup.html; a test holds the two to the same words).
CONSENT = {
    "page": (
        "Send me an email at this address each time a new issue I chose is published here, and nothing else. "
        "My address is kept for this alone, and every mail has a link to unsubscribe at once."
    ),
    "short": (
        "One email per new issue, and nothing else. We send a link to confirm first; every mail has a link "
        "to unsubscribe."
    ),
    "manage": (
        "Send me an email at this address each time such an issue is published, and nothing else. "
        "My address is kept for this alone, and every mail has a link to unsubscribe at once."
    ),
}


def consent_wording(form, chosen):
    """What is kept of the reader's consent: the words of the form they used (``page``, ``short``, ``manage``), on
    this site, and what they chose."""
    return f"{CONSENT[form]} [{settings.SITE_NAME}; chosen: {chosen}]"


# -- what can be chosen ---------------------------------------------------------


def choice_value(scope, target=None):
    return scope if scope == Scope.ALL else f"{scope}:{target.slug}"


def what_label(scope, target=None):
    if scope == Scope.SERIES:
        return f"new issues of {target.name}"
    if scope == Scope.TOPIC:
        return f"new issues on {target.name}"
    return "every new issue"


def choices():
    """Every subscription that can be chosen: ``[(value, label)]``: everything, each series, each topic."""
    options = [(Scope.ALL, "Every new issue")]
    options += [(choice_value(Scope.SERIES, s), f"New issues of {s.name}") for s in Series.objects.order_by("name")]
    options += [(choice_value(Scope.TOPIC, t), f"New issues on {t.name}") for t in Topic.objects.order_by("name")]
    return options


def parse_choice(value):
    """``(scope, series or topic or None)`` for a choice's value; raises ``ValueError`` for an unknown one."""
    if value == Scope.ALL:
        return Scope.ALL, None
    scope, _, slug = (value or "").partition(":")
    model = {Scope.SERIES: Series, Scope.TOPIC: Topic}.get(scope)
    target = model.objects.filter(slug=slug).first() if model and slug else None
    if target is None:
        raise ValueError(value)
    return scope, target


def normalised(email):
    """One spelling per address: the domain in lower case and in its ASCII (IDNA) form, as it is sent to, so that
    ``exämple.org`` and ``xn--exmple-cua.org`` are one address (the local part is the server's, but matched
    without case)."""
    local, _, domain = email.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # the form's validator accepted it; it is kept as typed
    return f"{local}@{domain.lower()}"


def find_subscriber(email):
    return Subscriber.objects.filter(email__iexact=normalised(email)).first()


# -- limits ---------------------------------------------------------------------


class Limited(Exception):
    """Too many requests from one client: told to the client, as it says nothing of any address."""


class LimitUnavailable(Exception):
    """The shared cache that counts requests is down: subscribing waits rather than going uncounted."""


def _count(key, window):
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1
    except Exception as error:  # Redis down or stalled
        raise LimitUnavailable() from error


def _digest(*parts):
    """A keyed digest of a client's or an address's name for its counter: the cache holds neither."""
    return salted_hmac("newsletter.limit", "\x00".join(parts)).hexdigest()[:32]


def check_client(client_address):
    """Count a request from ``client_address``; raises :class:`Limited` past the hourly limit."""
    if _count(f"newsletter:client:{_digest(client_address)}", 3600) > settings.NEWSLETTER_REQUESTS_PER_CLIENT_HOUR:
        raise Limited()


def address_allows_mail(email, kind="subscribe"):
    """Whether one more mail of this kind (``subscribe``: a confirmation or word that it is subscribed already;
    ``manage``: a link to one's subscriptions) may go to ``email`` today. Past the limit the answer is a quiet
    ``False``: nothing is told. Each kind has its own budget, so that requests to subscribe someone cannot keep
    them from their own subscriptions' link."""
    return (
        _count(f"newsletter:address:{kind}:{_digest(email.lower())}", 86400)
        <= settings.NEWSLETTER_MAILS_PER_ADDRESS_DAY
    )


# -- subscribing ----------------------------------------------------------------


def subscribe(email, scope, target=None, *, form="page", now=None):
    """Ask for ``email``'s subscription: a confirmation mail, or word that it is subscribed already.

    Returns nothing a visitor may be told.
    """
    now = now or timezone.now()
    email = normalised(email)
    if not address_allows_mail(email):
        logger.info("Newsletter: mail limit reached for an address; request not answered by mail")
        return
    wording = consent_wording(form, what_label(scope, target))
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(email=email, created_at=now)
            except IntegrityError:  # another request made it at the same moment
                subscriber = Subscriber.objects.get(email__iexact=email)
        lookup = {"subscriber": subscriber, "scope": scope}
        if scope == Scope.SERIES:
            lookup["series"] = target
        elif scope == Scope.TOPIC:
            lookup["topic"] = target
        subscription = Subscription.objects.select_for_update().filter(**lookup).first()
        if subscription is not None and subscription.confirmed_at:
            queue.enqueue(send_notice, "already", subscription.pk)
            return
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(**lookup, requested_at=now, consent_wording=wording)
            except IntegrityError:
                subscription = Subscription.objects.get(**lookup)
        else:
            Subscription.objects.filter(pk=subscription.pk).update(requested_at=now, consent_wording=wording)
        queue.enqueue(send_notice, "confirm", subscription.pk)
        queue.enqueue(
            forget_unconfirmed,
            subscription.pk,
            run_after=now + datetime.timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS, minutes=5),
        )


def confirm(token, *, now=None):
    """Confirm the subscription a confirmation link names; returns it, or raises :class:`tokens.BadToken`."""
    pk, digest = tokens.read(tokens.CONFIRM, token)
    subscription = Subscription.objects.select_related("subscriber", "series", "topic").filter(pk=pk).first()
    if subscription is None or tokens.address_digest(subscription.subscriber.email) != digest:
        raise tokens.BadToken()
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now or timezone.now()
        Subscription.objects.filter(pk=pk, confirmed_at__isnull=True).update(confirmed_at=subscription.confirmed_at)
    return subscription


def subscriber_for(purpose, token):
    """The subscriber an unsubscribe or manage link names, or None if it is gone; raises :class:`tokens.BadToken`."""
    pk, digest = tokens.read(purpose, token)
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        return None
    if tokens.address_digest(subscriber.email) != digest:
        raise tokens.BadToken()
    return subscriber


def unsubscribe_all(subscriber):
    """Forget the address: its subscriptions go, and its deliveries keep their counts without it."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def request_manage_link(email):
    """Mail ``email`` a link to its subscriptions, if it has any; says nothing either way."""
    subscriber = find_subscriber(email)
    if subscriber is None or not address_allows_mail(subscriber.email, "manage"):
        return
    queue.enqueue(send_notice, "manage", subscriber.pk)


def change(subscriber, keep_ids, add_choices, *, now=None):
    """From the manage page: keep these subscriptions, add these choices (confirmed: the link proved the address)."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber.subscriptions.exclude(pk__in=keep_ids).delete()
        for scope, target in add_choices:
            lookup = {"subscriber": subscriber, "scope": scope}
            if scope == Scope.SERIES:
                lookup["series"] = target
            elif scope == Scope.TOPIC:
                lookup["topic"] = target
            existing = Subscription.objects.filter(**lookup).first()
            if existing is None:
                Subscription.objects.create(
                    **lookup,
                    requested_at=now,
                    confirmed_at=now,
                    consent_wording=consent_wording("manage", what_label(scope, target)),
                )
            elif existing.confirmed_at is None:
                Subscription.objects.filter(pk=existing.pk).update(confirmed_at=now)
        if not subscriber.subscriptions.exists():
            unsubscribe_all(subscriber)
            return False
    return True


# -- the jobs -------------------------------------------------------------------


def _absolute(path):
    if not settings.SITE_URL:
        raise ValueError("the site's public address is not set (SITE_URL): mails need absolute links")
    return settings.SITE_URL + path


@task()
def send_notice(kind, pk, attempt=1):
    """Mail a confirmation link (``confirm``), word that the address is subscribed already (``already``), or a link
    to manage one's subscriptions (``manage``). Retried with backoff if the server refuses it for now."""
    if kind == "manage":
        subscriber = Subscriber.objects.filter(pk=pk).first()
        if subscriber is None:
            return
        token = tokens.make(tokens.MANAGE, subscriber.pk, subscriber.email)
        message = mails.manage_link(
            subscriber.email,
            manage_url=_absolute(url_for("newsletter:manage", token=token)),
            hours=settings.NEWSLETTER_MANAGE_HOURS,
        )
    else:
        subscription = Subscription.objects.select_related("subscriber", "series", "topic").filter(pk=pk).first()
        if subscription is None:
            return
        email = subscription.subscriber.email
        if kind == "confirm":
            if subscription.confirmed_at:
                return
            token = tokens.make(tokens.CONFIRM, subscription.pk, email)
            message = mails.confirmation(
                email,
                subscription_label=subscription.label,
                confirm_url=_absolute(url_for("newsletter:confirm", token=token)),
                hours=settings.NEWSLETTER_CONFIRM_HOURS,
            )
        else:
            token = tokens.make(tokens.MANAGE, subscription.subscriber.pk, email)
            message = mails.already_subscribed(
                email,
                subscription_label=subscription.label,
                manage_url=_absolute(url_for("newsletter:manage", token=token)),
                hours=settings.NEWSLETTER_MANAGE_HOURS,
            )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
            logger.error("Newsletter %s mail refused for good: %s", kind, error)
            return
        retry_at = queue.backoff(attempt, settings.NEWSLETTER_RETRY_DELAYS)
        if retry_at is None:
            logger.error("Newsletter %s mail given up after %s attempts: %s", kind, attempt, error)
            return
        logger.warning("Newsletter %s mail not sent (%s); trying again at %s", kind, error, retry_at)
        queue.enqueue(send_notice, kind, pk, attempt + 1, run_after=retry_at)


@task()
def forget_unconfirmed(subscription_id):
    """A subscription still unconfirmed once its link has expired is deleted, and its address if it has no other."""
    with transaction.atomic():
        subscription = Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True).first()
        if subscription is None:
            return
        expired_before = timezone.now() - datetime.timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS)
        if subscription.requested_at > expired_before:  # asked again since: its new link still works
            queue.enqueue(
                forget_unconfirmed,
                subscription_id,
                run_after=subscription.requested_at
                + datetime.timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS, minutes=5),
            )
            return
        subscriber_id = subscription.subscriber_id
        subscription.delete()
        Subscriber.objects.filter(pk=subscriber_id, subscriptions__isnull=True).delete()
