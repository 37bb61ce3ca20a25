"""Person photos: refused when unsafe, resized to what the page shows."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from people.models import Person
from people.photos import display_size

ADD_PERSON = reverse("admin:people_person_add")


def person_post(photo):
    data = {"honorific": "Dr", "given_name": "Erkin", "family_name": "Baydarov", "slug": "erkin-baydarov"}
    for prefix in ("editorial_memberships", "fellowships"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    return data | {"photo": photo}


def image_file(size, mode="RGB", fmt="PNG", name="portrait.png"):
    buffer = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else "white").save(buffer, fmt)
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_display_size_never_enlarges_and_keeps_the_aspect_ratio():
    assert display_size(320, 400) == (160, 200)
    assert display_size(100, 50) == (100, 50)


@pytest.mark.django_db
def test_an_image_over_the_pixel_limit_is_refused_with_its_size_named(editor_client, settings):
    settings.PERSON_PHOTO_MAX_PIXELS = 1_000_000
    response = editor_client.post(ADD_PERSON, person_post(image_file((1200, 1000))))
    assert "This image is 1200 × 1000 pixels; photos may have at most 1 megapixels" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_before_it_is_decoded(editor_client):
    bomb = image_file((15000, 15000), mode="1")  # 225 megapixels in a few kilobytes
    assert bomb.getbuffer().nbytes < 100_000
    response = editor_client.post(ADD_PERSON, person_post(bomb))
    assert "far too many pixels to be processed safely" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_photo_is_resized_for_the_page_and_served_with_width_and_height(editor_client, client):
    response = editor_client.post(ADD_PERSON, person_post(image_file((1200, 1500), fmt="JPEG", name="p.jpg")))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.photo_width, person.photo_height) == (1200, 1500)
    assert (person.photo_display_width, person.photo_display_height) == (320, 400)
    with Image.open(person.photo_display.path) as stored:
        assert stored.format == "JPEG" and stored.size == (320, 400)
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'src="{person.photo_display.url}"' in html and 'width="160" height="200"' in html
    assert person.photo.url not in html  # the original is not sent to readers


@pytest.mark.django_db
def test_replacing_or_clearing_a_photo_removes_the_old_resized_copy(editor_client, tmp_path):
    editor_client.post(ADD_PERSON, person_post(image_file((640, 640), fmt="JPEG", name="a.jpg")))
    person = Person.objects.get()
    copies = Path(person.photo_display.path).parent
    change = reverse("admin:people_person_change", args=[person.pk])
    editor_client.post(change, person_post(image_file((800, 400), fmt="JPEG", name="b.jpg")))
    person.refresh_from_db()
    assert [p.name for p in copies.iterdir()] == [Path(person.photo_display.name).name]
    with Image.open(person.photo_display.path) as stored:
        assert stored.size == (320, 160)
    editor_client.post(change, person_post("") | {"photo-clear": "on"})
    person.refresh_from_db()
    assert not person.photo and not person.photo_display and list(copies.iterdir()) == []
