"""Subscribers, what they subscribed to with their consent, and each mail sent to them.

An address is the only personal datum kept (:class:`Subscriber`). Each subscription
keeps the words the reader agreed to and when they confirmed them (double opt-in:
nothing is sent to a subscription before it is confirmed). A :class:`Mailing` is one
announcement of an issue (its publication, or a correction an editor chose to
announce); a :class:`Delivery` is its mail to one address, unique per mailing and
address, so no address gets an announcement twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from briefs.models import Correction, Issue, Series, Topic


class Subscriber(models.Model):
    """An address that asked for mails. Deleted, with its subscriptions, when it unsubscribes from everything."""

    email = models.EmailField("email address", max_length=254, unique=True)
    created_at = models.DateTimeField("first asked", default=timezone.now)

    class Meta:
        verbose_name = "subscriber"
        verbose_name_plural = "subscribers"

    def __str__(self):
        return self.email


class Scope(models.TextChoices):
    ALL = "all", "every new issue"
    SERIES = "series", "a series"
    TOPIC = "topic", "a topic"


class Subscription(models.Model):
    """What one address receives: every new issue, a series' or a topic's; pending until it is confirmed."""

    Scope = Scope

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    scope = models.CharField("receives", max_length=10, choices=Scope.choices)
    series = models.ForeignKey(Series, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField("asked for", default=timezone.now)
    #: The words of the form the reader agreed to, as they were shown.
    consent_wording = models.TextField("consent given to")
    confirmed_at = models.DateTimeField("confirmed", null=True, blank=True)

    class Meta:
        verbose_name = "subscription"
        verbose_name_plural = "subscriptions"
        constraints = [
            models.CheckConstraint(
                name="subscription_scope_target",
                condition=(
                    Q(scope=Scope.ALL, series__isnull=True, topic__isnull=True)
                    | Q(scope=Scope.SERIES, series__isnull=False, topic__isnull=True)
                    | Q(scope=Scope.TOPIC, series__isnull=True, topic__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["subscriber"], condition=Q(scope=Scope.ALL), name="subscription_one_all_per_address"
            ),
            models.UniqueConstraint(fields=["subscriber", "series"], name="subscription_one_per_series"),
            models.UniqueConstraint(fields=["subscriber", "topic"], name="subscription_one_per_topic"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.scope == Scope.SERIES:
            return f"new issues of {self.series.name}"
        if self.scope == Scope.TOPIC:
            return f"new issues on {self.topic.name}"
        return "every new issue"


class MailingKind(models.TextChoices):
    PUBLICATION = "publication", "publication"
    CORRECTION = "correction", "correction"


class MailingState(models.TextChoices):
    #: Waiting for the issue's minute (a scheduled issue) or for the worker.
    WAITING = "waiting", "waiting"
    SENDING = "sending", "being sent"
    DONE = "done", "sent"
    CANCELLED = "cancelled", "not sent"


class Mailing(models.Model):
    """One announcement of an issue to its subscribers: its publication, or a correction an editor announces."""

    Kind = MailingKind
    State = MailingState

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="mailings", verbose_name="issue")
    kind = models.CharField("announces", max_length=20, choices=MailingKind.choices)
    state = models.CharField("state", max_length=20, choices=MailingState.choices, default=MailingState.WAITING)
    #: The correction a correction mailing announces (once), and its note as the mail quotes it.
    correction = models.ForeignKey(
        Correction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="correction"
    )
    note = models.TextField("correction note", blank=True)
    created_at = models.DateTimeField("queued at", default=timezone.now)
    #: A scheduled issue is announced at its minute, not before.
    send_after = models.DateTimeField("not before", null=True, blank=True)
    #: When the addresses were chosen: the confirmed subscribers whose subscriptions covered the issue then.
    started_at = models.DateTimeField("started", null=True, blank=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)
    message = models.TextField("message", blank=True)
    #: Times in a row the mail server could not be reached (or refused to take mail at all): the next try waits
    #: for the matching delay of ``NEWSLETTER_RETRY_DELAYS`` (its last one once they are used up).
    server_failures = models.PositiveSmallIntegerField("mail server failures in a row", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="requested by",
    )

    class Meta:
        verbose_name = "newsletter mailing"
        verbose_name_plural = "newsletter mailings"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # An issue is announced once on publication, whatever is retried or republished.
            models.UniqueConstraint(
                fields=["issue"], condition=Q(kind=MailingKind.PUBLICATION), name="mailing_one_publication_per_issue"
            ),
            # A correction is announced once, however often the action is chosen.
            models.UniqueConstraint(fields=["correction"], name="mailing_one_per_correction"),
        ]

    def __str__(self):
        return f"{self.issue} ({self.get_kind_display()})"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    #: Claimed by a job that is sending it; the server has not been told the mail is complete.
    SENDING = "sending", "being sent"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"
    #: Not sent: the address unsubscribed, or the issue stopped being public, before its turn.
    SKIPPED = "skipped", "not sent"


class Delivery(models.Model):
    """A mailing's mail to one address: at most one per mailing and address."""

    State = DeliveryState

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    #: Emptied when the address unsubscribes from everything: the count stays, the address goes.
    subscriber = models.ForeignKey(Subscriber, on_delete=models.SET_NULL, null=True, related_name="deliveries")
    state = models.CharField("state", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    next_try_at = models.DateTimeField("next attempt", null=True, blank=True)
    #: Which job run claimed it, and when (a claim of a job that died is taken over; see newsletter.sending).
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    error = models.TextField("error", blank=True)

    class Meta:
        verbose_name = "newsletter delivery"
        verbose_name_plural = "newsletter deliveries"
        constraints = [models.UniqueConstraint(fields=["mailing", "subscriber"], name="delivery_once_per_address")]
        indexes = [models.Index(fields=["mailing", "state"], name="delivery_mailing_state")]

    def __str__(self):
        return f"{self.mailing} to subscriber {self.subscriber_id} ({self.get_state_display()})"
