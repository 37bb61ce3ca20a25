"""The admin pages for importing fellows: upload, preview, confirm.

Each of them needs the ``people.import_fellows`` permission, checked first: a
member of staff without it gets the 403 page whatever they send, so for them a
file is never opened, a preview (which says whose email is already here) never
made and a confirmation never applied.
"""

import base64

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse

from people.fellow_import import ENCODINGS, ImportFileError, apply_import, plan_import, read_table
from people.models import Programme

#: The permission every page of the import needs, as ``app_label.codename``.
IMPORT_PERMISSION = "people.import_fellows"

_SALT = "people.fellow-import"
PREVIEW_VALID_FOR = 60 * 60  # seconds


class UploadForm(forms.Form):
    programme = forms.ModelChoiceField(
        Programme.objects.all(), help_text="The programme the fellows in the file belong to."
    )
    file = forms.FileField(
        label="Spreadsheet",
        help_text="CSV or .xlsx, one fellow per row; the first row names the columns.",
    )
    encoding = forms.ChoiceField(
        choices=ENCODINGS.items(),
        initial="auto",
        help_text="For CSV files only. Excel's plain “CSV” is Windows-1252; “CSV UTF-8” is UTF-8.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.FELLOW_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                "The file is %(size)s; at most %(limit)s can be imported at once.",
                code="file_too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload


def _plan(programme, filename, data, encoding):
    header, rows, used = read_table(filename, data, encoding)
    plan = plan_import(header, rows, programme=programme)
    plan.encoding = used
    return plan


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
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(model_admin, request, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        programme = form.cleaned_data["programme"]
        try:
            plan = _plan(programme, upload.name, data, form.cleaned_data["encoding"])
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            payload = signing.dumps(
                {
                    "programme": programme.pk,
                    "name": upload.name,
                    "encoding": form.cleaned_data["encoding"],
                    "data": base64.b64encode(data).decode(),
                },
                salt=_SALT,
                compress=True,
            )
            context |= {"plan": plan, "payload": payload, "filename": upload.name}
            return TemplateResponse(request, "admin/people/fellowship/import_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/people/fellowship/import.html", context)


def _confirm(model_admin, request, context):
    try:
        payload = signing.loads(request.POST["payload"], salt=_SALT, max_age=PREVIEW_VALID_FOR)
        programme = Programme.objects.get(pk=payload["programme"])
        data = base64.b64decode(payload["data"])
    except (signing.BadSignature, Programme.DoesNotExist, KeyError, ValueError):
        messages.error(request, "That preview has expired or is not valid. Upload the file again.")
        return redirect(reverse("admin:people_fellowship_import"))
    # Check again: the database may have changed since the preview.
    plan = _plan(programme, payload["name"], data, payload["encoding"])
    report = apply_import(plan)
    messages.success(
        request,
        f"Imported from {payload['name']}: {report.fellowships_created} fellowship(s) added, "
        f"{report.fellowships_updated} updated, {report.fellowships_unchanged} already up to date; "
        f"{report.people_created} new person(s). {report.rows_skipped} row(s) with errors were skipped.",
    )
    return redirect(reverse("admin:people_fellowship_changelist"))
