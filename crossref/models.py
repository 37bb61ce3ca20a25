"""Each deposit of an issue's record with Crossref, and how it went."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from briefs.models import Issue


class DepositState(models.TextChoices):
    #: Waiting for the background worker (or for a scheduled issue's minute, or for a retry).
    QUEUED = "queued", "queued"
    #: Crossref has the file; its result is awaited.
    SUBMITTED = "submitted", "submitted"
    ACCEPTED = "accepted", "accepted"
    FAILED = "failed", "failed"
    #: Never sent: a later deposit of the issue replaced it, or the issue is no longer public or scheduled.
    CANCELLED = "cancelled", "not sent"


class DepositReason(models.TextChoices):
    PUBLICATION = "publication", "publication"
    CORRECTION = "correction", "correction"
    WITHDRAWAL = "withdrawal", "withdrawal"
    REPUBLICATION = "republication", "republication"
    #: The series, its programme or a contributor changed something the record says (a name, the ISSN…).
    UPDATE = "update", "what the record says changed"
    REQUEST = "request", "deposited again by an editor"


class Deposit(models.Model):
    """One deposit of an issue's record: queued with the step that called for it, then sent by the worker."""

    State = DepositState
    Reason = DepositReason

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deposits", verbose_name="issue")
    doi = models.CharField("DOI", max_length=255)
    reason = models.CharField("why", max_length=20, choices=DepositReason.choices)
    state = models.CharField("state", max_length=20, choices=DepositState.choices, default=DepositState.QUEUED)
    #: Crossref's batch id: how its result is asked for.
    batch_id = models.CharField("batch id", max_length=100, blank=True)
    xml = models.TextField("record", blank=True, help_text="The record as it was sent, or as it was refused.")
    message = models.TextField(
        "message", blank=True, help_text="What Crossref answered, or why the record was not sent."
    )
    attempts = models.PositiveSmallIntegerField("attempts to send", default=0)
    checks = models.PositiveSmallIntegerField("times Crossref was asked for the result", default=0)
    queued_at = models.DateTimeField("queued at", default=timezone.now)
    #: A scheduled issue's record is sent at its minute, not before.
    send_after = models.DateTimeField("not before", null=True, blank=True)
    next_try_at = models.DateTimeField("next attempt", null=True, blank=True)
    #: Set while a job sends it (claimed with a conditional update, so one job sends it at a time); a newer
    #: deposit leaves it to finish, and a job finding it set long ago (its worker died) takes it over.
    sending_since = models.DateTimeField("being sent since", null=True, blank=True)
    submitted_at = models.DateTimeField("submitted at", null=True, blank=True)
    finished_at = models.DateTimeField("finished at", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="requested by",
    )

    class Meta:
        verbose_name = "Crossref deposit"
        verbose_name_plural = "Crossref deposits"
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["issue", "-queued_at"], name="deposit_issue_latest")]

    def __str__(self):
        return f"{self.doi} ({self.get_reason_display()}, {self.get_state_display()})"

    @property
    def is_open(self):
        """Still under way: waiting to be sent, or sent and waiting for Crossref's result."""
        return self.state in (DepositState.QUEUED, DepositState.SUBMITTED)
