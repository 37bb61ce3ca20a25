"""Previews kept on the server: only for the user who made them, for an hour, and not piling up."""

import datetime

import pytest
from django.utils import timezone

from imports.models import ImportPreview
from imports.previews import KEPT_PER_USER, PreviewNotFound, discard_preview, load_preview, store_preview
from tests.conftest import make_staff

NOON = timezone.make_aware(datetime.datetime(2030, 1, 1, 12, 0))


@pytest.mark.django_db
def test_a_preview_comes_back_to_its_user_with_its_payload_and_file():
    user = make_staff()
    preview_id = store_preview(user, "people.fellows", {"rows": [["Asel", "Nurova"]]}, data=b"PK\x03\x04", now=NOON)
    preview = load_preview(user, "people.fellows", str(preview_id), now=NOON + datetime.timedelta(minutes=59))
    assert preview.payload == {"rows": [["Asel", "Nurova"]]} and bytes(preview.data) == b"PK\x03\x04"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, kind, preview_id, message",
    [
        ("other", "people.fellows", None, "is not yours"),
        ("same", "briefs.word", None, "is not yours"),
        ("same", "people.fellows", "not-a-uuid", "is not yours"),
        ("same", "people.fellows", "6f1c1b8e-0000-4000-8000-000000000000", "is not yours"),
    ],
)
def test_another_user_kind_or_id_finds_no_preview(who, kind, preview_id, message):
    user = make_staff()
    stored = store_preview(user, "people.fellows", {}, now=NOON)
    with pytest.raises(PreviewNotFound, match=message):
        load_preview(user if who == "same" else make_staff(), kind, preview_id or stored, now=NOON)


@pytest.mark.django_db
def test_a_preview_over_an_hour_old_is_refused():
    user = make_staff()
    preview_id = store_preview(user, "people.fellows", {}, now=NOON)
    with pytest.raises(PreviewNotFound, match="more than an hour old"):
        load_preview(user, "people.fellows", preview_id, now=NOON + datetime.timedelta(minutes=61))


@pytest.mark.django_db
def test_a_discarded_preview_is_gone_and_discarding_twice_says_so():
    user = make_staff()
    preview_id = store_preview(user, "people.fellows", {}, now=NOON)
    assert discard_preview(make_staff(), "people.fellows", preview_id) is False
    assert discard_preview(user, "people.fellows", preview_id) is True
    assert discard_preview(user, "people.fellows", preview_id) is False
    with pytest.raises(PreviewNotFound):
        load_preview(user, "people.fellows", preview_id, now=NOON)


@pytest.mark.django_db
def test_storing_a_preview_deletes_expired_ones_and_keeps_a_few_per_user_and_kind():
    user, other = make_staff(), make_staff()
    expired = store_preview(other, "people.fellows", {}, now=NOON - datetime.timedelta(hours=2))
    other_kind = store_preview(user, "briefs.word", {}, now=NOON)
    mine = [store_preview(user, "people.fellows", {"n": n}, now=NOON + datetime.timedelta(seconds=n)) for n in range(8)]
    kept = set(ImportPreview.objects.values_list("pk", flat=True))
    assert kept == {other_kind, *mine[-KEPT_PER_USER:]} and expired not in kept
