"""Previews kept on the server between the preview page and the confirmation.

The preview page stores what the confirmation needs with :func:`store_preview`
and puts only the returned id in its form; the confirmation loads it with
:func:`load_preview` (the same user, the same kind of import, within
:data:`PREVIEW_VALID_FOR`) and, once applied, removes it with
:func:`discard_preview`. Storing a preview deletes every expired one and all but
the newest :data:`KEPT_PER_USER` of the user's previews of that kind, so the
table stays small without a cron job.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from imports.files import ImportFileError
from imports.models import ImportPreview

PREVIEW_VALID_FOR = datetime.timedelta(hours=1)
#: A user may have a few previews of one kind open at once (several tabs); older ones are dropped.
KEPT_PER_USER = 5


class PreviewNotFound(ImportFileError):
    """The preview is gone: confirmed already, over an hour old, someone else's, or never made."""


def store_preview(user, kind, payload, *, data=None, now=None):
    """Keep ``payload`` (JSON-serialisable) and optionally the file's ``data`` (bytes); return the preview's id (a UUID)."""
    now = now or timezone.now()
    with transaction.atomic():
        ImportPreview.objects.filter(created_at__lt=now - PREVIEW_VALID_FOR).delete()
        keep = ImportPreview.objects.filter(user=user, kind=kind).order_by("-created_at")[: KEPT_PER_USER - 1]
        ImportPreview.objects.filter(user=user, kind=kind).exclude(
            pk__in=list(keep.values_list("pk", flat=True))
        ).delete()
        preview = ImportPreview.objects.create(user=user, kind=kind, payload=payload, data=data, created_at=now)
    return preview.pk


def load_preview(user, kind, preview_id, *, now=None):
    """The :class:`~imports.models.ImportPreview` (``.payload``, ``.data``) stored by ``user`` for ``kind``.

    Raises :class:`PreviewNotFound` with a message for the editor if it is not
    theirs, not of this kind, gone, or older than :data:`PREVIEW_VALID_FOR`.
    """
    now = now or timezone.now()
    try:
        preview = ImportPreview.objects.get(pk=uuid.UUID(str(preview_id)), user=user, kind=kind)
    except (ValueError, ImportPreview.DoesNotExist):
        raise PreviewNotFound(
            "That preview is not available: it was imported already, replaced by a newer one, or is not yours. "
            "Upload the file again."
        ) from None
    if preview.created_at < now - PREVIEW_VALID_FOR:
        raise PreviewNotFound("That preview is more than an hour old. Upload the file again to see a new one.")
    return preview


def discard_preview(user, kind, preview_id):
    """Delete the preview; return whether it was there (``False`` if another request took it first)."""
    try:
        preview_id = uuid.UUID(str(preview_id))
    except ValueError:
        return False
    deleted, _ = ImportPreview.objects.filter(pk=preview_id, user=user, kind=kind).delete()
    return bool(deleted)
