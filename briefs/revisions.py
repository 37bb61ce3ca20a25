"""Revisions of issues, series and their parts (django-reversion), and the services that restore them.

One revision of an issue holds the issue with its contributors, questions,
footnotes and corrections, as they were at one save. What the workflow alone
changes (status, public_from, published_at and published_by, the withdrawal
notice, edit_version, and the timestamps) is not kept in a revision, so that
restoring one never moves an issue in the workflow nor hides an edit from the
edit-conflict check.

django-reversion's own revert writes every field of a model, the ones it did
not keep included (they would come back empty), so issues are restored and
recovered here instead, by :func:`restore_issue_revision` and
:func:`recover_deleted_issue`. Both make a new revision, so nothing is lost.

This module registers the models on import; ``editorial.admin`` and the app's
``ready()`` import it.
"""

from collections import defaultdict
from dataclasses import dataclass

import reversion
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from reversion.models import Version

from briefs.history import IssueText
from briefs.models import (
    AboutSection,
    Contribution,
    Correction,
    EditorialMembership,
    Footnote,
    Issue,
    IssueKind,
    IssueStatus,
    Question,
    Series,
)
from common import reversion_follow
from people.models import Person

#: Changed only by the workflow (``briefs.workflow``); never kept in, nor restored from, a revision.
ISSUE_WORKFLOW_FIELDS = (
    "status",
    "public_from",
    "published_at",
    "published_by",
    "withdrawal_notice",
    "edit_version",
    "updated_at",
    "created_at",
)
#: A working copy's bookkeeping (``briefs.working_copies``): never kept in a revision. Whether a
#: version is a working copy's (``working_copy_of``) is kept, and never restored.
ISSUE_COPY_FIELDS = ("copied_rows", "copy_started_by", "copy_saved_by", "copy_discarded_at", "copy_discarded_by")
#: What a revision of an issue keeps and a restore brings back.
ISSUE_CONTENT_FIELDS = tuple(
    f.name
    for f in Issue._meta.local_concrete_fields
    if not f.primary_key and f.name not in (*ISSUE_WORKFLOW_FIELDS, *ISSUE_COPY_FIELDS, "working_copy_of")
)
#: The issue's many-to-many fields: a revision keeps them and a restore brings them back.
ISSUE_TAG_FIELDS = ("topics", "places")
#: The parts a restore replaces with the revision's. Corrections are public notes
#: that the workflow adds: a restore leaves them as they are.
RESTORED_PARTS = (Contribution, Question, Footnote)
#: The parts a deleted draft is recovered with.
RECOVERED_PARTS = (Contribution, Question, Footnote, Correction)

if not reversion.is_registered(Issue):
    for _model in (Contribution, Question, Footnote, Correction, AboutSection, EditorialMembership):
        reversion_follow.register(_model)
    reversion_follow.register(
        Issue,
        exclude=(*ISSUE_WORKFLOW_FIELDS, *ISSUE_COPY_FIELDS),
        follow=("contributions", "questions", "footnotes", "corrections"),
    )
    # The token only tells the workers to read the front matter again.
    reversion_follow.register(
        Series, exclude=("front_matter_token",), follow=("about_sections", "editorial_memberships")
    )


def issue_versions(issue):
    """The saved versions of ``issue``, newest first, each with its revision and who made it."""
    return (
        Version.objects.get_for_object(issue)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def describe_revision(revision):
    """“3 March 2019, 10:15 by alice”: when a revision was made, and by whom if known."""
    when = date_format(timezone.localtime(revision.date_created), "j F Y, H:i")
    return f"{when} by {revision.user.get_username()}" if revision.user else when


def _issue_parts(revision, issue_pk, models):
    """The issue's parts saved in ``revision``, as unsaved instances, per model, in their order."""
    types = {ContentType.objects.get_for_model(model).pk: model for model in models}
    parts = {model: [] for model in models}
    for version in revision.version_set.filter(content_type__in=types).order_by("pk"):
        model = types[version.content_type_id]
        obj = model(**version.field_dict)
        if obj.issue_id == issue_pk:
            parts[model].append(obj)
    for objs in parts.values():
        objs.sort(key=lambda obj: (getattr(obj, "sort_order", 0), obj.pk))
    return parts


def _person_names(person_ids):
    people = Person.objects.filter(pk__in=set(person_ids) - {None}).only("honorific", "given_name", "family_name")
    return {person.pk: person.full_name for person in people}


def issue_text(issue, *, contributions, questions, footnotes):
    """The :class:`~briefs.history.IssueText` of an issue and its parts (saved or from a revision)."""
    names = _person_names(c.person_id for c in contributions)
    series = Series.objects.filter(pk=issue.series_id).values_list("name", flat=True).first()
    return _text(issue, contributions, questions, footnotes, names=names, series=series)


def _text(issue, contributions, questions, footnotes, *, names, series):
    def contributor(c):
        name = names.get(c.person_id, "a person since deleted")
        role = Contribution.Role(c.role).label if c.role in Contribution.Role.values else c.role
        return f"{name} ({role}, {c.speaker_label})" if c.speaker_label else f"{name} ({role})"

    kind = IssueKind(issue.kind).label if issue.kind in IssueKind.values else issue.kind
    return IssueText(
        title=issue.title,
        introduction=issue.introduction,
        body=issue.body,
        questions=tuple((q.question, q.answer) for q in questions),
        footnotes=tuple((f.label, f.text) for f in footnotes),
        contributors=tuple(contributor(c) for c in contributions),
        details=(
            f"Series: {series or 'a series since deleted'}",
            f"Number: {issue.number}",
            f"Kind of piece: {kind}",
            f"Publication date: {date_format(issue.publication_date, 'j F Y') if issue.publication_date else ''}",
            f"Web address: {issue.slug}",
        ),
    )


def issue_texts_now(issues):
    """What each of ``issues`` says now, as saved: ``{pk: IssueText}``, in five queries whatever their number."""
    issues = list(issues)
    ids = [issue.pk for issue in issues]
    parts = {model: defaultdict(list) for model in (Contribution, Question, Footnote)}
    for model in parts:
        for row in model.objects.filter(issue_id__in=ids):  # in each model's ordering
            parts[model][row.issue_id].append(row)
    names = _person_names(c.person_id for rows in parts[Contribution].values() for c in rows)
    series = dict(Series.objects.filter(pk__in={issue.series_id for issue in issues}).values_list("pk", "name"))
    return {
        issue.pk: _text(
            issue,
            parts[Contribution][issue.pk],
            parts[Question][issue.pk],
            parts[Footnote][issue.pk],
            names=names,
            series=series.get(issue.series_id),
        )
        for issue in issues
    }


def issue_text_now(issue):
    """What ``issue`` says now, as saved."""
    return issue_texts_now([issue])[issue.pk]


def issue_text_in(version):
    """What the issue said in ``version`` (a version of an issue) and the rest of its revision."""
    issue, _tags = _issue_and_tags(version.field_dict)
    parts = _issue_parts(version.revision, issue.pk, RESTORED_PARTS)
    return issue_text(
        issue,
        contributions=parts[Contribution],
        questions=parts[Question],
        footnotes=sorted(parts[Footnote], key=lambda f: f.pk),
    )


def _issue_and_tags(field_dict):
    """An unsaved issue from a version's fields, and its topics and places (absent from older revisions)."""
    fields = dict(field_dict)
    tags = {name: fields.pop(name) for name in ISSUE_TAG_FIELDS if name in fields}
    return Issue(**fields), tags


def _new_rows_of(issue, parts):
    """The parts of a revision as new rows of ``issue`` (a working copy), their old keys dropped."""
    for objs in parts.values():
        for obj in objs:
            obj.pk, obj.issue_id = None, issue.pk
    return parts


def _set_tags(issue, tags):
    for name, pks in tags.items():
        field = getattr(issue, name)
        # A topic or place deleted since the revision was made is left out.
        field.set(field.model.objects.filter(pk__in=pks))


@dataclass(frozen=True)
class RestoreResult:
    """What a restore or recovery did: the new revision's comment, and parts it could not bring back."""

    comment: str
    left_out: tuple = ()


def _put_back(parts, models):
    """Saves the parts of a revision with their old keys; those whose person is gone are left out or adapted."""
    people = set(
        Person.objects.filter(
            pk__in={obj.person_id for obj in parts.get(Contribution, ())}
            | {obj.speaker_id for obj in parts.get(Question, ())}
        ).values_list("pk", flat=True)
    )
    users = set(
        get_user_model()
        .objects.filter(pk__in={obj.by_id for obj in parts.get(Correction, ())})
        .values_list("pk", flat=True)
    )
    left_out = []
    for model in models:
        for obj in parts[model]:
            if model is Contribution and obj.person_id not in people:
                left_out.append(f"a contributor ({obj.get_role_display()}) whose person has since been deleted")
                continue
            if model is Question and obj.speaker_id is not None and obj.speaker_id not in people:
                obj.speaker_id = None
                left_out.append(f"who answers question {obj.sort_order} (that person has since been deleted)")
            if model is Correction and obj.by_id not in users:
                obj.by_id = None
            try:
                with transaction.atomic():
                    obj.save(force_insert=True)
            except IntegrityError:
                left_out.append(f"{model._meta.verbose_name} “{obj}”")
    return tuple(left_out)


def _number_taken(series_id, number, *, other_than=None):
    return Issue.objects.originals().filter(series_id=series_id, number=number).exclude(pk=other_than).exists()


def restore_issue_revision(*, issue, version, by, now=None, into=None):
    """Make ``issue`` say again what it said in ``version``: its texts, contributors, questions and footnotes.

    ``into``: the issue's working copy, for an issue readers see: the copy is
    made to say it, and readers see it once the copy is published.

    The issue's workflow state (status, public_from, who published it) stays as
    it is, and ``edit_version`` moves on by one, as after any save, so that a
    form opened before the restore cannot save over it. Corrections stay. The
    restore is itself a new revision, made by ``by``, with the comment
    “Restored the revision of <date> by <user>”; the revisions in between are
    kept. Raises ``ValidationError`` when the revision cannot be restored (its
    number is now another issue's).
    """
    if version.content_type_id != ContentType.objects.get_for_model(Issue).pk or version.object_id != str(issue.pk):
        raise ValueError(f"Version {version.pk} is not a version of issue {issue.pk}.")
    now = now or timezone.now()
    saved = version.field_dict
    comment = f"Restored the revision of {describe_revision(version.revision)}"
    if into is not None and into.working_copy_of_id != issue.pk:
        raise ValueError(f"Issue {into.pk} is not a working copy of issue {issue.pk}.")
    with transaction.atomic(), reversion.create_revision():
        current = Issue.objects.select_for_update().get(pk=(into or issue).pk)
        for name in ISSUE_CONTENT_FIELDS:
            attname = Issue._meta.get_field(name).attname
            setattr(current, attname, saved[attname])
        if _number_taken(current.series_id, current.number, other_than=issue.pk):
            raise ValidationError(
                "This revision cannot be restored: its number, No. %(number)s, is now used by another issue of "
                "the series. Change that issue's number first.",
                code="number_taken",
                params={"number": current.number},
            )
        current.edit_version += 1  # a form opened before the restore must not save over it
        current.copied_rows = {}  # the copy's rows are the revision's now, copied from none of the issue's
        current.save(update_fields=[*ISSUE_CONTENT_FIELDS, "edit_version", "updated_at", "copied_rows"])
        _set_tags(current, _issue_and_tags(saved)[1])
        for model in RESTORED_PARTS:
            model.objects.filter(issue=current).delete()
        parts = _issue_parts(version.revision, issue.pk, RESTORED_PARTS)
        left_out = _put_back(_new_rows_of(current, parts) if into is not None else parts, RESTORED_PARTS)
        reversion.set_user(by)
        reversion.set_comment(comment)
        reversion.set_date_created(now)
        reversion.add_to_revision(current)
    if into is None:
        for name in (*(Issue._meta.get_field(n).attname for n in ISSUE_CONTENT_FIELDS), "edit_version", "updated_at"):
            setattr(issue, name, getattr(current, name))
    return RestoreResult(comment=comment, left_out=left_out)


def deleted_issue_versions():
    """The last version of each deleted issue, newest first: what “Recover deleted issues” offers.

    Working copies published into their issue have no versions left (``forget_copy``).
    """
    return Version.objects.get_deleted(Issue).select_related("revision", "revision__user").order_by("-pk")


def keep_published_change(issue):
    """The issue, with the rows it has now, in the revision being made.

    Publishing a working copy moves the copy's rows to the issue with a bulk
    update, which saves no row: without this the publication's revision would
    hold the issue alone (the rows it had before are deleted), and restoring it
    would empty the issue.
    """
    if reversion.is_active():
        reversion.add_to_revision(issue)


def forget_copy(copy):
    """A working copy published into its issue: its own versions go, so it is not offered as a deleted issue.

    Its content lives on in the issue's revision that publishing it makes.
    """
    Version.objects.get_for_object(copy).delete()


def recover_deleted_issue(*, version, by, now=None):
    """Bring back a deleted issue, as a draft, with the contributors, questions, footnotes and corrections it had.

    ``version`` is the issue's last version (see :func:`deleted_issue_versions`).
    The issue comes back with its old key, so its history continues; the
    recovery is a new revision. Raises ``ValidationError`` when the issue exists
    or cannot come back (its series was deleted, or its number is taken).
    """
    if version.content_type_id != ContentType.objects.get_for_model(Issue).pk:
        raise ValueError(f"Version {version.pk} is not a version of an issue.")
    now = now or timezone.now()
    issue, tags = _issue_and_tags(version.field_dict)
    issue.status = IssueStatus.DRAFT
    if Issue.objects.filter(pk=issue.pk).exists():
        raise ValidationError("This issue has not been deleted.", code="not_deleted")
    if not Series.objects.filter(pk=issue.series_id).exists():
        raise ValidationError("This issue cannot be recovered: its series has been deleted.", code="series_deleted")
    if _number_taken(issue.series_id, issue.number):
        raise ValidationError(
            "This issue cannot be recovered: its number, No. %(number)s, is now used by another issue of the "
            "series. Change that issue's number first.",
            code="number_taken",
            params={"number": issue.number},
        )
    comment = f"Recovered after deletion, as saved on {describe_revision(version.revision)}"
    with transaction.atomic(), reversion.create_revision():
        issue.save(force_insert=True)
        _set_tags(issue, tags)
        left_out = _put_back(_issue_parts(version.revision, issue.pk, RECOVERED_PARTS), RECOVERED_PARTS)
        reversion.set_user(by)
        reversion.set_comment(comment)
        reversion.set_date_created(now)
        reversion.add_to_revision(issue)
    return issue, RestoreResult(comment=comment, left_out=left_out)


def keep_before_deletion(issues, *, by):
    """Save one revision of ``issues`` as they are, so that each can be recovered exactly as it was deleted."""
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment("As it was when deleted")
        for issue in issues:
            reversion.add_to_revision(issue)


def printed_terms_a_revert_would_delete(revision):
    """Team terms printed in a published issue's imprint that reverting ``revision`` would delete.

    django-reversion's revert (the series' and team's history pages) deletes the
    terms a series has now that its revision did not have; a term a published
    imprint lists must stay (see ``membership_deletion_problem``).
    """
    series_type = ContentType.objects.get_for_model(Series)
    term_type = ContentType.objects.get_for_model(EditorialMembership)
    versions = revision.version_set.filter(content_type__in=[series_type, term_type])
    series = {int(v.object_id) for v in versions if v.content_type_id == series_type.pk}
    kept = {int(v.object_id) for v in versions if v.content_type_id == term_type.pk}
    terms = (
        EditorialMembership.objects.filter(series__in=series).exclude(pk__in=kept).select_related("person", "series")
    )
    return [term for term in terms if term.published_issues_shown_in().exists()]
