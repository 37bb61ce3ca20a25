"""The S3 storages of :mod:`common.object_storage` (a module of its own: boto3 takes a quarter second to import)."""

from urllib.parse import urljoin

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

#: Seconds to wait for S3 to accept a connection, and for an answer.
CONNECT_TIMEOUT = 1
READ_TIMEOUT = 3
#: A file larger than this is spooled to a temporary file when read, not kept in memory.
SPOOL_BYTES = 2 * 1024 * 1024


class S3Files(S3Storage):
    """django-storages' S3 storage, set up for web workers.

    No threads (s3transfer's pool is off); short timeouts and one retry, so a
    stalled S3 costs a request seconds, not minutes; a name that is taken gets a
    new one, as on disk; addresses are never signed (they would change with
    every rendering and expire in cached pages).
    """

    def get_default_settings(self):
        return super().get_default_settings() | {
            "transfer_config": TransferConfig(use_threads=False),
            "file_overwrite": False,
            "querystring_auth": False,
            "max_memory_size": SPOOL_BYTES,
        }

    def __init__(self, **settings):
        super().__init__(**settings)
        # Added to the configuration django-storages makes (addressing style, signature).
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                retries={"mode": "standard", "max_attempts": 2},
            )
        )


class PublicMediaS3Storage(S3Files):
    """Resized photos: addressed under ``MEDIA_URL``, served by the site from the private bucket."""

    def url(self, name, *args, **kwargs):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class PrivateS3Storage(S3Files):
    """PDFs and photo originals: no address at all; the site reads them through the storage."""

    def url(self, name, *args, **kwargs):
        raise ValueError(f"The file {name!r} is private and has no web address.")
