"""A public issue is edited in a working copy, and readers see the change once it is published.

Readers see an issue's own rows. While an editor corrects a public issue (or
one that was public and is withdrawn), their edits go to a **working copy**: a
second ``Issue`` row with ``working_copy_of`` set, and contributors, questions,
footnotes, topics and places of its own, copied from the issue when the first
edit is saved (:func:`start`). Everything an issue row can do, the copy does:
the same admin form, prose editor and footnote button, checks and edit-conflict
check, and the issue document for its preview. It is never public: it is not
``published`` (its status stays Draft), and lists of issues leave it out
(``Issue.objects.originals()``).

- :func:`publish` makes the copy's content the issue's, in one transaction,
  with a correction note when the change alters what readers read, moved
  addresses included; the copy is then deleted.
- :func:`discard` sets the copy aside (``copy_discarded_at``); it is kept, and
  :func:`restore` makes it the working copy again.

This follows djangocms-versioning (content rows copied into a draft version)
rather than Wagtail's revisions (a serialised page edited as JSON), because a
copy in the issue's own tables is edited by Django's admin and inline formsets
as they are; see docs/architecture.md.
"""

from copy import copy as copy_of

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Value
from django.utils import timezone

from briefs.addresses import remember_address
from briefs.models import Contribution, Correction, Footnote, Issue, IssueStatus, Question
from briefs.revisions import forget_copy, keep_published_change
from briefs.services import saved_issue_problems

#: The issue's own fields that a working copy holds; the workflow's fields are never copied.
CONTENT_FIELDS = ("series_id", "number", "title", "slug", "kind", "publication_date", "introduction", "body")
#: The fields whose change moves the issue to another address, or re-dates it: readers see it.
ADDRESS_FIELDS = ("series_id", "number", "slug", "publication_date")
#: The copied parts: inline prefix → model.
PARTS = {"contributions": Contribution, "questions": Question, "footnotes": Footnote}
TAG_FIELDS = ("topics", "places")


def is_live(issue, *, now=None):
    """Readers see this issue now."""
    return issue.is_public_now(now=now)


def edits_go_to_a_copy(issue, *, now=None):
    """Edits to this issue go to a working copy: readers see it, or saw it before it was withdrawn.

    A withdrawn issue's edits wait too, so that publishing it again shows the
    text readers knew, and the change follows with its correction note.
    """
    return not issue.is_working_copy and (is_live(issue, now=now) or issue.status == IssueStatus.WITHDRAWN)


def current_copy(issue):
    """The issue's working copy in progress, or None."""
    return Issue.objects.filter(working_copy_of=issue, copy_discarded_at__isnull=True).first()


def discarded_copies(issue):
    """The issue's discarded working copies, newest first (they can be restored)."""
    return (
        Issue.objects.filter(working_copy_of=issue, copy_discarded_at__isnull=False)
        .select_related("copy_discarded_by", "copy_started_by")
        .order_by("-copy_discarded_at", "-pk")
    )


def start(issue, *, by):
    """The issue's working copy: the one in progress, or a new copy of the issue as readers see it.

    Call inside a transaction: the issue's row is locked, so that two editors
    starting at the same moment get the same copy.
    """
    return open_copy(issue, by=by)[0]


def open_copy(issue, *, by, only_at_version=None):
    """``(copy, started)``: the issue's working copy, and whether this call started it (see :func:`start`).

    ``only_at_version``: start none (``(None, False)``) unless the issue is
    still at this edit version (the version of the form that asks for it).
    """
    # The issue's row locked first, then its copy read in a statement of its own: on PostgreSQL a
    # statement that waited for the lock does not see a copy committed meanwhile by the one that held it.
    live = Issue.objects.select_for_update().get(pk=issue.pk)
    copy = current_copy(live)
    if copy is not None:
        return copy, False
    if only_at_version is not None and str(live.edit_version) != str(only_at_version):
        return None, False
    copy = Issue(
        working_copy_of=live,
        status=IssueStatus.DRAFT,
        edit_version=live.edit_version,  # a form opened on the issue saves into the copy without a conflict
        copy_started_by=by,
        doi=live.doi,  # the preview shows the DOI the issue keeps; publishing the copy never writes it back
        **{name: getattr(live, name) for name in CONTENT_FIELDS},
    )
    copy.save(force_insert=True)
    tags = [
        getattr(Issue, name)
        .through.objects.filter(issue=live)
        .order_by()
        .annotate(field=Value(name))
        .values_list("field", getattr(Issue, name).field.m2m_reverse_name())  # topic_id, place_id
        for name in TAG_FIELDS
    ]
    tagged = {name: [] for name in TAG_FIELDS}
    for name, pk in tags[0].union(*tags[1:], all=True):  # one query for both
        tagged[name].append(pk)
    for name in TAG_FIELDS:
        through, target = getattr(Issue, name).through, getattr(Issue, name).field.m2m_reverse_name()
        if tagged[name]:
            through.objects.bulk_create([through(issue=copy, **{target: pk}) for pk in tagged[name]])
    copy.copied_rows = {prefix: _copy_rows(model, live, copy) for prefix, model in PARTS.items()}
    copy.save(update_fields=["copied_rows"])
    return copy, True


def _copy_rows(model, source, target):
    """Copy ``source``'s rows of ``model`` to ``target``; returns {source row id (str): copy row id}."""
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name != "issue"]
    rows = list(model.objects.filter(issue=source).order_by("pk"))
    # New rows rather than the loaded ones sent back: what is told of them is the copy's only.
    copies = model.objects.bulk_create(
        [model(issue=target, **{name: getattr(row, name) for name in fields}) for row in rows]
    )
    return {str(row.pk): copied.pk for row, copied in zip(rows, copies, strict=True)}


def text_of(issue):
    """What readers read of the issue, as plain text, and where they find it: to tell whether a change alters it."""
    from briefs.document import issue_document

    document = issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk))
    where = "\n".join(f"{name}: {getattr(issue, name)}" for name in ADDRESS_FIELDS)
    return where + "\n" + document.plain_text()


def change_alters_text(issue):
    """Whether publishing the issue's working copy changes what readers read or where they find it."""
    copy = current_copy(issue)
    return copy is not None and text_of(copy) != text_of(issue)


def may_discard(copy, user):
    """An author of the copy (someone who saved into it) or someone who may publish changes."""
    if user.has_perm("briefs.publish_issue"):
        return True
    return user.pk is not None and user.pk in authors_of(copy)


def authors_of(copy):
    """The users who saved into the working copy (saves into another copy of the issue do not count).

    Starting a copy is not enough: a first save that the form refused starts the
    copy (the form shown again is the copy's) but makes nobody its author.
    """
    return set(copy.copy_saved_by) - {None}


def note_saved_by(copy, user):
    """Count ``user`` among the copy's authors; the caller saves the copy."""
    if user.pk is not None and user.pk not in copy.copy_saved_by:
        copy.copy_saved_by = [*copy.copy_saved_by, user.pk]


def record_author(copy, user):
    """Count ``user`` among the copy's authors, now (for changes made into it other than by its form)."""
    note_saved_by(copy, user)
    Issue.objects.filter(pk=copy.pk).update(copy_saved_by=copy.copy_saved_by)


def publish(issue, *, by, note="", now=None):
    """Make the issue's working copy public, in the caller's transaction; returns the issue.

    ``note`` (the correction note readers see) is required when the change
    alters what readers read, or moves the issue (number, series, web address,
    date). Every earlier address of the issue then leads to the new one
    (``briefs.addresses``).
    """
    now = now or timezone.now()
    note = (note or "").strip()
    live = Issue.objects.select_for_update().get(pk=issue.pk)
    copy = current_copy(live)
    if copy is None:
        raise ValidationError("There is no prepared change to publish.", code="no_pending_change")
    problems = saved_issue_problems(copy)
    if problems:
        raise ValidationError(
            "The prepared change cannot be published: %(problems)s.",
            code="incomplete_issue",
            params={"problems": "; ".join(problems)},
        )
    if text_of(copy) != text_of(live) and not note:
        raise ValidationError(
            "This change alters the text readers have read, or where they find it: write a short correction "
            "note for them.",
            code="correction_note_required",
        )
    taken = Issue.objects.originals().filter(series_id=copy.series_id, number=copy.number).exclude(pk=live.pk).first()
    if taken is not None:
        raise ValidationError(
            "The change gives the issue No. %(number)s, which another issue of the series has (“%(title)s”). "
            "Change the number in the prepared change first.",
            code="number_taken",
            params={"number": copy.number, "title": taken.title},
        )
    was = copy_of(live)  # its address before: kept once the new one is written
    for name in CONTENT_FIELDS:
        setattr(live, name, getattr(copy, name))
    live.edit_version = max(live.edit_version, copy.edit_version) + 1
    try:
        with transaction.atomic():
            live.save()
    except IntegrityError as error:  # the number was taken in the instant since the check
        raise ValidationError(
            "Another issue of the series took No. %(number)s a moment ago. Change the number in the prepared "
            "change first.",
            code="number_taken",
            params={"number": copy.number},
        ) from error
    remember_address(was, now=now)  # the old address leads to the new one (briefs.addresses)
    for name in TAG_FIELDS:
        getattr(live, name).set(getattr(copy, name).all())
    for model in PARTS.values():
        model.objects.filter(issue=live).delete()
        model.objects.filter(issue=copy).update(issue=live)
    if note:
        Correction.objects.create(issue=live, note=note, by=by, corrected_at=now)
    keep_published_change(live)
    forget_copy(copy)
    copy.delete()
    return live


def discard(issue, *, by, now=None):
    """Set the issue's working copy aside; readers keep the published version, and the copy is kept.

    Only the copy's author or someone who may publish may discard it.
    """
    live = Issue.objects.select_for_update().get(pk=issue.pk)
    copy = current_copy(live)
    if copy is None:
        raise ValidationError("There is no prepared change to discard.", code="no_pending_change")
    if not may_discard(copy, by):
        raise PermissionDenied("Only the editor who prepared this change, or someone who may publish, may discard it.")
    copy.copy_discarded_at, copy.copy_discarded_by = now or timezone.now(), by
    copy.save(update_fields=["copy_discarded_at", "copy_discarded_by", "updated_at"])
    # A form showing the copy is outdated: saving it must not start a new copy from it unawares.
    live.edit_version = max(live.edit_version, copy.edit_version) + 1
    live.save(update_fields=["edit_version", "updated_at"])
    return copy


def restore(copy, *, by):
    """Make a discarded working copy the issue's working copy again (there must be none in progress)."""
    live = Issue.objects.select_for_update().get(pk=copy.working_copy_of_id)
    if current_copy(live) is not None:
        raise ValidationError(
            "No. %(number)s has a prepared change in progress: publish or discard it before restoring another.",
            code="copy_in_progress",
            params={"number": live.number},
        )
    copy = Issue.objects.select_for_update().get(pk=copy.pk)
    if copy.copy_discarded_at is None:
        raise ValidationError("This change was not discarded.", code="not_discarded")
    copy.copy_discarded_at, copy.copy_discarded_by = None, None
    # Forms open on the issue are outdated by the change they now show.
    copy.edit_version = (
        max(live.edit_version, Issue.objects.filter(working_copy_of=live).aggregate(v=Max("edit_version"))["v"] or 0)
        + 1
    )
    copy.save(update_fields=["copy_discarded_at", "copy_discarded_by", "edit_version", "updated_at"])
    return copy


def _discarded():
    return Issue.objects.filter(working_copy_of__isnull=False, copy_discarded_at__isnull=False)


def parts_in_discarded_copies(people):
    """The contributions and spoken questions of ``people`` in discarded working copies.

    A discarded copy is kept only so that it can be restored; it does not keep
    a person from being deleted (see :func:`release_from_discarded_copies`).
    """
    discarded = _discarded()
    return (
        Contribution.objects.filter(person__in=people, issue__in=discarded).select_related("issue", "person"),
        Question.objects.filter(speaker__in=people, issue__in=discarded).select_related("issue", "speaker"),
    )


def release_from_discarded_copies(people):
    """Take ``people`` out of discarded working copies, before they are deleted; call inside a transaction.

    Their contributions to those copies are deleted, and the questions they
    answer there keep their text with no speaker; restoring such a copy brings
    it back without them. Open working copies are left alone: they hold an
    editor's unpublished work, and keep the person. The copies' issues, then
    the copies, are locked first, in :func:`restore`'s order, so that a copy
    restored meanwhile is either restored before (and then left alone) or after.
    """
    contributions, questions = parts_in_discarded_copies(people)
    copies = {*contributions.values_list("issue_id", flat=True), *questions.values_list("issue_id", flat=True)}
    if not copies:
        return 0
    issues = Issue.objects.filter(pk__in=copies).values("working_copy_of_id")
    list(Issue.objects.select_for_update().filter(pk__in=issues).order_by("pk").values_list("pk", flat=True))
    list(Issue.objects.select_for_update().filter(pk__in=copies).order_by("pk").values_list("pk", flat=True))
    contributions, questions = parts_in_discarded_copies(people)  # of the copies still discarded now
    changed = {*contributions.values_list("issue_id", flat=True), *questions.values_list("issue_id", flat=True)}
    contributions.delete()
    questions.update(speaker=None)
    return len(changed)
