"""The history of issues and series in the admin: revisions, comparing two, restoring one, recovering a draft.

:class:`IssueHistoryAdmin` goes first among ``IssueAdmin``'s bases. It is
django-reversion's ``VersionAdmin`` (each save of the issue page, with its
inlines, is one revision) with:

- the editor's “Note on this change” as the revision's comment;
- a History page listing the revisions, where any two can be compared
  (``<id>/history/compare/``, needs ``briefs.view_issue``) word by word;
- restoring a revision (``<id>/history/<version>/``, reversion's address)
  through :func:`briefs.revisions.restore_issue_revision`, which needs
  ``briefs.restore_issue``, for the page and for the button alike;
- only drafts can be deleted, from the issue's page or the list, and a deleted
  draft is recovered (“Recover deleted issues”) through
  :func:`briefs.revisions.recover_deleted_issue`;
- like every history admin (:mod:`editorial.revision_permissions`), the restore
  and recover pages first check that the version is this issue's (404) and that
  the user may make every change the restore makes (403).
"""

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin

from briefs import working_copies
from briefs.history import compare_issues
from briefs.models import IssueStatus
from briefs.revisions import (
    RECOVERED_PARTS,
    RESTORED_PARTS,
    deleted_issue_versions,
    describe_revision,
    issue_text_in,
    issue_text_now,
    issue_texts_now,
    issue_versions,
    keep_before_deletion,
    printed_terms_a_revert_would_delete,
    recover_deleted_issue,
    restore_issue_revision,
)
from editorial.editing import describe_authors
from editorial.forms import membership_deletion_problem
from editorial.revision_permissions import CheckedVersionAdmin, RevertPlan

RESTORE_PERMISSION = "briefs.restore_issue"
NOTE_FIELD = "revision_note"


def _not_drafts_message(issues):
    names = ", ".join(f"No. {issue.number} ({issue.get_status_display().lower()})" for issue in issues)
    return (
        f"Only drafts can be deleted, and {names} {'is not a draft' if len(issues) == 1 else 'are not drafts'}. "
        "Nothing was deleted. A published issue is withdrawn instead, which keeps it; an issue in review or "
        "approved is sent back to draft first."
    )


def delete_selected_drafts(modeladmin, request, queryset):
    """Django's “Delete selected” for issues: refused, with a message, unless every selected issue is a draft."""
    not_drafts = list(queryset.exclude(status=IssueStatus.DRAFT).order_by("number"))
    if not_drafts:
        modeladmin.message_user(request, _not_drafts_message(not_drafts), messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


delete_selected_drafts.allowed_permissions = ("delete",)
delete_selected_drafts.short_description = delete_selected.short_description


def _part_models_in(revision, models):
    """Those of ``models`` (an issue's parts) that ``revision`` holds rows of."""
    types = ContentType.objects.get_for_models(*models)
    held = set(revision.version_set.filter(content_type__in=types.values()).values_list("content_type", flat=True))
    return tuple(model for model in models if types[model].pk in held)


class IssueHistoryAdmin(CheckedVersionAdmin):
    object_history_template = "admin/briefs/issue/object_history.html"
    history_latest_first = True

    # Saving: one revision per save, with the editor's note.

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        form_fields = getattr(self.form, "base_fields", {})
        if NOTE_FIELD in form_fields and (obj is None or self.has_change_permission(request, obj)):
            fieldsets.append(("Note on this change", {"fields": [NOTE_FIELD]}))
        return fieldsets

    def _note_as_comment(self, request):
        note = request.POST.get(NOTE_FIELD, "").strip()
        if note and is_active():
            set_comment(note)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._note_as_comment(request)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._note_as_comment(request)
        return entry

    def changelist_view(self, request, extra_context=None):
        # Not one revision around the whole list, as VersionAdmin makes: each
        # workflow step of a bulk action makes its own, and deleted drafts are
        # kept (delete_queryset) before they go, which needs a revision of its own.
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return super(VersionAdmin, self).changelist_view(request, context)

    # Deleting: drafts only, kept for recovery.

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != IssueStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if issue is not None and issue.status != IssueStatus.DRAFT and super().has_delete_permission(request, issue):
            self.message_user(request, _not_drafts_message([issue]), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[quote(issue.pk)]))
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_drafts, name, description)
        return actions

    def delete_model(self, request, obj):
        keep_before_deletion([obj], by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        keep_before_deletion(list(queryset), by=request.user)
        super().delete_queryset(request, queryset)

    # The history, comparing, restoring.

    def get_urls(self):
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="briefs_issue_compare",
            ),
            path(
                "<path:object_id>/history/discarded/<int:copy_id>/restore/",
                self.admin_site.admin_view(self.restore_discarded_view),
                name="briefs_issue_restore_discarded",
            ),
            *super().get_urls(),
        ]

    def _issue_or_404(self, request, object_id):
        issue = self.get_object(request, unquote(object_id))
        if issue is None:
            raise Http404("No such issue.")
        return issue

    def _context(self, request, issue, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "original": issue,
            "object_id": issue.pk,
            "can_restore": request.user.has_perm(RESTORE_PERMISSION) and self.has_change_permission(request, issue),
            **context,
        }

    def history_view(self, request, object_id, extra_context=None):
        issue = self._issue_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        versions = list(issue_versions(issue))
        discarded = list(working_copies.discarded_copies(issue))
        texts = issue_texts_now([issue, *discarded])  # in a fixed number of queries, however many
        context = {
            "revisions": [
                {
                    "version": version,
                    "revision": version.revision,
                    "described": describe_revision(version.revision),
                    "restore_url": reverse("admin:briefs_issue_revision", args=[quote(issue.pk), version.pk]),
                }
                for version in versions
            ],
            "compare_url": reverse("admin:briefs_issue_compare", args=[quote(issue.pk)]),
            "can_restore": request.user.has_perm(RESTORE_PERMISSION) and self.has_change_permission(request, issue),
            "discarded": [
                {
                    "copy": copy,
                    "started": describe_authors(copy),
                    "restore_url": reverse("admin:briefs_issue_restore_discarded", args=[quote(issue.pk), copy.pk]),
                    "changes": [p.label for p in compare_issues(texts[issue.pk], texts[copy.pk]) if p.changed],
                }
                for copy in discarded
            ],
            "can_restore_discarded": self.has_change_permission(request, issue),
            **(extra_context or {}),
        }
        # Django's history page, with the revisions instead of the log entries.
        return super(VersionAdmin, self).history_view(request, object_id, context)

    def restore_discarded_view(self, request, object_id, copy_id):
        """POST: a discarded prepared change becomes the issue's working copy again."""
        issue = self._issue_or_404(request, object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        copy = working_copies.discarded_copies(issue).filter(pk=copy_id).first()
        if copy is None:
            raise Http404("No such discarded change of this issue.")
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:briefs_issue_history", args=[quote(issue.pk)]))
        try:
            with transaction.atomic():
                working_copies.restore(copy, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:briefs_issue_history", args=[quote(issue.pk)]))
        self.message_user(
            request,
            "The discarded change is the prepared change again: the form shows it. Readers still see the published "
            "version until it is published.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[quote(issue.pk)]))

    def compare_view(self, request, object_id):
        """Two revisions of the issue side by side, word by word: older first, whatever order they were picked in."""
        issue = self._issue_or_404(request, object_id)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        versions = {str(version.pk): version for version in issue_versions(issue)}
        history_url = reverse("admin:briefs_issue_history", args=[quote(issue.pk)])
        picked = [request.GET.get(key, "") for key in ("from", "to")]
        if any(pk and pk not in versions for pk in picked):
            raise Http404("No such revision of this issue.")
        chosen = [versions.get(pk) for pk in picked]
        if not all(chosen) or chosen[0] == chosen[1]:
            self.message_user(request, "Choose two different revisions to compare.", messages.WARNING)
            return HttpResponseRedirect(history_url)
        older, newer = sorted(chosen, key=lambda v: (v.revision.date_created, v.pk))
        parts = compare_issues(issue_text_in(older), issue_text_in(newer))
        context = self._context(
            request,
            issue,
            title=f"Compare revisions of No. {issue.number}",
            older=older,
            newer=newer,
            older_described=describe_revision(older.revision),
            newer_described=describe_revision(newer.revision),
            changed_parts=[p for p in parts if p.changed],
            unchanged_parts=[p for p in parts if not p.changed],
            history_url=history_url,
            restore_older_url=reverse("admin:briefs_issue_revision", args=[quote(issue.pk), older.pk]),
            restore_newer_url=reverse("admin:briefs_issue_revision", args=[quote(issue.pk), newer.pk]),
        )
        return TemplateResponse(request, "admin/briefs/issue/revision_compare.html", context)

    def revert_plan(self, version):
        """What :func:`restore_issue_revision` changes: the issue, and its parts replaced by the revision's."""
        issue = self.model._default_manager.filter(pk=version.object_id).first()
        if issue is None:
            return RevertPlan()
        return RevertPlan(
            changed=(issue,),
            created=_part_models_in(version.revision, RESTORED_PARTS),
            deleted=tuple(part for model in RESTORED_PARTS for part in model.objects.filter(issue=issue)),
        )

    def recover_plan(self, version):
        """What :func:`recover_deleted_issue` creates: the issue and its parts."""
        return RevertPlan(created=(self.model, *_part_models_in(version.revision, RECOVERED_PARTS)))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a revision: GET shows what would change, POST restores. Needs ``briefs.restore_issue``."""
        self.check_may_make(request, self.revert_plan, self.version_in_address(object_id, version_id))
        if not request.user.has_perm(RESTORE_PERMISSION):
            raise PermissionDenied
        issue = self._issue_or_404(request, object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        version = issue_versions(issue).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such revision of this issue.")
        history_url = reverse("admin:briefs_issue_history", args=[quote(issue.pk)])
        if request.method == "POST":
            live = working_copies.edits_go_to_a_copy(issue)
            try:
                with transaction.atomic():
                    # Readers keep the published text: the revision is restored into the working copy.
                    copy = working_copies.start(issue, by=request.user) if live else None
                    result = restore_issue_revision(issue=issue, version=version, by=request.user, into=copy)
                    if copy is not None:
                        working_copies.record_author(copy, request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(history_url)
            if live:
                message = (
                    f"{result.comment} as a prepared change: readers still see the published version. Preview it, "
                    "then publish it with “Publish the prepared change” in the Workflow box."
                )
            else:
                message = f"{result.comment}. The revisions in between are kept in the history."
            if result.left_out:
                message += " Not brought back: " + "; ".join(result.left_out) + "."
            self.message_user(request, message, messages.WARNING if result.left_out else messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[quote(issue.pk)]))
        parts = compare_issues(issue_text_now(issue), issue_text_in(version))
        context = self._context(
            request,
            issue,
            title=f"Restore the revision of {describe_revision(version.revision)}?",
            version=version,
            described=describe_revision(version.revision),
            changed_parts=[p for p in parts if p.changed],
            history_url=history_url,
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/briefs/issue/revision_restore.html", context)

    # Recovering a deleted draft.

    def recoverlist_view(self, request, extra_context=None):
        """The list of deleted drafts: only for those who may recover them (it names them)."""
        if not (self.has_add_permission(request) and request.user.has_perm(RESTORE_PERMISSION)):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Recover a deleted draft with its parts: GET says what comes back, POST does it. Needs add and restore."""
        self.check_may_make(request, self.recover_plan, self.deleted_version(version_id))
        if not (self.has_add_permission(request) and request.user.has_perm(RESTORE_PERMISSION)):
            raise PermissionDenied
        version = deleted_issue_versions().filter(pk=version_id).first()
        if version is None:
            raise Http404("No deleted issue with this version.")
        recover_list = reverse("admin:briefs_issue_recoverlist")
        if request.method == "POST":
            try:
                issue, result = recover_deleted_issue(version=version, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(recover_list)
            message = f"{result.comment}. It is a draft."
            if result.left_out:
                message += " Not brought back: " + "; ".join(result.left_out) + "."
            self.message_user(request, message, messages.WARNING if result.left_out else messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[quote(issue.pk)]))
        text = issue_text_in(version)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "title": f"Recover {version.object_repr}?",
            "version": version,
            "described": describe_revision(version.revision),
            "text": text,
            "recover_list_url": recover_list,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/briefs/issue/recover_confirm.html", context)


class SeriesHistoryAdmin(CheckedVersionAdmin):
    """VersionAdmin for series and team terms: a revert never deletes a term that a published imprint prints.

    Reverting a series' revision deletes the terms added since; for a term that
    a published issue lists, the revert is refused with the rule's message, as
    deleting it from the form is.
    """

    def revert_refusal(self, request, object_id, version):
        terms = printed_terms_a_revert_would_delete(version.revision)
        if not terms:
            return None
        problems = " ".join(" ".join(membership_deletion_problem(term).messages) for term in terms)
        self.message_user(
            request,
            f"This revision cannot be restored: it would delete a term of the editorial team. {problems}",
            messages.ERROR,
        )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id]))
