"""Files in S3-compatible object storage (django-storages), and what the site does when it fails.

With ``AWS_STORAGE_BUCKET_NAME`` set (see the settings), every stored file goes
to one bucket, one prefix per storage: ``media/`` (the resized copies of
photos), ``pdfs/`` (built issue PDFs) and ``private/photos/`` (photo
originals). The bucket stays private: no file has a public address in it. The
site serves the resized photos itself (:func:`serve_media`) and the PDFs after
checking that the issue is public (``briefs.views``); originals are never
served.

The S3 storages themselves are in :mod:`common.s3_storage`: django-storages'
own, without threads, with short timeouts, and with addresses of the site's
own (``/media/…``) or none (private files).

:data:`STORAGE_ERRORS` are what a storage raises when it cannot be reached or
refuses (local disk: ``OSError``); callers turn them into an honest page.
"""

import mimetypes

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage, storages
from django.core.signals import setting_changed
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.functional import LazyObject, empty
from django.views.decorators.http import require_safe

try:  # botocore comes with django-storages[s3]; without it only local disk is used
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - the requirements install it
    STORAGE_ERRORS = (OSError,)
else:
    STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class StorageAlias(LazyObject):
    """The storage configured as ``STORAGES[alias]``, looked up when first used.

    A model field keeps the storage object it was given when its model was
    defined; this stands for whatever ``STORAGES`` names, and follows a change
    of the setting (as ``default_storage`` does), so a test can move the files
    to S3 and back.
    """

    def __init__(self, alias):
        super().__init__()
        self.__dict__["alias"] = alias

    def _setup(self):
        self._wrapped = storages[self.__dict__["alias"]]

    def __reduce__(self):  # a field's deconstruction may copy it
        return (configured_storage, (self.__dict__["alias"],))


_aliases = {}


def configured_storage(alias):
    """The storage ``STORAGES[alias]`` for a model field: one :class:`StorageAlias` per alias."""
    if alias not in _aliases:
        _aliases[alias] = StorageAlias(alias)
    return _aliases[alias]


def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        for storage in _aliases.values():
            storage._wrapped = empty


setting_changed.connect(_storages_changed, dispatch_uid="common-object-storage-aliases")


# -- serving the public copies -------------------------------------------------

#: How long browsers and proxies may keep a photo: its name changes with its content.
MEDIA_MAX_AGE = 24 * 60 * 60


@require_safe
def serve_media(request, name):
    """A file of the default storage (the resized photos) under ``MEDIA_URL``.

    With files on local disk the proxy serves ``/media/`` itself; with S3 this
    streams the object from the private bucket. Missing: 404. Storage down: 503
    with a short page, never a traceback.
    """
    try:
        file = default_storage.open(name, "rb")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(file, content_type=content_type)  # reads the object: S3 errors come here
    except SuspiciousOperation:
        raise Http404("No such file.") from None
    except FileNotFoundError:
        raise Http404("No such file.") from None
    except STORAGE_ERRORS:
        return storage_unavailable(request)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def storage_unavailable(request, what="This file", **context):
    """The 503 page readers get while the file storage cannot be reached."""
    response = render(request, "storage_unavailable.html", {"what": what, **context}, status=503)
    response["Retry-After"] = "120"
    return response
