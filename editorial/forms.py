"""Admin forms for issues: the checks that span the issue and its inlines.

An issue's page in the admin is one form plus inline formsets (contributors,
questions, footnotes). Footnote markers can sit in any of them, so the marker
check needs all of them: :class:`IssueAdminMixin` hands each formset its
siblings, and the footnote formset runs the check once the others are clean.
Errors land on the inline the editor must fix, and the admin keeps every field
as typed.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property

from briefs.document import footnote_numbers
from briefs.footnotes import find_markers, malformed_markers, normalise_label
from briefs.models import ContributionRole, Issue, IssueKind, IssueStatus
from briefs.reading import ANSWER, QUESTION, reading_order
from briefs.services import publication_problems
from editorial.editing import changes_since


def check_markers(html, where):
    """Raise a ValidationError naming every malformed footnote marker in ``html``."""
    bad = malformed_markers(html)
    if bad:
        raise ValidationError(
            "%(where)s has %(count)s malformed footnote marker%(plural)s: %(markers)s. A marker is [^ and a "
            "label of letters, digits, - or _ without spaces, closed by ], e.g. [^silk-visa]. Correct it, "
            "or delete it if no note belongs there.",
            code="malformed_marker",
            params={
                "where": where[0].upper() + where[1:],
                "count": len(bad),
                "plural": "" if len(bad) == 1 else "s",
                "markers": ", ".join(f"“{marker}”" for marker in bad),
            },
        )
    return html


class _Untracked:
    """A hidden bookkeeping field: never reported as a change of the issue."""

    def has_changed(self, initial, data):
        return False


class _VersionField(_Untracked, forms.IntegerField):
    pass


class _MomentField(_Untracked, forms.DateTimeField):
    pass


class IssueForm(forms.ModelForm):
    #: The issue's ``edit_version`` and the time when this form was opened (see ``editorial.editing``).
    loaded_version = _VersionField(widget=forms.HiddenInput, required=False)
    opened_at = _MomentField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The inline formsets' checks mark fields of this form too (FootnoteFormSet).
        self.instance._issue_form = self
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.edit_version
            self.fields["opened_at"].initial = timezone.now().isoformat()

    def clean(self):
        cleaned = super().clean()
        self._check_number_is_free(cleaned)
        if self.instance.pk is None:
            return cleaned
        # Locked until the save commits: a save at the same moment waits and then sees this one.
        current = (
            Issue.objects.select_for_update().filter(pk=self.instance.pk).values_list("edit_version", flat=True).first()
        )
        loaded = cleaned.get("loaded_version")
        if current is not None and loaded != current:
            happened = changes_since(self.instance, version=loaded or 0, loaded_at=cleaned.get("opened_at"))
            # Saving again from this form is a decision made knowing what changed.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = str(current)
            self.data[self.add_prefix("opened_at")] = timezone.now().isoformat()
            raise ValidationError(
                "Your changes were NOT saved: someone else changed this issue after you opened it. %(happened)s "
                "Everything you typed is still below. Compare it with the current issue (open it in another "
                "tab), merge, and save again.",
                code="edit_conflict",
                params={"happened": " ".join(happened)},
            )
        self.instance.edit_version = current + 1
        return cleaned

    def _check_number_is_free(self, cleaned):
        """Put a taken number on the Number field, naming the issue that has it.

        The database constraint spans series and number, so Django's own check
        would report it above Series, marking no field.
        """
        series, number = cleaned.get("series"), cleaned.get("number")
        if series is None or number is None:
            return
        # A working copy holds its issue's number (briefs.working_copies); other copies hold theirs.
        taken = (
            Issue.objects.originals()
            .filter(series=series, number=number)
            .exclude(pk__in=[self.instance.pk, self.instance.working_copy_of_id])
            .first()
        )
        if taken is not None:
            self.add_error(
                "number",
                ValidationError(
                    "No. %(number)s already exists in %(series)s (“%(title)s”). Each number is used once per "
                    "series; the next free number is %(free)s.",
                    code="number_taken",
                    params={
                        "number": number,
                        "series": series.name,
                        "title": taken.title,
                        "free": Issue.objects.next_free_number(series),
                    },
                ),
            )

    # Not a field of the issue: the comment of the revision this save makes
    # (editorial/history_admin.py), shown on the issue's History page.
    revision_note = forms.CharField(
        label="Note on this change (optional)",
        required=False,
        max_length=500,
        # Shown on the issue's History page: what was changed and why (said by the placeholder).
        widget=forms.TextInput(
            attrs={"size": 70, "placeholder": "For the History page, e.g. Answer 3 shortened at the author's request"}
        ),
    )

    def clean_introduction(self):
        return check_markers(self.cleaned_data["introduction"], "the introduction")

    def clean_body(self):
        return check_markers(self.cleaned_data["body"], "the body")


class OrderedRowForm(forms.ModelForm):
    """A row of an ordered inline: a new row with nothing but its order is left empty.

    The Move up / Move down script numbers every row, spare ones included; that
    number alone is not something the editor typed.
    """

    def has_changed(self):
        if self.instance.pk is None:
            return any(name != "sort_order" for name in self.changed_data)
        return super().has_changed()


class QuestionForm(OrderedRowForm):
    def clean_question(self):
        return check_markers(self.cleaned_data["question"], "this question")

    def clean_answer(self):
        return check_markers(self.cleaned_data["answer"], "this answer")


def _live_forms(formset):
    """The formset's filled-in forms not marked for deletion, in the order they will have.

    A row's "order" decides; rows left without one follow the numbered rows in
    the order they appear on the page.
    """
    formset.is_valid()  # runs full_clean once; cached afterwards
    live = [
        (index, form)
        for index, form in enumerate(formset.forms)
        if hasattr(form, "cleaned_data")
        if form.has_changed() or form.instance.pk
        if not (formset.can_delete and formset._should_delete_form(form))
    ]

    def key(item):
        index, form = item
        order = form.cleaned_data.get("sort_order")
        return (order is None, order or 0, index)

    return [form for _index, form in sorted(live, key=key)]


class KnownRowField(forms.ModelChoiceField):
    """An inline row's id, found among the rows its formset has read: no query per row, no other issue's row."""

    def __init__(self, rows, *args, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        row = self.rows().get(str(value))
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return row


class KnownRowsFormSet(forms.BaseInlineFormSet):
    """An issue's inline rows, whose ids are checked against the rows read for the form (:class:`KnownRowField`)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            form.fields[name] = KnownRowField(
                self._rows_by_id, field.queryset, initial=field.initial, required=False, widget=field.widget
            )

    def _rows_by_id(self):
        if not hasattr(self, "_known_rows"):  # read once by the formset, looked up by each row
            self._known_rows = {str(row.pk): row for row in self.get_queryset()}
        return self._known_rows


class OrderedInlineFormSet(KnownRowsFormSet):
    """Saves rows numbered 1..n in the order :func:`_live_forms` gives them."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "sort_order" in form.fields:
            form.fields["sort_order"].required = False

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        for position, form in enumerate(_live_forms(self), start=1):
            form.instance.sort_order = position


def membership_deletion_problem(membership):
    """Why ``membership`` may not be deleted, or None.

    A published issue prints the team in office on its publication date; deleting
    a term it lists would rewrite that imprint. Such a term is ended (“in office
    until”), not deleted.
    """
    numbers = [f"No. {n}" for n in membership.published_issues_shown_in().values_list("number", flat=True)]
    if not numbers:
        return None
    return ValidationError(
        "%(member)s cannot be deleted: the imprint of published %(issues)s lists this term. "
        "To record that they left, set “in office until” to their last day instead.",
        code="membership_in_published_imprint",
        params={"member": membership, "issues": ", ".join(numbers)},
    )


class EditorialMembershipFormSet(forms.BaseInlineFormSet):
    """Refuses to delete a term that a published issue's imprint shows."""

    def clean(self):
        super().clean()
        problems = [
            problem
            for form in self.deleted_forms
            if form.instance.pk
            for problem in [membership_deletion_problem(form.instance)]
            if problem
        ]
        if problems:
            raise ValidationError(problems)


class SiblingFormSetMixin:
    """Lets an inline formset look at the other inlines of the same page."""

    sibling_formsets = ()
    inline_role = None

    def sibling(self, role):
        for formset in self.sibling_formsets:
            if getattr(formset, "inline_role", None) == role:
                return formset
        return None


#: The role choices as an editor reads them: which one an interview wants.
ROLE_CHOICES = [
    (ContributionRole.AUTHOR, "Author (of an opinion piece)"),
    (ContributionRole.INTERVIEWER, "Interviewer (asks the questions)"),
    (ContributionRole.INTERVIEWEE, "Interviewee (answers them)"),
]


class ContributionForm(OrderedRowForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].choices = ROLE_CHOICES
        if "printed_biography" in self.fields:
            self.fields["printed_biography"].help_text = (
                "For an author or interviewer. Left empty, the person's biography is copied in when saved, "
                "and then kept as printed."
            )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        label = (cleaned.get("speaker_label") or "").strip()
        if role == ContributionRole.INTERVIEWEE and not label:
            person = cleaned.get("person")
            label = initials(person) if person is not None else ""
            if not label:
                self.add_error(
                    "speaker_label",
                    ValidationError(
                        "An interviewee needs a speaker label: the initials that open each answer, e.g. “EB”.",
                        code="speaker_label_required",
                    ),
                )
        cleaned["speaker_label"] = label
        return cleaned

    def has_changed(self):
        # A new row's role is set by the form's script to what the kind needs next: a row with nothing
        # but its role and order is still empty, and left unsaved.
        if self.instance.pk is None:
            return any(name not in ("sort_order", "role") for name in self.changed_data)
        return super().has_changed()


def initials(person):
    """A speaker label from a person's name: “EB” for Erkin Baydarov, “LB” for Ludwig van Beethoven.

    The capitalised words of the given and family names give a letter each (particles such as “van” or
    “de” give none); a name with no capitalised word (a script without case) gives each word's first letter.
    """
    letters = [
        next(char for char in word if char.isalpha())
        for word in f"{person.given_name} {person.family_name}".replace("-", " ").split()
        if any(char.isalpha() for char in word)
    ]
    capitalised = [letter for letter in letters if letter.isupper()]
    return "".join(capitalised or letters).upper()[:10]


class ContributionFormSet(SiblingFormSetMixin, OrderedInlineFormSet):
    inline_role = "contributions"
    #: The kind of piece the page's issue form shows (set by the admin): new rows' roles follow it.
    kind_on_form = None

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = {**kwargs.get("initial", {}), "role": self._role_for_new_row(index)}
        return kwargs

    def _role_for_new_row(self, index):
        """An interview's first contributor is its interviewer, the next its interviewees; others have authors."""
        if (self.kind_on_form or self.instance.kind) != IssueKind.INTERVIEW:
            return ContributionRole.AUTHOR
        saved = [row.role for row in self.get_queryset()] if self.instance.pk is not None else []
        before_it = len(saved) + (index - self.initial_form_count())
        has_interviewer = ContributionRole.INTERVIEWER in saved or (not saved and before_it > 0)
        return ContributionRole.INTERVIEWEE if has_interviewer else ContributionRole.INTERVIEWER

    def clean(self):
        super().clean()
        issue = self.instance
        rows = _live_forms(self)
        self._check_roles_fit_the_kind(issue, rows)
        self._check_speaker_labels_differ(rows)
        if issue.pk is not None and issue.status != IssueStatus.DRAFT:
            # Submitted, approved or published: it stays complete. Unfinished
            # work is saved after sending the issue back to draft.
            questions = self.sibling("questions")
            problems = publication_problems(
                kind=issue.kind,
                roles=[f.cleaned_data.get("role") for f in rows],
                question_count=len(_live_forms(questions)) if questions is not None else 0,
                body=issue.body,
            )
            if problems:
                raise ValidationError(
                    "This issue is %(status)s, so it must stay complete: %(problems)s. Complete it, "
                    "or send it back to draft to save unfinished work.",
                    code="incomplete_issue",
                    params={"status": issue.get_status_display().lower(), "problems": "; ".join(problems)},
                )

    def _check_roles_fit_the_kind(self, issue, rows):
        interview = issue.kind == IssueKind.INTERVIEW
        for form in rows:
            role = form.cleaned_data.get("role")
            if interview and role == ContributionRole.AUTHOR:
                form.add_error(
                    "role",
                    ValidationError(
                        "An interview credits the person who asks the questions as Interviewer, not Author. "
                        "Set this role to “Interviewer”, or the kind of piece to another kind.",
                        code="author_in_interview",
                    ),
                )
            elif not interview and role in (ContributionRole.INTERVIEWER, ContributionRole.INTERVIEWEE):
                form.add_error(
                    "role",
                    ValidationError(
                        "Only an interview has an %(role)s. Set the kind of piece to “Interview”, or this "
                        "role to “Author”.",
                        code="interview_role_outside_interview",
                        params={"role": ContributionRole(role).label.lower()},
                    ),
                )

    def _check_speaker_labels_differ(self, rows):
        first = {}
        for form in rows:
            if form.cleaned_data.get("role") != ContributionRole.INTERVIEWEE:
                continue
            label = form.cleaned_data.get("speaker_label")
            if not label:
                continue
            if label.casefold() in first:
                form.add_error(
                    "speaker_label",
                    ValidationError(
                        "%(other)s already has the speaker label “%(label)s”; give each interviewee their "
                        "own initials.",
                        code="duplicate_speaker_label",
                        params={"other": first[label.casefold()][0], "label": first[label.casefold()][1]},
                    ),
                )
            else:
                first[label.casefold()] = (form.cleaned_data.get("person") or "Another interviewee", label)


class QuestionFormSet(SiblingFormSetMixin, OrderedInlineFormSet):
    inline_role = "questions"

    def clean(self):
        super().clean()
        issue = self.instance
        rows = _live_forms(self)
        if issue.kind != IssueKind.INTERVIEW:
            for form in rows:
                form.add_error(
                    "question",
                    ValidationError(
                        "Only an interview has questions. Set the kind of piece to “Interview”, "
                        "or delete this question.",
                        code="questions_outside_interview",
                    ),
                )
            return
        contributions = self.sibling("contributions")
        if contributions is None:
            return
        interviewees = {
            f.cleaned_data["person"].pk
            for f in _live_forms(contributions)
            if f.cleaned_data.get("role") == ContributionRole.INTERVIEWEE and f.cleaned_data.get("person")
        }
        for number, form in enumerate(_live_forms(self), start=1):
            speaker = form.cleaned_data.get("speaker")
            if speaker and speaker.pk not in interviewees:
                form.add_error(
                    "speaker",
                    ValidationError(
                        "%(person)s is not an interviewee of this issue. Choose one of the "
                        "interviewees listed under Contributors.",
                        code="speaker_not_interviewee",
                        params={"person": speaker},
                    ),
                )
            elif not speaker and len(interviewees) > 1:
                form.add_error(
                    "speaker",
                    ValidationError(
                        "This interview has several interviewees: choose who answers question %(number)s.",
                        code="speaker_required",
                        params={"number": number},
                    ),
                )


class FootnoteForm(forms.ModelForm):
    def clean_label(self):
        return normalise_label(self.cleaned_data["label"])


class FootnoteFormSet(SiblingFormSetMixin, KnownRowsFormSet):
    """The issue's footnotes, listed in reading order: “Note 1” first, notes not cited yet last.

    An opened form lists its rows by the number readers see (the issue page's own
    numbering, :func:`briefs.document.footnote_numbers`); the editor's script keeps
    them so while typing (static/briefs/prose/footnote.js).
    """

    inline_role = "footnotes"

    def get_queryset(self):
        if self.is_bound or self.instance.pk is None:
            return super().get_queryset()
        if not hasattr(self, "_reading_ordered"):
            rows = list(super().get_queryset())
            numbers = self.reading_numbers
            # Cited notes by number; the others after them, in the order they were added.
            rows.sort(key=lambda row: (row.label not in numbers, numbers.get(row.label, 0)))
            self._reading_ordered = rows
        return self._reading_ordered

    @cached_property
    def reading_numbers(self):
        """``{label: number}`` of the saved issue's notes as readers see them (an unbound form's only)."""
        if self.is_bound or self.instance.pk is None:
            return {}
        issue = self.instance
        passages = reading_order(
            introduction=issue.introduction,
            questions=list(issue.questions.order_by("sort_order", "pk").values_list("question", "answer")),
            body=issue.body,
        )
        return footnote_numbers(passages, [row.label for row in super().get_queryset()])

    @property
    def reading_numbers_json(self):
        """The numbers as opened, for the editor's script; none for a form sent back with errors (it asks)."""
        return "" if self.is_bound else json.dumps(self.reading_numbers)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The row's title (templates/admin/briefs/issue/footnotes_inline.html): “Note 2” or “Not cited yet”.
        form.reading_number = self.reading_numbers.get(form.instance.label) if form.instance.pk else None
        return form

    def validate_unique(self):
        # Django's own check says only "Please correct the duplicate data for
        # label", above the rows. This one names the label on the row that repeats it
        # (rows are titled by reading order, so the label, shown on each, is what to look for).
        seen = set()
        for form in _live_forms(self):
            label = form.cleaned_data.get("label")
            if not label:
                continue
            if label in seen:
                form.add_error(
                    "label",
                    ValidationError(
                        "Another footnote already has the label “%(label)s”; each footnote needs its own. "
                        "Give this one another label (and its marker too), or delete one of the two.",
                        code="duplicate_footnote_label",
                        params={"label": label},
                    ),
                )
            else:
                seen.add(label)
        super().validate_unique()

    def _mark_text_field(self, passage, problem):
        """Put ``problem`` on the field that holds ``passage`` too, so the editor sees where to look."""
        if passage.part in (QUESTION, ANSWER):
            questions = self.sibling("questions")
            live = _live_forms(questions) if questions is not None else []
            if passage.number and passage.number <= len(live):
                live[passage.number - 1].add_error(passage.part, problem)
        else:
            issue_form = getattr(self.instance, "_issue_form", None)
            if issue_form is not None and passage.part in issue_form.fields:
                issue_form.add_error(passage.part, problem)

    def passages(self):
        """The issue's texts in reading order, as typed in this form."""
        issue = self.instance
        questions = self.sibling("questions")
        pairs = [
            (form.cleaned_data.get("question", ""), form.cleaned_data.get("answer", ""))
            for form in (_live_forms(questions) if questions is not None else [])
        ]
        return reading_order(introduction=issue.introduction, questions=pairs, body=issue.body)

    def clean(self):
        # Every footnote problem is reported in the same save: the check runs even
        # when some rows have errors of their own, over the rows that are readable.
        super().clean()
        notes = {f.cleaned_data["label"]: f for f in _live_forms(self) if f.cleaned_data.get("label")}
        cited = set()
        problems = []
        for passage in self.passages():
            where = passage.where
            for label in find_markers(passage.html):
                cited.add(label)
                if label not in notes:
                    problem = ValidationError(
                        "%(where)s cites [^%(label)s], but no footnote has the label “%(label)s”. "
                        "Add that footnote below, or correct the marker.",
                        code="marker_without_note",
                        params={"where": where[0].upper() + where[1:], "label": label},
                    )
                    problems.append(problem)
                    self._mark_text_field(passage, problem)
        for label, form in notes.items():
            if label not in cited:
                form.add_error(
                    "label",
                    ValidationError(
                        "No text cites this footnote. Type [^%(label)s] where it belongs in the "
                        "introduction, a question, an answer or the body, or delete the footnote.",
                        code="note_not_cited",
                        params={"label": label},
                    ),
                )
        if problems:
            raise ValidationError(problems)


class IssueAdminMixin:
    """Gives each inline formset of the issue page access to the others."""

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            formset.sibling_formsets = formsets
        return formsets, inline_instances
