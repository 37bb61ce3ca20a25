"""Files in S3-compatible object storage (django-storages), and what the site does when it fails.

With ``AWS_STORAGE_BUCKET_NAME`` set (see the settings), every stored file goes
to one bucket, one prefix per storage: ``media/`` (the resized copies of
photos), ``pdfs/`` (built issue PDFs) and ``private/photos/`` (photo
originals). The bucket stays private: no file has a public address in it. The
site serves the resized photos itself (:func:`serve_media`) and the PDFs after
checking that the issue is public (``reader.views``); originals are never
served.

The S3 storages themselves are in :mod:`common.s3_storage`: django-storages'
own, without threads, with short timeouts, and with addresses of the site's
own (``/media/…``) or none (private files).

:data:`STORAGE_ERRORS` are what a storage raises when it cannot be reached or
refuses (local disk: ``OSError``); callers turn them into an honest page.
"""

import mimetypes

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import Storage, default_storage, storages
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

try:  # botocore comes with django-storages[s3]; without it only local disk is used
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - the requirements install it
    STORAGE_ERRORS = (OSError,)
else:
    STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class ConfiguredStorage(Storage):
    """The storage ``STORAGES[alias]`` as configured now, looked up at each use.

    A model field keeps the storage object it was given when its model was
    defined; this one hands every call to whatever ``STORAGES`` names at the
    time (as ``default_storage`` does), so a test can move the files to S3 and
    back. It only passes calls on, through the storage API.
    """

    def __init__(self, alias):
        self.alias = alias

    @property
    def backend(self):
        return storages[self.alias]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def path(self, name):
        return self.backend.path(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)


_configured = {}


def configured_storage(alias):
    """The storage ``STORAGES[alias]`` for a model field: one :class:`ConfiguredStorage` per alias."""
    if alias not in _configured:
        _configured[alias] = ConfiguredStorage(alias)
    return _configured[alias]


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
    if "\x00" in name:  # no stored file has one; the file system refuses it with ValueError
        raise Http404("No such file.")
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
