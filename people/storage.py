"""Where the originals of person photos are kept: ``PHOTO_ORIGINALS_ROOT``, never ``/media/``."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

from common.object_storage import configured_storage


class PersonPhotoOriginalStorage(FileSystemStorage):
    """A file-system storage under ``settings.PHOTO_ORIGINALS_ROOT`` (read when first used).

    Readers only ever get the resized display copy (in ``MEDIA_ROOT``); the
    uploaded original is kept for making a new copy later, so it must not sit
    where a web server serves ``/media/``. Its files have no address: ``url()``
    refuses, so a template that tries to show an original fails loudly instead
    of linking to it. Another backend can replace this one in
    ``STORAGES["person_photo_originals"]``.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PHOTO_ORIGINALS_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PHOTO_ORIGINALS_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(
            f"The original photo {name!r} is private and has no web address; "
            "show the person's display copy (photo_display) instead."
        )


def person_photo_original_storage():
    """The storage of photo originals (``STORAGES["person_photo_originals"]``), as configured now."""
    return configured_storage("person_photo_originals")
