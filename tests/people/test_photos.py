"""Person photos: checked in full before anything is stored, stored without metadata,
replaced without ever losing the previous photo, shown without opening files.

The admin posts run inside the test's transaction; ``committed`` runs what waits
for the commit (deleting the replaced files), as a real request's commit would.
"""

import io
import logging
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile

from briefs.models import Contribution
from people.models import Person
from people.photos import display_size, person_photo_set, prepare_photo
from tests.conftest import make_issue, make_membership, make_person, make_series

ADD_PERSON = reverse("admin:people_person_add")
GPS_MARKERS = (b"Exif", b"GPS", b"ns.adobe.com/xap", b"secret location")


def person_post(photo, **fields):
    data = {"honorific": "Dr", "given_name": "Erkin", "family_name": "Baydarov", "slug": "erkin-baydarov"}
    for prefix in ("editorial_memberships", "fellowships"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | {"photo": photo} | fields


def picture(size=(640, 480), mode="RGB"):
    """A photo-like image (a gradient, so a JPEG of it has real image data to cut)."""
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient)).convert(mode)


def upload(data, name):
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def image_file(size, mode="RGB", fmt="PNG", name="portrait.png"):
    image = Image.new("1", size, 1) if mode == "1" else picture(size, mode)
    return upload(encoded(image, fmt), name)


def gps_exif():
    """EXIF bytes with a GPS position and a camera rotation (orientation 6: turn 90° clockwise)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 14.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (76.0, 55.0, 10.0)
    return exif.tobytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHOTO_ORIGINALS_ROOT = tmp_path / "private"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block, then what waits for its commit (deleting replaced files)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def read(field_file):
    """The stored bytes of a photo file, read through its storage (no file has a path in S3)."""
    with field_file.storage.open(field_file.name, "rb") as file:
        return file.read()


def opened(field_file):
    """A stored photo as an image, read through its storage."""
    return Image.open(io.BytesIO(read(field_file)))


def on_disk(field_file, root):
    """Where a photo file is under ``root`` on local disk (the default storages), as a string."""
    return str(Path(root) / field_file.name)


def stored_files(settings):
    """Every file in the public media folder and the private originals folder, by path."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PHOTO_ORIGINALS_ROOT)]
    return sorted(str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def person_with_photo(editor_client, committed):
    with committed():
        response = editor_client.post(ADD_PERSON, person_post(image_file((1200, 1500), fmt="JPEG", name="first.jpg")))
    assert response.status_code == 302
    return Person.objects.get()


def change_url(person):
    return reverse("admin:people_person_change", args=[person.pk])


def photo_state(person):
    person.refresh_from_db()
    return (
        person.photo.name,
        person.photo_width,
        person.photo_height,
        person.photo_display.name,
        person.photo_display_width,
        person.photo_display_height,
    )


# ------------------------------------------------------------ sizes


def test_display_size_never_enlarges_and_keeps_the_aspect_ratio():
    assert display_size(320, 400) == (160, 200)
    assert display_size(100, 50) == (100, 50)


@pytest.mark.django_db
def test_a_photo_is_resized_for_the_page_and_served_with_width_and_height(editor_client, client):
    response = editor_client.post(ADD_PERSON, person_post(image_file((1200, 1500), fmt="JPEG", name="p.jpg")))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.photo_width, person.photo_height) == (1200, 1500)
    assert (person.photo_display_width, person.photo_display_height) == (320, 400)
    with opened(person.photo_display) as stored:
        assert stored.format == "JPEG" and stored.size == (320, 400)
    make_issue().contributions.create(person=person, role=Contribution.Role.AUTHOR)
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'src="{person.photo_display.url}"' in html and 'width="160" height="200"' in html
    assert person.photo.name not in html  # the original is not sent to readers


@pytest.mark.django_db
def test_width_and_height_of_the_copy_are_stored_when_a_photo_is_added_to_an_existing_person(editor_client, committed):
    editor_client.post(ADD_PERSON, person_post(""))
    person = Person.objects.get()
    assert not person.photo
    with committed():
        editor_client.post(change_url(person), person_post(image_file((800, 400), fmt="JPEG", name="b.jpg")))
    person.refresh_from_db()
    assert (person.photo_display_width, person.photo_display_height) == (320, 160)
    assert (person.photo_width, person.photo_height) == (800, 400)


# ------------------------------------------------------------ refusals


def truncated_jpeg():
    whole = encoded(picture((800, 600)), "JPEG", quality=90)
    return upload(whole[: len(whole) // 2], "portrait.jpg")


def text_named_jpg():
    return upload(b"Dear editors,\nthis is not a photo.\n" * 20, "portrait.jpg")


def corrupt_png():
    whole = bytearray(encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "PNG"))
    middle = len(whole) // 2
    whole[middle : middle + 64] = bytes(range(64))  # garbage inside the compressed pixels
    return upload(bytes(whole), "portrait.png")


def bomb():
    return image_file((15000, 15000), mode="1")  # 225 megapixels in a few kilobytes


#: case → (the file, settings for the case, the start of the error on the photo field)
REFUSED = {
    "truncated JPEG": (truncated_jpeg, {}, "This JPEG file is damaged or incomplete"),
    "corrupt PNG": (corrupt_png, {}, "This PNG file is damaged or incomplete"),
    "text file named .jpg": (
        text_named_jpg,
        {},
        "Upload a valid image: this file is not a picture in JPEG, PNG or WebP format.",
    ),
    "GIF": (
        lambda: image_file((64, 64), fmt="GIF", name="p.gif"),
        {},
        "This picture is in GIF format; photos must be JPEG, PNG or WebP.",
    ),
    "over the pixel limit": (
        lambda: image_file((1200, 1000)),
        {"PERSON_PHOTO_MAX_PIXELS": 1_000_000},
        "This image is 1200 × 1000 pixels; photos may have at most 1 megapixels",
    ),
    "decompression bomb": (bomb, {}, "This image has far too many pixels to be processed safely"),
    "over the size limit": (lambda: image_file((600, 600)), {"PERSON_PHOTO_MAX_BYTES": 1000}, "This photo is "),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_refused_upload_leaves_the_previous_photo_and_its_copy_intact(
    case, editor_client, person_with_photo, settings, committed
):
    make_file, limits, message = REFUSED[case]
    person = person_with_photo
    before, files_before = photo_state(person), stored_files(settings)
    for name, value in limits.items():
        setattr(settings, name, value)

    with committed():
        response = editor_client.post(change_url(person), person_post(make_file(), affiliation="Changed"))

    assert response.status_code == 200  # the form again, with the error on the photo field
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["photo"] and errors["photo"][0].startswith(message), errors
    assert photo_state(person) == before and person.affiliation == ""
    assert stored_files(settings) == files_before
    for path in files_before:  # still whole images
        with Image.open(path) as stored:
            stored.load()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt, name", [("GIF", "p.gif"), ("TIFF", "p.tif"), ("BMP", "p.bmp"), ("ICO", "p.ico")])
def test_gif_tiff_bmp_and_ico_are_refused_naming_the_accepted_formats(editor_client, fmt, name):
    response = editor_client.post(ADD_PERSON, person_post(image_file((64, 64), fmt=fmt, name=name)))
    assert response.context["adminform"].form.errors["photo"] == [
        f"This picture is in {fmt} format; photos must be JPEG, PNG or WebP. Save it in one of these formats "
        "(most image programs can “Export” as JPEG) and upload it again."
    ]
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fmt, name, extension", [("JPEG", "p.jpg", "jpg"), ("PNG", "p.png", "png"), ("WEBP", "p.webp", "webp")]
)
def test_jpeg_png_and_webp_are_accepted_whatever_the_file_is_called(editor_client, fmt, name, extension):
    response = editor_client.post(ADD_PERSON, person_post(image_file((64, 48), fmt=fmt, name="portrait")))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.photo.name.endswith(f".{extension}") and person.photo_display.name.endswith(".jpg")
    with opened(person.photo) as stored:
        assert stored.format == fmt and stored.size == (64, 48)


@pytest.mark.django_db
def test_a_camera_jpeg_with_preview_images_mpo_is_accepted_as_jpeg(editor_client):
    data = encoded(picture((120, 90)), "MPO", save_all=True, append_images=[picture((60, 45))])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    assert editor_client.post(ADD_PERSON, person_post(upload(data, "camera.jpg"))).status_code == 302
    with opened(Person.objects.get().photo) as stored:
        assert stored.format == "JPEG"


# ------------------------------------------------------------ metadata


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_stored_original_has_no_exif_gps_or_other_metadata_and_stands_upright(editor_client, fmt):
    options = {
        "exif": gps_exif(),
        "xmp": b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        b"<rdf:Description xmlns:xap='http://ns.adobe.com/xap/1.0/'>secret location</rdf:Description></x:xmpmeta>",
    }
    if fmt == "JPEG":
        options["comment"] = b"secret location"
    data = encoded(picture((60, 40)), fmt, **options)
    with Image.open(io.BytesIO(data)) as sent:  # the test file does carry the position
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (43.0, 14.0, 30.0)

    response = editor_client.post(ADD_PERSON, person_post(upload(data, "portrait")))

    assert response.status_code == 302
    person = Person.objects.get()
    stored_bytes = read(person.photo)
    assert not [marker for marker in GPS_MARKERS if marker in stored_bytes]
    with opened(person.photo) as stored:
        assert not stored.getexif() and not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "comment" not in stored.info and "xmp" not in stored.info
        assert stored.size == (40, 60)  # the camera's rotation applied, as it was shown
    assert (person.photo_width, person.photo_height) == (40, 60)
    display_bytes = read(person.photo_display)
    assert not [marker for marker in GPS_MARKERS if marker in display_bytes]


# ------------------------------------------------------------ where they are kept


@pytest.mark.django_db
def test_the_original_is_kept_out_of_the_public_media_folder_and_has_no_address(editor_client, settings):
    editor_client.post(ADD_PERSON, person_post(image_file((640, 480), fmt="JPEG", name="p.jpg")))
    person = Person.objects.get()
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PHOTO_ORIGINALS_ROOT)
    assert Path(on_disk(person.photo, private)).is_file()
    assert [p for p in media.rglob("*") if p.is_file()] == [Path(on_disk(person.photo_display, media))]
    with pytest.raises(ValueError, match="private and has no web address"):
        person.photo.url


# ------------------------------------------------------------ replacing


@pytest.mark.django_db
def test_replacing_or_clearing_a_photo_deletes_the_old_files_once_committed(
    editor_client, person_with_photo, settings, committed
):
    person = person_with_photo
    first = stored_files(settings)
    assert len(first) == 2  # the original and its copy

    with committed() as callbacks:
        editor_client.post(change_url(person), person_post(image_file((800, 400), fmt="JPEG", name="b.jpg")))
        assert set(first) < set(stored_files(settings))  # until the commit, the old files stay
    assert callbacks
    person.refresh_from_db()
    assert stored_files(settings) == sorted(
        [on_disk(person.photo, settings.PHOTO_ORIGINALS_ROOT), on_disk(person.photo_display, settings.MEDIA_ROOT)]
    )
    assert not set(first) & set(stored_files(settings))
    with opened(person.photo_display) as stored:
        assert stored.size == (320, 160)

    with committed():
        editor_client.post(change_url(person), person_post("") | {"photo-clear": "on"})
    person.refresh_from_db()
    assert not person.photo and not person.photo_display and stored_files(settings) == []
    assert (person.photo_width, person.photo_display_width, person.photo_display_height) == (None, None, None)


@pytest.mark.django_db
def test_when_saving_the_person_fails_the_new_files_are_removed_and_the_old_kept(
    person_with_photo, settings, monkeypatch
):
    person = person_with_photo
    before, files_before = photo_state(person), stored_files(settings)

    def failing_save(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Person, "save", failing_save)
    new = image_file((800, 400), fmt="JPEG", name="b.jpg")
    with pytest.raises(RuntimeError):
        person_photo_set(person=Person.objects.get(), photo=new)
    monkeypatch.undo()
    assert photo_state(person) == before and stored_files(settings) == files_before


@pytest.mark.django_db
def test_an_unchecked_file_given_to_the_service_is_checked_there(person_with_photo, settings):
    person = person_with_photo
    before, files_before = photo_state(person), stored_files(settings)
    with pytest.raises(ValidationError, match="damaged or incomplete"):
        person_photo_set(person=Person.objects.get(), photo=truncated_jpeg())
    assert photo_state(person) == before and stored_files(settings) == files_before


def test_a_truncated_jpeg_fails_the_full_decoding_though_its_header_reads(monkeypatch):
    # WeasyPrint, imported for the PDFs, lets Pillow decode cut-off images
    # without error; the check must not depend on whether it was imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = truncated_jpeg()
    with Image.open(data) as image:
        assert image.size == (800, 600)  # what a header-only check (and Django's verify()) sees
    with pytest.raises(ValidationError, match="damaged or incomplete") as refused:
        prepare_photo(truncated_jpeg())
    assert refused.value.code == "photo_damaged" and ImageFile.LOAD_TRUNCATED_IMAGES is True


# ------------------------------------------------------------ pages


@pytest.fixture
def public_person_with_photo(person_with_photo):
    """The person with a photo, an author of a published issue and on its series' team."""
    person = person_with_photo
    series = make_series()
    make_membership(series, person=person)
    issue = make_issue(series)
    Contribution.objects.create(issue=issue, person=person, role=Contribution.Role.AUTHOR)
    return person, issue


def public_pages(person, issue):
    return [
        person.get_absolute_url(),
        reverse("reader:series_team", args=[issue.series.slug]),
        issue.get_absolute_url(),
    ]


@pytest.mark.django_db
def test_pages_stay_up_when_the_display_copy_is_missing_and_its_size_unknown(
    client, editor_client, public_person_with_photo, caplog, settings
):
    # What a failed upload used to leave: the copy deleted, the person still
    # pointing at it, and no stored size (so every load of the person opened it).
    person, issue = public_person_with_photo
    Path(on_disk(person.photo_display, settings.MEDIA_ROOT)).unlink()
    Person.objects.filter(pk=person.pk).update(photo_display_width=None, photo_display_height=None)

    with caplog.at_level(logging.WARNING, logger="people.photos"):
        responses = {url: client.get(url) for url in public_pages(person, issue)}
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(responses, 200)
    assert 'class="person-photo"' not in responses[person.get_absolute_url()].content.decode()
    assert any(r.levelname == "WARNING" and person.photo_display.name in r.getMessage() for r in caplog.records), (
        caplog.text
    )
    admin_list = editor_client.get(reverse("admin:people_person_changelist"))
    assert admin_list.status_code == 200
    form = editor_client.get(change_url(person)).content.decode()
    assert "The copy shown on the site is missing or incomplete: upload the photo again." in form


@pytest.mark.django_db
def test_pages_never_open_or_look_up_a_photo_file(client, editor_client, public_person_with_photo, monkeypatch):
    person, issue = public_person_with_photo

    def no_file_access(self, *args, **kwargs):
        raise AssertionError("a page opened a photo file")

    for method in ("open", "exists", "size", "path"):
        monkeypatch.setattr(FileSystemStorage, method, no_file_access)
    for url in public_pages(person, issue):
        response = client.get(url)
        assert response.status_code == 200, url
    assert f'src="{person.photo_display.url}" alt="Portrait of Erkin Baydarov" width="160" height="200"' in (
        client.get(person.get_absolute_url()).content.decode()
    )
    assert editor_client.get(reverse("admin:people_person_changelist")).status_code == 200


@pytest.mark.django_db
def test_the_admin_shows_the_current_photo_by_its_display_copy(editor_client, person_with_photo):
    person = person_with_photo
    form = editor_client.get(change_url(person)).content.decode()
    assert f'<img src="{person.photo_display.url}" alt="" width="160" height="200">' in form
    assert f'href="{person.photo_display.url}"' in form  # the widget's "Currently:" link
    assert person.photo.name not in form


# ------------------------------------------------------------ photos stored by earlier versions


def legacy_person(settings, *, original=None, display=None):
    """A person as earlier versions stored them: the original in the media folder, no copy sizes."""
    person = make_person(given_name="Albina", family_name="Muratbekova", slug="albina-muratbekova")
    media = Path(settings.MEDIA_ROOT)
    names = {}
    for field, name, data in [
        ("photo", "people/albina.jpg", original),
        ("photo_display", "people/display/albina-320.jpg", display),
    ]:
        if data is not None:
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(data)
        names[field] = name
    Person.objects.filter(pk=person.pk).update(**names)
    return Person.objects.get(pk=person.pk)


def repair():
    out = io.StringIO()
    call_command("repair_person_photos", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_repair_moves_a_public_original_to_private_storage_without_its_metadata(settings, committed):
    with_gps = encoded(picture((600, 400)), "JPEG", exif=gps_exif())
    person = legacy_person(settings, original=with_gps, display=encoded(picture((320, 213)), "JPEG"))
    legacy_original = Path(settings.MEDIA_ROOT) / "people/albina.jpg"

    with committed():
        output = repair()

    person.refresh_from_db()
    assert "Albina Muratbekova (albina-muratbekova): original people/albina.jpg stored again without metadata" in output
    assert not legacy_original.exists()
    assert Path(on_disk(person.photo, settings.PHOTO_ORIGINALS_ROOT)).is_file()
    assert b"GPS" not in read(person.photo)
    assert (person.photo_width, person.photo_height) == (400, 600)  # turned upright
    assert (person.photo_display_width, person.photo_display_height) == (320, 480)
    assert stored_files(settings) == sorted(
        [on_disk(person.photo, settings.PHOTO_ORIGINALS_ROOT), on_disk(person.photo_display, settings.MEDIA_ROOT)]
    )
    assert "0 of 1 people with a photo changed" in repair()  # a second run finds nothing to do


@pytest.mark.django_db
def test_repair_stores_the_size_of_a_copy_or_drops_a_copy_that_is_missing(settings, client, caplog):
    sized = legacy_person(settings, display=encoded(picture((320, 400)), "JPEG"))
    gone = make_person(slug="gone")
    Person.objects.filter(pk=gone.pk).update(photo_display="people/display/gone-320.jpg")

    output = repair()

    sized.refresh_from_db()
    gone.refresh_from_db()
    assert (sized.photo_display_width, sized.photo_display_height) == (320, 400)
    assert "size of the copy for pages stored (320 × 400)" in output
    assert not gone.photo_display and "no photo is shown until one is uploaded" in output
    with caplog.at_level(logging.WARNING):
        assert sized.page_photo and gone.page_photo is None
    assert not caplog.records
