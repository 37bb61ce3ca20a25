"""The admin pages for importing fellows: upload, preview, confirm.

Each of them needs the ``people.import_fellows`` permission, checked first: a
member of staff without it gets the 403 page whatever they send, so for them a
file is never opened, a preview (which says whose email is already here) never
made and a confirmation never applied.
"""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from editorial.fellow_import import (
    ENCODINGS,
    apply_import,
    check_file,
    plan_import,
    read_table,
    template_csv,
    template_xlsx,
)
from imports import ImportFileError
from imports.previews import PreviewNotFound, discard_preview, load_preview, store_preview
from people.models import Programme

logger = logging.getLogger(__name__)

#: The permission every page of the import needs, as ``app_label.codename``.
IMPORT_PERMISSION = "people.import_fellows"
#: The kind of the previews this import stores (see :mod:`imports.previews`).
PREVIEW_KIND = "people.fellows"
#: The kind under which a file is kept across the upload form's errors (a browser cannot send it again).
KEPT_KIND = "people.fellows.upload"
#: The session key naming the kept file's id: only this session's own kept file is ever read.
KEPT_SESSION_KEY = "fellow_import_kept_file"


class UploadForm(forms.Form):
    programme = forms.ModelChoiceField(
        Programme.objects.all(), help_text="The programme the fellows in the file belong to."
    )
    file = forms.FileField(
        label="Spreadsheet",
        allow_empty_file=True,  # refused by check_file, with the same words as every other unreadable file
        help_text="CSV or .xlsx, one fellow per row; the first row names the columns.",
    )
    encoding = forms.ChoiceField(
        choices=ENCODINGS.items(),
        initial="auto",
        help_text="For CSV files only. Excel's plain “CSV” is Windows-1252; “CSV UTF-8” is UTF-8.",
    )

    def __init__(self, *args, kept_name=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kept_name:
            self.note_kept(kept_name)
        only = list(Programme.objects.all()[:2])
        if len(only) == 1:  # nothing to choose: the one programme is chosen already
            self.fields["programme"].initial = only[0].pk

    def note_kept(self, name):
        """Say that the file ``name`` is kept on the server: choosing none uses it, choosing one replaces it."""
        field = self.fields["file"]
        field.required = False
        field.help_text = format_html(
            "<b>{}</b> kept; choose another file to replace it. {}", name, UploadForm.base_fields["file"].help_text
        )
        self["file"].help_text = field.help_text  # the bound field copied it when the form was validated

    def clean_file(self):
        """The upload's bytes, once its size (and for .xlsx its zip directory) has been checked; nothing parsed yet."""
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        try:
            return check_file(upload)
        except ImportFileError as error:
            raise forms.ValidationError(str(error), code="unreadable_file") from None


def may_import(user):
    return user.has_perm(IMPORT_PERMISSION)


def import_view(model_admin, request):
    if not may_import(request.user):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import fellows from a spreadsheet",
    }
    if request.method == "POST" and "preview" in request.POST:
        return _confirm(model_admin, request)
    kept = _kept_file(request)
    upload = request.FILES.get("file") if request.method == "POST" else None
    if upload and kept:
        _forget_kept_file(request, kept)  # a new choice replaces the kept file, whether or not it can be read
        kept = None
    form = UploadForm(request.POST or None, request.FILES or None, kept_name=kept and kept.payload["name"])
    if request.method == "POST" and form.is_valid():
        filename, data = (
            (upload.name, form.cleaned_data["file"]) if upload else (kept.payload["name"], bytes(kept.data))
        )
        programme, encoding = form.cleaned_data["programme"], form.cleaned_data["encoding"]
        try:
            header, rows, used = read_table(filename, data, encoding)
            plan = plan_import(header, rows, programme=programme)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            plan.encoding = used
            # The file itself, not its rows: a cell may hold a NUL, which PostgreSQL's JSON cannot store.
            # The confirmation reads it again and plans it again, as the database then is.
            preview_id = store_preview(
                request.user,
                PREVIEW_KIND,
                {"programme": programme.pk, "name": filename, "encoding": encoding},
                data=data,
            )
            if kept:
                _forget_kept_file(request, kept)
            context |= {"plan": plan, "preview_id": preview_id, "filename": filename}
            return TemplateResponse(request, "admin/people/fellowship/import_preview.html", context)
        # Read as a table it failed; the file itself passed the size and zip checks, so it is kept below.
        checked = data if upload else None
    else:
        checked = form.cleaned_data.get("file") if upload else None
    if checked:
        # A new file that passed the size and zip checks survives the form's errors: the page names it.
        _keep_file(request, upload.name, checked)
        form.note_kept(upload.name)
    context["form"] = form
    return TemplateResponse(request, "admin/people/fellowship/import.html", context)


TEMPLATES = {
    "csv": (template_csv, "text/csv; charset=utf-8"),
    "xlsx": (template_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def template_view(model_admin, request, file_format):
    """The template to fill in: the columns the import expects and one example row, as CSV or .xlsx."""
    if not may_import(request.user):
        raise PermissionDenied
    make, content_type = TEMPLATES[file_format]
    response = HttpResponse(make(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="fellows-template.{file_format}"'
    return response


def _kept_file(request):
    """This session's kept file (an :class:`~imports.models.ImportPreview`), or ``None`` if gone or over an hour old."""
    kept_id = request.session.get(KEPT_SESSION_KEY)
    if not kept_id:
        return None
    try:
        return load_preview(request.user, KEPT_KIND, kept_id)
    except PreviewNotFound:
        request.session.pop(KEPT_SESSION_KEY, None)
        return None


def _keep_file(request, filename, data):
    """Keep ``data`` on the server under a random id that only this session knows; older kept files go."""
    request.session[KEPT_SESSION_KEY] = str(store_preview(request.user, KEPT_KIND, {"name": filename}, data=data))


def _forget_kept_file(request, kept):
    discard_preview(request.user, KEPT_KIND, kept.pk)
    request.session.pop(KEPT_SESSION_KEY, None)


def report_message(filename, report):
    """What an import did, in words: every count with its noun in the right number."""
    added = ngettext("%(n)d fellowship added", "%(n)d fellowships added", report.fellowships_created) % {
        "n": report.fellowships_created
    }
    people = ngettext("%(n)d new person", "%(n)d new people", report.people_created) % {"n": report.people_created}
    skipped = ngettext(
        "%(n)d row with errors was skipped.", "%(n)d rows with errors were skipped.", report.rows_skipped
    ) % {"n": report.rows_skipped}
    return (
        f"Imported from {filename}: {added}, {report.fellowships_updated} updated, "
        f"{report.fellowships_unchanged} already up to date; {people}. {skipped}"
    )


def _confirm(model_admin, request):
    """Apply a stored preview, planned again: all its valid rows or, on any failure, nothing."""
    again = reverse("admin:people_fellowship_import")
    try:
        with transaction.atomic():
            preview = load_preview(request.user, PREVIEW_KIND, request.POST["preview"])
            # Taking the preview first means a second confirmation (a double click, another tab) finds nothing.
            if not discard_preview(request.user, PREVIEW_KIND, preview.pk):
                raise PreviewNotFound("That preview was imported already. Upload the file again to import it again.")
            payload = preview.payload
            programme = Programme.objects.filter(pk=payload["programme"]).first()
            if programme is None:
                raise PreviewNotFound("The programme of that preview has been deleted. Upload the file again.")
            header, rows, _used = read_table(payload["name"], bytes(preview.data), payload["encoding"])
            plan = plan_import(header, rows, programme=programme)
            report = apply_import(plan)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect(again)
    except DatabaseError:
        logger.exception("Fellows import from a stored preview failed")
        messages.error(
            request,
            "Nothing was imported: the database refused a row. Upload the file again to see a new preview; "
            "if this happens again, tell the site's maintainers.",
        )
        return redirect(again)
    messages.success(request, report_message(payload["name"], report))
    # Someone who may import but not list fellowships comes back to the import page, with the report.
    return redirect(
        reverse("admin:people_fellowship_changelist") if model_admin.has_view_permission(request) else again
    )
