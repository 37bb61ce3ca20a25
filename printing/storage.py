"""Where built issue PDFs are kept: ``PDF_ROOT``, not the public media folder."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class IssuePdfStorage(FileSystemStorage):
    """A file-system storage under ``settings.PDF_ROOT`` (read when first used).

    The site serves these files itself after checking that the issue is public,
    so they must not sit where a web server serves ``/media/``. Another backend
    (S3-compatible storage) can replace this one in ``STORAGES["issue_pdfs"]``.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PDF_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PDF_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
