"""Person photos: checked before they are stored, resized to what pages show.

The person page shows a portrait at most ``DISPLAY_WIDTH`` CSS pixels wide; the
stored copy is twice that for sharp high-density screens, and the page gets
width and height attributes so nothing shifts while it loads.
"""

import io
import warnings

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageOps

DISPLAY_WIDTH = 160
STORED_WIDTH = 2 * DISPLAY_WIDTH


def check_pixels(file):
    """Refuse an image whose pixel count is over the limit, reading only its header."""
    limit = settings.PERSON_PHOTO_MAX_PIXELS
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise forms.ValidationError(
            "This image has far too many pixels to be processed safely. Save it at most "
            "%(limit)s megapixels (for example 2000 × 2500) and upload it again.",
            code="photo_too_many_pixels",
            params={"limit": limit // 1_000_000},
        ) from None
    except Exception:
        return  # not an image: Django's own check says so
    finally:
        file.seek(position)
    if width * height > limit:
        raise forms.ValidationError(
            "This image is %(width)s × %(height)s pixels; photos may have at most %(limit)s "
            "megapixels. Save it smaller (for example 2000 × 2500) and upload it again.",
            code="photo_too_many_pixels",
            params={"width": width, "height": height, "limit": limit // 1_000_000},
        )


class PhotoFormField(forms.ImageField):
    def to_python(self, data):
        if data is not None and hasattr(data, "seek"):
            check_pixels(data)
        return super().to_python(data)


class PhotoField(models.ImageField):
    """An image field whose form checks the pixel count before decoding the image."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


def display_size(width, height, max_width=DISPLAY_WIDTH):
    """CSS size for a stored copy ``width`` × ``height`` shown at most ``max_width`` wide."""
    shown = min(max_width, width)
    return shown, round(height * shown / width)


def make_display_copy(person):
    """Store ``person.photo`` resized for pages as ``person.photo_display`` (JPEG).

    The previous copy is derived data only, so it is deleted.
    """
    if person.photo_display:
        person.photo_display.delete(save=False)
    if not person.photo:
        person.photo_display = None
        return
    person.photo.open("rb")
    with Image.open(person.photo) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((STORED_WIDTH, STORED_WIDTH * 2))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    name = f"{person.slug or 'person'}-{STORED_WIDTH}.jpg"
    person.photo_display.save(name, ContentFile(buffer.getvalue()), save=False)
