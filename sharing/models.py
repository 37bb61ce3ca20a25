"""Proofreading links: a signed address that shows one unpublished issue to someone without an account."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from sharing.tokens import token_for

#: How long a new link works unless the editor chooses otherwise, and the range they may choose from.
DEFAULT_DAYS = 7
MIN_DAYS = 1
MAX_DAYS = 30


class LinkState(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class ShareLinkQuerySet(models.QuerySet):
    def active(self, *, at=None):
        """Links that work at ``at`` (now if None): not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())

    def in_state(self, state, *, at=None):
        at = at or timezone.now()
        if state == LinkState.ACTIVE:
            return self.active(at=at)
        if state == LinkState.EXPIRED:
            return self.filter(revoked_at__isnull=True, expires_at__lte=at)
        return self.filter(revoked_at__isnull=False)


class ShareLink(models.Model):
    """A link an editor made for an author to proofread an issue before it is public.

    Made and revoked through :mod:`sharing.services`. The address carries the
    signed ``id`` (:mod:`sharing.tokens`); the page is read-only and says who
    shared it and until when.
    """

    State = LinkState

    #: Random, so that ids say nothing about how many links exist; signed in the address.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issue = models.ForeignKey(
        "briefs.Issue",
        on_delete=models.CASCADE,
        related_name="share_links",
        verbose_name="issue",
    )
    note = models.CharField(
        "for",
        max_length=200,
        blank=True,
        help_text="Whom you send it to, e.g. “for Erkin Baydarov”. Only editors see this.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="made by",
    )
    created_at = models.DateTimeField("made at", default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        "valid until", editable=False, help_text="After this moment the link shows a page saying it has expired."
    )
    revoked_at = models.DateTimeField("revoked at", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="revoked by",
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "proofreading link"
        verbose_name_plural = "proofreading links"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="share_link_expires_after_it_is_made",
                violation_error_message="A link must stay valid for some time after it is made.",
            )
        ]

    def __str__(self):
        # No token here: this text goes into the admin's history of the issue.
        for_whom = f" {self.note}" if self.note else ""
        return f"Proofreading link{for_whom}"

    def state(self, *, at=None):
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.expires_at <= (at or timezone.now()):
            return LinkState.EXPIRED
        return LinkState.ACTIVE

    @property
    def valid_for_days(self):
        """The validity the editor chose, in whole days."""
        return round((self.expires_at - self.created_at).total_seconds() / 86400)

    @property
    def token(self):
        return token_for(self.pk)

    def get_absolute_url(self):
        return reverse("sharing:proof", kwargs={"token": self.token})

    def get_pdf_url(self):
        return reverse("sharing:proof_pdf", kwargs={"token": self.token})
