"""Changes to a published issue are prepared first, and become public only when published.

Readers see the issue's rows in the database, which stay as published. While an
editor works on a public issue, the admin keeps their version in a
:class:`~briefs.models.PendingChange`:

- to show or save the issue's form, :func:`prepared_state` puts the prepared
  version into the rows inside a savepoint, lets the admin do its usual work
  (checks, inlines, the edit-conflict check), records the result, and rolls
  the rows back, so nothing a reader sees has changed;
- :func:`publish_change` writes the prepared version into the rows for good,
  with a correction note when the text changed ("Corrected on …: …");
- :func:`discard_change` drops it.

Rows the prepared version adds (a new question, a new note) have no place in
the database yet; they carry negative ids while prepared, so that the form
shown and the form saved name the same rows, and get real ids when published.
"""

import json
from contextlib import contextmanager

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from briefs.models import Contribution, Correction, Footnote, Issue, IssueStatus, PendingChange, Question
from sitecache.versioning import writes_rolled_back

#: The issue's own fields that a prepared change holds; the workflow's fields are never in it.
CONTENT_FIELDS = (
    "series_id",
    "number",
    "title",
    "slug",
    "kind",
    "publication_date",
    "introduction",
    "body",
    "edit_version",
)
INLINES = (("contributions", Contribution), ("questions", Question), ("footnotes", Footnote))
#: The issue's many-to-many fields that a prepared change holds: what it is about.
TAG_FIELDS = ("topics", "places")


def is_live(issue, *, now=None):
    """Readers see this issue now."""
    return (
        issue.status == IssueStatus.PUBLISHED
        and issue.public_from is not None
        and issue.public_from <= (now or timezone.now())
    )


def edits_are_prepared(issue, *, now=None):
    """Edits to this issue are prepared, not applied: readers see it, or saw it before it was withdrawn.

    A withdrawn issue's edits wait too, so that publishing it again shows the
    text readers knew, and the change follows with its correction note.
    """
    return is_live(issue, now=now) or issue.status == IssueStatus.WITHDRAWN


def pending_version(issue):
    """The edit version of the issue's prepared change, or 0."""
    data = PendingChange.objects.filter(issue=issue).values_list("data", flat=True).first()
    return int(data["issue"]["edit_version"]) if data else 0


def next_edit_version(issue):
    """The version after both the issue's and its prepared change's: every form opened before is outdated."""
    return max(issue.edit_version, pending_version(issue)) + 1


def pending_of(issue):
    return PendingChange.objects.filter(issue=issue).select_related("by").first()


def capture(issue, *, committed_pks):
    """The issue's content as it is in the database now, as data for a PendingChange.

    Inline rows whose ids are not in ``committed_pks`` (per model) were added by
    the editor and get negative ids (see the module's note).
    """
    fresh = Issue.objects.get(pk=issue.pk)
    data = {"issue": {name: getattr(fresh, name) for name in CONTENT_FIELDS}}
    for name in TAG_FIELDS:
        data["issue"][name] = sorted(getattr(fresh, name).values_list("pk", flat=True))
    for name, model in INLINES:
        rows = list(model.objects.filter(issue=issue).order_by("pk"))
        used = [row.pk for row in rows if row.pk < 0]
        next_new = min(used, default=0) - 1
        for row in rows:
            if row.pk > 0 and row.pk not in committed_pks[name]:
                row.pk, next_new = next_new, next_new - 1
        data[name] = serializers.serialize("python", rows)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def committed_pks(issue):
    return {name: set(model.objects.filter(issue=issue).values_list("pk", flat=True)) for name, model in INLINES}


def apply(issue, data):
    """Make the issue's rows say what ``data`` says (inside a savepoint, or to publish it)."""
    fresh = Issue.objects.select_for_update().get(pk=issue.pk)
    live_version = fresh.edit_version
    for name in CONTENT_FIELDS:
        value = data["issue"][name]
        field = Issue._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        setattr(fresh, name, field.to_python(value) if not name.endswith("_id") else value)
    # A workflow step after the change was prepared moved the issue's own version past it.
    fresh.edit_version = max(live_version, fresh.edit_version)
    fresh.save()
    for name in TAG_FIELDS:
        if name in data["issue"]:  # prepared changes kept before topics existed have none
            field = getattr(fresh, name)
            # A topic deleted since the change was prepared is left out.
            field.set(field.model.objects.filter(pk__in=data["issue"][name]))
    for name, model in INLINES:
        model.objects.filter(issue=issue).delete()
        for item in serializers.deserialize("python", data[name]):
            item.save()
    return fresh


@contextmanager
def prepared_state(issue):
    """Inside: the issue's rows say what its prepared change says (if any). Afterwards: rolled back.

    Yields ``committed``: the inline ids that exist for real, for :func:`capture`.
    """
    with transaction.atomic():
        committed = committed_pks(issue)
        pending = pending_of(issue)
        # A nested atomic block (a savepoint Django knows of) marked for rollback,
        # rather than a bare savepoint: Django then also drops the commit callbacks
        # registered inside, as the content version relies on (sitecache.versioning).
        with transaction.atomic():
            try:
                with writes_rolled_back():  # the search index notes nothing here: nothing is kept
                    if pending is not None:
                        apply(issue, pending.data)
                    yield committed
            finally:
                transaction.set_rollback(True)


def keep_prepared(issue, data, *, by):
    PendingChange.objects.update_or_create(issue=issue, defaults={"data": data, "by": by, "at": timezone.now()})


def text_of(issue):
    """What readers read of the issue, as plain text: to tell whether a change alters it."""
    from briefs.document import issue_document

    document = issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk))
    return document.plain_text()


def prepared_text_of(issue):
    with prepared_state(issue):
        return text_of(issue)


def change_alters_text(issue):
    return prepared_text_of(issue) != text_of(issue)


def publish_change(issue, *, by, note="", now=None):
    """Make the prepared change public. ``note`` is required when it alters the text."""
    pending = pending_of(issue)
    if pending is None:
        raise ValidationError("There is no prepared change to publish.", code="no_pending_change")
    note = (note or "").strip()
    with transaction.atomic():
        alters = change_alters_text(issue)
        if alters and not note:
            raise ValidationError(
                "This change alters the text readers have read: write a short correction note for them.",
                code="correction_note_required",
            )
        live = apply(issue, _with_real_ids(pending.data))
        live.edit_version += 1
        live.save(update_fields=["edit_version", "updated_at"])
        if note:
            Correction.objects.create(issue=live, note=note, by=by, corrected_at=now or timezone.now())
        pending.delete()
    return live


def discard_change(issue):
    """Drop the prepared change; the published version stays as it is."""
    version = next_edit_version(Issue.objects.get(pk=issue.pk))  # forms showing the change are outdated
    if not PendingChange.objects.filter(issue=issue).delete()[0]:
        raise ValidationError("There is no prepared change to discard.", code="no_pending_change")
    Issue.objects.filter(pk=issue.pk).update(edit_version=version)


def _with_real_ids(data):
    """The prepared rows with negative ids become new rows with ids of their own."""
    real = dict(data)
    for name, _model in INLINES:
        real[name] = [dict(row, pk=None) if row["pk"] is not None and row["pk"] < 0 else row for row in data[name]]
    return real
