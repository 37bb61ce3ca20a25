from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


def validate_photo_size(file):
    limit = settings.PERSON_PHOTO_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            "This photo is %(size)s; photos may be at most %(limit)s. "
            "Save it smaller (for example 1200 pixels wide, as JPEG) and upload it again.",
            code="photo_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
