"""The admin pages of the Word import: upload, preview, confirm (a mixin for IssueAdmin).

The same path as the fellows import (``imports``): the file is checked before it
is parsed, the preview is kept on the server (``ImportPreview``: this editor
only, one hour) and the confirm form carries only its id, and the draft is made
in one transaction, once. Nothing is saved before the confirm.
"""

import dataclasses
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from briefs.models import Series
from editorial.word_import import (
    PersonChoice,
    Recognised,
    WordFileError,
    assign_speakers,
    check_docx_size,
    create_draft,
    earlier_imports,
    match_people,
    next_free_number,
    read_docx,
    recognise,
)
from imports import text_problem
from imports.previews import PreviewNotFound, discard_preview, load_preview, store_preview
from people.models import Person

#: The kind of this import's previews (``imports.previews``).
PREVIEW_KIND = "briefs.word"


class WordUploadForm(forms.Form):
    series = forms.ModelChoiceField(Series.objects.all(), help_text="The series the new issue belongs to.")
    file = forms.FileField(
        label="Word file (.docx)",
        help_text="The text as the author sent it: title, byline (“By …”, “Interview by … with …”, “… in "
        "conversation with …”), the introduction, "
        "then numbered or bold questions each followed by its answer (or the body), and Word's footnotes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if Series.objects.count() == 1:
            self.fields["series"].initial = Series.objects.get()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            data = check_docx_size(upload)
            self.read = read_docx(data)
        except WordFileError as error:
            raise ValidationError(str(error)) from None
        self.sha256 = hashlib.sha256(data).hexdigest()
        return upload


class WordConfirmForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=2_147_483_647, label="Number")
    publication_date = forms.DateField(
        label="Publication date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class SpeakerForm(forms.Form):
    """Whose is each speaker label no interviewee of the byline was matched to: a person here, or a new one.

    A label is never dropped, so each must be answered before the draft is made.
    The people are a plain list, sorted by family name: it works without
    scripts and its label is read out (the admin's autocomplete has no name).
    """

    def __init__(self, *args, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels
        for n in range(len(labels)):
            self.fields[f"speaker_{n}_person"] = forms.ModelChoiceField(
                Person.objects.order_by("family_name", "given_name", "pk"),
                required=False,
                label="A person already here",
                empty_label="— none of them —",
            )
            self.fields[f"speaker_{n}_given_name"] = forms.CharField(
                required=False, max_length=100, label="or a new person: given name"
            )
            self.fields[f"speaker_{n}_family_name"] = forms.CharField(
                required=False, max_length=100, label="family name"
            )

    def groups(self):
        """``(label, [its three bound fields])`` for the template: one fieldset per label."""
        return [
            (label, [self[f"speaker_{n}_{part}"] for part in ("person", "given_name", "family_name")])
            for n, label in enumerate(self.labels)
        ]

    def clean(self):
        cleaned = super().clean()
        for n, label in enumerate(self.labels):
            person = cleaned.get(f"speaker_{n}_person")
            given, family = (cleaned.get(f"speaker_{n}_{part}", "").strip() for part in ("given_name", "family_name"))
            if person and (given or family):
                self.add_error(
                    f"speaker_{n}_person",
                    ValidationError(
                        f"For “{label}:”, choose a person here or type a new one, not both.", code="speaker_twice"
                    ),
                )
            elif any(text_problem(value) for value in (given, family)):
                for part, value in (("given_name", given), ("family_name", family)):
                    if text_problem(value):
                        self.add_error(
                            f"speaker_{n}_{part}",
                            ValidationError(f"This name {text_problem(value)}.", code="speaker_name_invalid"),
                        )
            elif not person and not (given and family):
                self.add_error(
                    f"speaker_{n}_person" if not (given or family) else f"speaker_{n}_given_name",
                    ValidationError(
                        f"Say who answers as “{label}:”: choose a person already here, or type the given and family "
                        "name of a new one.",
                        code="speaker_missing",
                    ),
                )
        return cleaned

    def choices(self):
        """The interviewees the answers give, as :class:`PersonChoice` to credit with the byline's."""
        out = []
        for n, label in enumerate(self.labels):
            person = self.cleaned_data[f"speaker_{n}_person"]
            if person:
                out.append(PersonChoice("interviewee", person.name, "", person.pk, person.full_name, "", label))
            else:
                given = " ".join(self.cleaned_data[f"speaker_{n}_given_name"].split())
                family = " ".join(self.cleaned_data[f"speaker_{n}_family_name"].split())
                out.append(
                    PersonChoice(
                        "interviewee",
                        f"{given} {family}",
                        "",
                        speaker_label=label,
                        given_name=given,
                        family_name=family,
                    )
                )
        return out


class WordImportAdmin:
    """Adds “Import from Word” to the issue list of the ModelAdmin it is mixed into."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import-word/", view(self.word_upload_view), name="briefs_issue_import_word"),
            path("import-word/<uuid:key>/", view(self.word_preview_view), name="briefs_issue_import_word_preview"),
            *super().get_urls(),
        ]

    def _may_import(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    def _word_import_context(self, request, **context):
        return {**self.admin_site.each_context(request), "opts": self.opts, **context}

    def word_upload_view(self, request):
        self._may_import(request)
        form = WordUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            series = form.cleaned_data["series"]
            found = recognise(form.read)
            choices = match_people(found, Person.objects.all())
            unassigned = assign_speakers(found, choices)
            key = store_preview(
                request.user,
                PREVIEW_KIND,
                {
                    "series": series.pk,
                    "filename": form.cleaned_data["file"].name[:200],
                    "sha256": form.sha256,
                    "recognised": dataclasses.asdict(found),
                    "choices": [dataclasses.asdict(c) for c in choices],
                    "unassigned_labels": unassigned,
                },
            )
            return HttpResponseRedirect(reverse("admin:briefs_issue_import_word_preview", args=[key]))
        return TemplateResponse(
            request,
            "admin/briefs/issue/import_word.html",
            self._word_import_context(request, form=form, title="Import an issue from Word"),
        )

    def word_preview_view(self, request, key):
        self._may_import(request)
        try:
            stored = load_preview(request.user, PREVIEW_KIND, key).payload
        except PreviewNotFound as error:
            messages.error(request, f"{error} Upload the file again.")
            return HttpResponseRedirect(reverse("admin:briefs_issue_import_word"))
        series = Series.objects.filter(pk=stored["series"]).first()
        if series is None:
            messages.error(request, "The series chosen for this import no longer exists. Upload the file again.")
            return HttpResponseRedirect(reverse("admin:briefs_issue_import_word"))
        found = Recognised(**stored["recognised"])
        choices = [PersonChoice(**c) for c in stored["choices"]]
        initial = {"number": next_free_number(series), "publication_date": timezone.localdate()}
        form = WordConfirmForm(request.POST or None, initial=initial)
        speakers = SpeakerForm(request.POST or None, labels=stored.get("unassigned_labels", []))
        same_file, same_title = earlier_imports(sha256=stored.get("sha256", ""), title=found.title)
        if request.method == "POST" and all([form.is_valid(), speakers.is_valid()]):
            try:
                with transaction.atomic():
                    if not discard_preview(request.user, PREVIEW_KIND, key):  # confirmed twice, or in two tabs
                        raise PreviewNotFound("This import was confirmed already.")
                    issue = create_draft(
                        found,
                        choices + speakers.choices(),
                        series=series,
                        number=form.cleaned_data["number"],
                        publication_date=form.cleaned_data["publication_date"],
                        by=request.user,
                        sha256=stored.get("sha256", ""),
                        filename=stored["filename"],
                    )
            except ValidationError as error:
                form.add_error("number", error)
            except PreviewNotFound as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(reverse("admin:briefs_issue_changelist"))
            else:
                self.log_addition(request, issue, [{"added": {}}])
                messages.success(
                    request,
                    f"The draft No. {issue.number} was created from {stored['filename']}. Check it, then submit it for review.",
                )
                return HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[issue.pk]))
        context = self._word_import_context(
            request,
            title=f"Import from Word: {stored['filename']}",
            series=series,
            found=found,
            choices=choices,
            answers=[
                (question, answer, label)
                for (question, answer), label in zip(
                    found.questions, found.answer_labels or [found.speaker_label] * len(found.questions), strict=False
                )
            ],
            form=form,
            speakers=speakers,
            same_file=same_file,
            same_title=same_title,
        )
        return TemplateResponse(request, "admin/briefs/issue/import_word_preview.html", context)
