"""Files in S3-compatible object storage, tested against a real S3 server (SeaweedFS).

With ``STORAGES`` set as ``AWS_STORAGE_BUCKET_NAME`` sets them, photos (the copy
for pages and the private original) and built PDFs go to the bucket, one prefix
each; the site reads them back through the storage API and serves them itself.
The bucket is private: nothing in it can be read without the key. Replacing or
deleting removes the old objects. When S3 is down, readers get the pages and an
honest 503 for files, and an editor's upload is refused with a form error and
nothing half-written (see the last part).
"""

import io
import logging
import threading

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from briefs.models import Contribution, Issue
from people.models import Person
from printing.models import IssuePdf
from tests.conftest import make_issue, make_person
from tests.people.test_photos import encoded, image_file, person_post, picture
from tests.s3_server import anonymous_get

pytestmark = pytest.mark.django_db

ADD_PERSON = reverse("admin:people_person_add")


def change_url(person):
    return reverse("admin:people_person_change", args=[person.pk])


def pdf_url(issue):
    return reverse("reader:issue_pdf", args=[issue.series.slug, issue.number])


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def upload_photo(editor_client, django_capture_on_commit_callbacks):
    """Post a photo for a person through the admin, committing as a real request would."""

    def upload(size=(1200, 1500), person=None, **fields):
        url = change_url(person) if person else ADD_PERSON
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(url, person_post(image_file(size, fmt="JPEG", name="p.jpg"), **fields))
        return response

    return upload


@pytest.fixture
def published_issue(django_capture_on_commit_callbacks):
    """A published issue with its PDF built, as publishing builds it today."""
    with django_capture_on_commit_callbacks(execute=True):
        issue = make_issue(title="Water in the Fergana Valley")
    issue = Issue.objects.select_related("series__programme").get(pk=issue.pk)
    assert IssuePdf.objects.get(issue=issue).file, "publishing built the PDF"
    return issue


# -- stored in S3, served by the site ----------------------------------------------


def test_a_photo_uploaded_in_the_admin_is_stored_in_s3_and_served_by_the_site(s3_files, upload_photo, client):
    assert upload_photo().status_code == 302
    person = Person.objects.get()

    assert s3_files.keys() == sorted([f"media/{person.photo_display.name}", f"private/photos/{person.photo.name}"])
    with Image.open(io.BytesIO(s3_files.read(f"private/photos/{person.photo.name}"))) as original:
        assert original.size == (1200, 1500)

    # The copy for pages has the site's own address, and the site streams it from the bucket.
    assert person.photo_display.url == f"/media/{person.photo_display.name}"
    response = client.get(person.photo_display.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    served = body(response)
    assert served == s3_files.read(f"media/{person.photo_display.name}")
    with Image.open(io.BytesIO(served)) as shown:
        assert shown.size == (320, 400)

    make_issue().contributions.create(person=person, role=Contribution.Role.AUTHOR)
    page = client.get(person.get_absolute_url()).content.decode()
    assert f'src="{person.photo_display.url}"' in page and person.photo.name not in page


def test_the_site_serves_only_the_public_copies_never_an_original_or_a_pdf(
    s3_files, upload_photo, published_issue, client
):
    upload_photo()
    person = Person.objects.get()
    pdf_name = IssuePdf.objects.get().file.name
    with pytest.raises(ValueError, match="private and has no web address"):
        person.photo.url
    for escape in [f"../private/photos/{person.photo.name}", f"../pdfs/{pdf_name}", f"%2E%2E/pdfs/{pdf_name}"]:
        assert client.get(f"/media/{escape}").status_code in (400, 404), escape
    assert client.get("/media/people/display/no-such-photo.jpg").status_code == 404


def test_a_built_pdf_is_stored_in_s3_and_served_by_the_site_while_the_issue_is_public(
    s3_files, published_issue, client, django_capture_on_commit_callbacks
):
    stored = IssuePdf.objects.get(issue=published_issue)
    assert s3_files.keys() == [f"pdfs/{stored.file.name}"]

    response = client.get(pdf_url(published_issue))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = body(response)
    assert data.startswith(b"%PDF-") and data == s3_files.read(f"pdfs/{stored.file.name}")

    with django_capture_on_commit_callbacks(execute=True):
        published_issue.status = Issue.Status.WITHDRAWN
        published_issue.save()
    assert client.get(pdf_url(published_issue)).status_code == 410
    assert s3_files.keys() == [], "a withdrawn issue's PDF is removed from the bucket"


def test_private_files_cannot_be_read_from_the_bucket_without_the_key(s3_files, upload_photo, published_issue):
    upload_photo()
    keys = s3_files.keys()
    assert len(keys) == 3 and {key.split("/")[0] for key in keys} == {"media", "private", "pdfs"}
    for key in keys:
        assert anonymous_get(s3_files.public_url(key)) == 403, key
    # Nor can the bucket be listed.
    assert anonymous_get(f"{s3_files.server.endpoint}/{s3_files.bucket}?list-type=2") == 403
    # With the key, every one of them is there.
    assert all(s3_files.read(key) for key in keys)


def test_storing_and_serving_files_in_s3_starts_no_thread(
    s3_files, upload_photo, client, monkeypatch, django_capture_on_commit_callbacks
):
    # boto3's transfers use a thread pool unless told not to; web workers start no thread.
    def no_threads(thread):
        raise AssertionError(f"a thread was started: {thread.name}")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    assert upload_photo().status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        issue = make_issue()
    person = Person.objects.get()
    assert client.get(person.photo_display.url).status_code == 200
    assert client.get(pdf_url(issue)).status_code == 200


# -- replacing and deleting removes the old objects --------------------------------


def test_replacing_or_clearing_a_photo_removes_its_old_objects(
    s3_files, upload_photo, editor_client, django_capture_on_commit_callbacks
):
    upload_photo()
    first = s3_files.keys()
    person = Person.objects.get()

    assert upload_photo(size=(800, 400), person=person).status_code == 302
    person.refresh_from_db()
    assert s3_files.keys() == sorted([f"media/{person.photo_display.name}", f"private/photos/{person.photo.name}"])
    assert not set(first) & set(s3_files.keys())

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url(person), person_post("") | {"photo-clear": "on"})
    assert s3_files.keys() == []


def test_a_rebuilt_pdf_replaces_the_older_object_and_deleting_the_issue_removes_them(
    s3_files, published_issue, django_capture_on_commit_callbacks
):
    names = [IssuePdf.objects.get().file.name]
    for title in ["Water in the Fergana Valley, revised", "Water in the Fergana Valley, final"]:
        with django_capture_on_commit_callbacks(execute=True):
            published_issue.title = title
            published_issue.save()
        names.append(IssuePdf.objects.get().file.name)
    assert len(set(names)) == 3
    # The file just replaced stays one build longer (a download may be under way); the one before goes.
    assert s3_files.keys() == sorted(f"pdfs/{name}" for name in names[1:])

    with django_capture_on_commit_callbacks(execute=True):
        published_issue.delete()
    assert s3_files.keys() == []


def test_repairing_photos_of_earlier_versions_works_in_s3(s3_files, django_capture_on_commit_callbacks):
    # An original left in the public prefix by an earlier version is moved to the private one.
    person = make_person(given_name="Albina", family_name="Muratbekova", slug="albina-muratbekova")
    s3_files.put("media/people/albina.jpg", encoded(picture((600, 400)), "JPEG"))
    Person.objects.filter(pk=person.pk).update(photo="people/albina.jpg")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("repair_person_photos", stdout=io.StringIO())

    person.refresh_from_db()
    assert s3_files.keys() == sorted([f"media/{person.photo_display.name}", f"private/photos/{person.photo.name}"])
    assert (person.photo_display_width, person.photo_display_height) == (320, 213)


# -- S3 down -----------------------------------------------------------------------


def test_with_s3_down_readers_get_the_pages_and_an_honest_503_for_files_and_nothing_is_lost(
    s3_files_on_own_server, upload_photo, published_issue, client, caplog, django_capture_on_commit_callbacks
):
    upload_photo()
    person = Person.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rebuilt with its new author
        published_issue.contributions.create(person=person, role=Contribution.Role.AUTHOR)
    pdf_before = body(client.get(pdf_url(published_issue)))
    assert pdf_before.startswith(b"%PDF-")

    s3_files_on_own_server.server.stop()

    with caplog.at_level(logging.ERROR):
        pdf = client.get(pdf_url(published_issue))
    assert pdf.status_code == 503 and pdf["Retry-After"]
    text = pdf.content.decode()
    assert (
        "Temporarily unavailable" in text and "Nothing is lost" in text and published_issue.get_absolute_url() in text
    )
    photo = client.get(person.photo_display.url)
    assert photo.status_code == 503 and "Temporarily unavailable" in photo.content.decode()
    for page in [published_issue.get_absolute_url(), person.get_absolute_url()]:
        assert client.get(page).status_code == 200, page

    s3_files_on_own_server.server.start()
    assert body(client.get(pdf_url(published_issue))) == pdf_before
    assert client.get(person.photo_display.url).status_code == 200


def test_with_s3_down_an_editor_uploading_a_photo_gets_a_form_error_and_nothing_is_written(
    s3_files_on_own_server, upload_photo, editor_client
):
    upload_photo()
    person = Person.objects.get()
    before = Person.objects.values().get()
    keys_before = s3_files_on_own_server.keys()

    s3_files_on_own_server.server.stop()

    # The person's change page still opens, and says why the photo cannot be checked.
    page = editor_client.get(change_url(person))
    assert page.status_code == 200 and "The file storage cannot be reached" in page.content.decode()

    response = upload_photo(size=(800, 400), person=person, family_name="Baydarov-Kim")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["photo"] == [
        "The photo could not be stored: the site's file storage is not answering. Nothing was saved; "
        "please try again in a few minutes."
    ]
    assert Person.objects.values().get() == before, "neither the new name nor the new photo was saved"

    response = upload_photo(slug="someone-new", given_name="Someone", family_name="New")
    assert response.status_code == 200 and "photo" in response.context["adminform"].form.errors
    assert Person.objects.count() == 1

    s3_files_on_own_server.server.start()
    assert s3_files_on_own_server.keys() == keys_before, "the person's photo is still there, and nothing else"
    assert upload_photo(size=(800, 400), person=person).status_code == 302, "once S3 is back, the upload works"


def test_publishing_with_s3_down_keeps_the_issue_and_its_pdf_is_built_once_s3_is_back(
    s3_files_on_own_server, client, django_capture_on_commit_callbacks
):
    s3_files_on_own_server.server.stop()
    with django_capture_on_commit_callbacks(execute=True):  # the build after the commit cannot store its file
        issue = make_issue(title="Published while the storage was down")

    assert Issue.objects.filter(pk=issue.pk, status=Issue.Status.PUBLISHED).exists()
    assert client.get(issue.get_absolute_url()).status_code == 200
    pdf = client.get(pdf_url(issue))
    assert pdf.status_code == 503 and "The PDF is not available at the moment" in pdf.content.decode()
    assert not IssuePdf.objects.filter(issue=issue).exclude(file="").exists(), "no row points at a file not stored"
    failed = IssuePdf.objects.get(issue=issue)  # the failure is recorded on the issue, with its retry
    assert failed.attempts == 1 and failed.next_retry_at is not None and failed.failure

    s3_files_on_own_server.server.start()
    call_command("build_pdfs", "--retry", stdout=io.StringIO())  # what the retry job does when it is due
    response = client.get(pdf_url(issue))
    assert response.status_code == 200 and body(response).startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_media_name_no_storage_can_hold_is_404_not_500(client):
    for name in ["a%00", "people/display/x%00.jpg"]:
        assert client.get(f"/media/{name}").status_code == 404
