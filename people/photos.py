"""Person photos: checked in full before anything is stored, resized to what pages show.

An upload is decoded completely in the form (:func:`prepare_photo`), so a
truncated, damaged, oversized or wrongly formatted file is refused on the
photo field and nothing is written or deleted. What is stored comes out of
that decoding: the original re-encoded without its metadata (no EXIF, GPS
position, XMP or comments; the orientation applied), kept in private storage,
and a copy resized for pages, kept in ``MEDIA_ROOT``. :func:`person_photo_set`
writes the new files first, then points the person at them, and deletes the
old files only once that change is committed.

The person page shows a portrait at most ``DISPLAY_WIDTH`` CSS pixels wide; the
stored copy is twice that for sharp high-density screens, and its width and
height are stored with it, so pages get width and height attributes without
opening any file.
"""

import hashlib
import io
import logging
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from people.validators import validate_photo_size

logger = logging.getLogger(__name__)

DISPLAY_WIDTH = 160
STORED_WIDTH = 2 * DISPLAY_WIDTH

#: Pillow's name of each accepted format → extension of the stored original.
#: MPO is how Pillow names a JPEG with extra preview images, as some cameras write.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED_FORMATS_TEXT = "JPEG, PNG or WebP"
_FORMAT_NAMES = {"MPO": "JPEG", "WEBP": "WebP"}  # as editors know them; others as Pillow names them


@dataclass(frozen=True)
class PreparedPhoto:
    """What is stored of a checked upload: two encoded images and their sizes."""

    original: bytes
    original_extension: str
    original_size: tuple
    display: bytes
    display_size: tuple

    @property
    def digest(self):
        """A short fingerprint of the photo, so a new photo gets a new address."""
        return hashlib.sha256(self.original).hexdigest()[:10]


def _too_many_pixels(width=None, height=None):
    limit = settings.PERSON_PHOTO_MAX_PIXELS
    if width is None:
        return ValidationError(
            "This image has far too many pixels to be processed safely. Save it at most "
            "%(limit)s megapixels (for example 2000 × 2500) and upload it again.",
            code="photo_too_many_pixels",
            params={"limit": limit // 1_000_000},
        )
    return ValidationError(
        "This image is %(width)s × %(height)s pixels; photos may have at most %(limit)s "
        "megapixels. Save it smaller (for example 2000 × 2500) and upload it again.",
        code="photo_too_many_pixels",
        params={"width": width, "height": height, "limit": limit // 1_000_000},
    )


def _not_an_image():
    return ValidationError(
        "Upload a valid image: this file is not a picture in %(formats)s format.",
        code="invalid_image",
        params={"formats": ACCEPTED_FORMATS_TEXT},
    )


def _damaged(format_name):
    return ValidationError(
        "This %(format)s file is damaged or incomplete (it may have been cut off while it was "
        "copied or downloaded), so it cannot be shown. Open it in an image editor, save it again "
        "as %(formats)s, and upload it again.",
        code="photo_damaged",
        params={"format": format_name, "formats": ACCEPTED_FORMATS_TEXT},
    )


def _read(file):
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


_strict = threading.Lock()


@contextmanager
def _truncated_images_fail():
    """Make Pillow raise on a cut-off image, whatever the process has set.

    WeasyPrint, imported for the PDFs, sets Pillow's process-wide
    ``LOAD_TRUNCATED_IMAGES``, with which a truncated file decodes without
    error, its missing part grey. A photo check must see the cut. The PDFs hold
    no raster images, so a build running meanwhile in another thread is not
    affected by the moment this is off.
    """
    with _strict:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def prepare_photo(file):
    """Check an uploaded photo by decoding it in full; return what is to be stored.

    Raises ``ValidationError`` (codes ``photo_too_large``, ``invalid_image``,
    ``photo_format``, ``photo_too_many_pixels``, ``photo_damaged``) with a
    message for the editor. Writes nothing. The checks go from cheap to
    expensive: file size, then the header (format, pixel count), and only then
    the decoding of every pixel.
    """
    if not hasattr(file, "size"):
        file = File(file)
    validate_photo_size(file)
    data = _read(file)
    with warnings.catch_warnings():
        # Pillow warns about, then refuses, images over its own limit; both
        # are "too many pixels" to the editor.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _not_an_image() from None
        with image:
            format_name = _FORMAT_NAMES.get(image.format, image.format)
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "This picture is in %(format)s format; photos must be %(formats)s. Save it in "
                    "one of these formats (most image programs can “Export” as JPEG) and upload "
                    "it again.",
                    code="photo_format",
                    params={"format": format_name, "formats": ACCEPTED_FORMATS_TEXT},
                )
            width, height = image.size
            if width * height > settings.PERSON_PHOTO_MAX_PIXELS:
                raise _too_many_pixels(width, height)
            try:
                with _truncated_images_fail():
                    image.load()  # every pixel: a truncated or corrupt file fails here
                return _prepare(image, ACCEPTED_FORMATS[image.format])
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels() from None
            except Exception:  # Pillow's decoders raise OSError, SyntaxError, ValueError, struct.error…
                logger.info("Photo upload refused as damaged", exc_info=True)
                raise _damaged(format_name) from None


def _prepare(image, extension):
    icc_profile = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    upright = ImageOps.exif_transpose(image)  # a copy with the camera's rotation applied
    # A copy holds no metadata once its info is emptied: the encoders below are
    # told explicitly what to keep (the colour profile, PNG transparency).
    upright.info = {}
    original = io.BytesIO()
    if extension == "jpg":
        upright.save(original, "JPEG", quality=92, icc_profile=icc_profile)
    elif extension == "png":
        extra = {"transparency": transparency} if transparency is not None and upright.mode in ("P", "L", "RGB") else {}
        upright.save(original, "PNG", icc_profile=icc_profile, **extra)
    else:
        upright.save(original, "WEBP", quality=90, icc_profile=icc_profile)
    display = _display_copy(upright, transparency)
    buffer = io.BytesIO()
    display.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return PreparedPhoto(
        original=original.getvalue(),
        original_extension=extension,
        original_size=upright.size,
        display=buffer.getvalue(),
        display_size=display.size,
    )


def _display_copy(image, transparency):
    """An RGB copy at most ``STORED_WIDTH`` wide; transparent parts become white."""
    if image.mode in ("RGBA", "LA", "PA") or transparency is not None:
        if image.mode == "P" and transparency is not None:
            image.info["transparency"] = transparency
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    image.thumbnail((STORED_WIDTH, STORED_WIDTH * 2))
    return image


# -------------------------------------------------------------- form field


class _CurrentPhoto:
    """What the upload widget shows as the current photo: the copy readers see."""

    def __init__(self, person):
        display = getattr(person, "photo_display", None)
        self.url = display.url if display else ""
        self.label = display.name if display else "no copy for the site: upload the photo again"

    def __str__(self):
        return self.label


class ShowsDisplayCopy:
    # The original has no web address (see people/storage.py); Django's widget
    # would link to it.
    def is_initial(self, value):
        return bool(value and getattr(value, "name", ""))

    def format_value(self, value):
        if self.is_initial(value):
            return _CurrentPhoto(getattr(value, "instance", None))
        return None


class PhotoInput(ShowsDisplayCopy, forms.ClearableFileInput):
    pass


class PhotoFormField(forms.ImageField):
    """Checks an upload in full (see :func:`prepare_photo`) and keeps the result on it.

    The cleaned upload carries ``prepared`` (a :class:`PreparedPhoto`), which
    :func:`person_photo_set` stores. The file's content decides its format, not
    its name, so Django's check of the file name's extension is not used.
    """

    default_validators = []
    widget = PhotoInput

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        upload.prepared = prepare_photo(upload)
        return upload


class PhotoField(models.ImageField):
    """An image field whose form checks the whole image before anything is stored."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


# -------------------------------------------------------------- storing


def display_size(width, height, max_width=DISPLAY_WIDTH):
    """CSS size for a stored copy ``width`` × ``height`` shown at most ``max_width`` wide."""
    shown = min(max_width, width)
    return shown, round(height * shown / width)


def _save(person, field_name, filename, content):
    field = person._meta.get_field(field_name)
    name = field.generate_filename(person, filename)
    return field.storage.save(name, ContentFile(content), max_length=field.max_length)


def _delete(person, names):
    """Delete stored files by ``(field name, file name)``; a failure is logged, not raised."""
    for field_name, name in names:
        if not name:
            continue
        storage = person._meta.get_field(field_name).storage
        try:
            storage.delete(name)
        except Exception:
            logger.warning("Could not delete the old photo file %s of %s", name, person, exc_info=True)


def person_photo_set(*, person, photo):
    """Give ``person`` the photo ``photo`` (an upload), or none if it is empty, and save the person.

    The new files (the copy for pages, then the original) are written under new
    names before the person is changed, so the previous photo stays intact if
    anything fails on the way; then the person is saved pointing at the new
    files and their sizes; the previous files are deleted only after the
    transaction commits. If the save fails, the new files are removed again.
    An upload checked by the form carries its decoding (``photo.prepared``);
    any other file is checked here and may raise ``ValidationError``.
    """
    previous = {"photo": "", "photo_display": ""}
    if person.pk:
        previous = type(person).objects.filter(pk=person.pk).values("photo", "photo_display").first() or previous
    written = []
    if photo:
        prepared = getattr(photo, "prepared", None) or prepare_photo(photo)
        base = (person.slug or "person")[:60]
        try:
            display_name = _save(person, "photo_display", f"{base}-{prepared.digest}.jpg", prepared.display)
            written.append(("photo_display", display_name))
            original_name = _save(
                person, "photo", f"{base}-{prepared.digest}.{prepared.original_extension}", prepared.original
            )
            written.append(("photo", original_name))
        except BaseException:
            _delete(person, written)
            raise
        person.photo = original_name
        person.photo_width, person.photo_height = prepared.original_size
        person.photo_display = display_name
        person.photo_display_width, person.photo_display_height = prepared.display_size
    else:
        person.photo = person.photo_display = ""
        person.photo_width = person.photo_height = None
        person.photo_display_width = person.photo_display_height = None
    new_names = {name for _field, name in written}
    old = [(field, name) for field, name in previous.items() if name and name not in new_names]
    try:
        with transaction.atomic():
            person.save()
            transaction.on_commit(lambda: _delete(person, old), robust=True)
    except BaseException:
        _delete(person, written)
        raise


@dataclass(frozen=True)
class PagePhoto:
    url: str
    width: int
    height: int


def page_photo(person):
    """The display copy as a page shows it (address and CSS size), or None.

    Uses only what is stored on the person, never the file: a copy whose size
    was not stored is not shown, and a warning says how to repair it.
    """
    if not person.photo_display:
        return None
    width, height = person.photo_display_width, person.photo_display_height
    if not (width and height):
        logger.warning(
            "The photo of %s (%s) is not shown: its size is not stored. Run `python manage.py repair_person_photos`.",
            person.slug,
            person.photo_display.name,
        )
        return None
    css_width, css_height = display_size(width, height)
    return PagePhoto(url=person.photo_display.url, width=css_width, height=css_height)


# -------------------------------------------------------------- earlier versions


def person_photo_repair(*, person):
    """Bring a photo stored by an earlier version of the site up to date.

    Returns what was done, one sentence per change ([] if nothing was needed):

    - an original still in the public media folder, where earlier versions kept
      it with its metadata, is stored again without metadata in private storage,
      with a new copy for pages, and removed from the media folder; one that
      cannot be re-encoded (another format, over the limits, damaged) is moved to
      private storage as it is;
    - a copy for pages without a stored size gets it (the file is read once);
    - a copy whose file is missing or unreadable is made again from the
      original, or, failing that, dropped, so that pages stop pointing at it.
    """
    originals = person._meta.get_field("photo").storage
    public = person._meta.get_field("photo_display").storage
    done = []
    legacy = person.photo.name
    if legacy and not originals.exists(legacy) and public.exists(legacy):
        with public.open(legacy, "rb") as file:
            data = file.read()
        try:
            person_photo_set(person=person, photo=ContentFile(data, name=legacy))
        except ValidationError as refused:
            person.photo = originals.save(legacy, ContentFile(data))
            person.save(update_fields=["photo"])
            done.append(
                f"original {legacy} moved to private storage as it was, metadata included: it cannot be "
                f"re-encoded ({' '.join(refused.messages)})"
            )
        else:
            public.delete(legacy)
            return [f"original {legacy} stored again without metadata in private storage, with a new copy for pages"]
        public.delete(legacy)
    display = person.photo_display.name
    if not display:
        return done
    stored_size = person.photo_display_width and person.photo_display_height
    read_size = None
    if public.exists(display) and not stored_size:
        try:
            with public.open(display, "rb") as file, Image.open(file) as image:
                image.load()
                read_size = image.size
        except Exception:
            logger.warning("The copy for pages %s cannot be read", display, exc_info=True)
    if stored_size and public.exists(display):
        return done
    if read_size:
        person.photo_display_width, person.photo_display_height = read_size
        person.save(update_fields=["photo_display_width", "photo_display_height"])
        done.append(f"size of the copy for pages stored ({read_size[0]} × {read_size[1]})")
        return done
    original = person.photo.name if person.photo and originals.exists(person.photo.name) else ""
    if original:
        with originals.open(original, "rb") as file:
            data = file.read()
        try:
            person_photo_set(person=person, photo=ContentFile(data, name=original))
        except ValidationError:
            pass
        else:
            done.append(f"copy for pages {display} was missing or unreadable: made again from the original")
            return done
    person.photo_display = ""
    person.photo_display_width = person.photo_display_height = None
    person.save(update_fields=["photo_display", "photo_display_width", "photo_display_height"])
    public.delete(display)
    done.append(
        f"copy for pages {display} was missing or unreadable and cannot be made again: "
        "no photo is shown until one is uploaded"
    )
    return done
