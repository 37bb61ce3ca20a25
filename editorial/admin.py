import datetime
import re
from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateformat import format as date_format
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import format_html, format_html_join
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget

from briefs.document import issue_document
from briefs.footnotes import MARKER_HELP
from briefs.models import (
    AboutSection,
    Contribution,
    EditorialMembership,
    Footnote,
    Issue,
    IssueStatus,
    Place,
    Question,
    Series,
    Topic,
    published_condition,
)
from briefs.places import countries_matching, fold
from briefs.workflow import REVISION_COMMENTS, TRANSITIONS, apply_transition, available_transitions, describe_status
from briefs.working_copies import change_alters_text, current_copy, edits_go_to_a_copy, note_saved_by, open_copy
from editorial import desk
from editorial.badges import badge, issue_badge
from editorial.dates import ISO_DATE_INPUTS
from editorial.doi_admin import DoiFilter, deposit_with_crossref, doi_panel
from editorial.editing import (
    describe_authors,
    describe_others,
    keep_rows_deleted_meanwhile,
    new_page_id,
    note_closed,
    note_open,
    rows_of_copy,
)
from editorial.footnote_numbers import numbers_for_posted_form
from editorial.forms import (
    ContributionForm,
    ContributionFormSet,
    FootnoteForm,
    FootnoteFormSet,
    IssueAdminMixin,
    IssueForm,
    OrderedInlineFormSet,
    OrderedRowForm,
    QuestionForm,
    QuestionFormSet,
    membership_deletion_problem,
)
from editorial.history_admin import IssueHistoryAdmin, SeriesHistoryAdmin
from editorial.newsletter_admin import announce_correction, newsletter_panel
from editorial.people_admin import PersonAdmin  # noqa: F401 (registers the people's admin)
from editorial.places import PlaceAutocompleteJsonView, PlaceForm, PlacesField, PlacesWidget, create_new_places
from editorial.readership_admin import PERMISSION as READERSHIP_PERMISSION
from editorial.readership_admin import readership_panel
from editorial.sharing_admin import ShareLinkInline
from editorial.team_inlines import EditorialMembershipInline
from editorial.word_import_admin import WordImportAdmin
from jobs.queue import one_job_per_issue
from printing import draft_pdfs
from printing.models import IssuePdf
from printing.pdf import pdf_version


class AboutSectionInline(admin.StackedInline):
    model = AboutSection
    form = OrderedRowForm
    formset = OrderedInlineFormSet
    extra = 0
    fields = ["sort_order", "title", "body"]
    classes = ["sortable-inline"]


@admin.register(EditorialMembership)
class EditorialMembershipAdmin(SeriesHistoryAdmin, admin.ModelAdmin):
    list_display = ["person", "role", "position", "series", "start_date", "end_date"]
    list_filter = ["series", "role"]
    search_fields = ["person__given_name", "person__family_name", "position"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "series"]
    formfield_overrides = ISO_DATE_INPUTS

    def get_deleted_objects(self, objs, request):
        # Both the delete page and the bulk action ask this; a term a published
        # imprint lists is reported as protected, and nothing is deleted.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for membership in objs:
            problem = membership_deletion_problem(membership)
            if problem:
                protected = [*protected, " ".join(problem.messages)]
        return deleted, model_count, perms_needed, protected


@admin.register(Series)
class SeriesAdmin(SeriesHistoryAdmin, admin.ModelAdmin):
    class Media:
        js = ["admin/js/sortable-inlines.js"]

    list_display = ["name", "programme", "issn", "published_issue_count"]
    list_select_related = ["programme"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "programme__name", "programme__short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AboutSectionInline, EditorialMembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "programme", "introduction"]}),
        (
            "Imprint",
            {
                "fields": ["place_of_publication", "issn", "website", "email", "hashtag", "licence"],
                "description": "Printed on every issue's imprint page.",
            },
        ),
        (
            "DOIs and Crossref",
            {
                "fields": [
                    "doi_prefix",
                    "doi_suffix_pattern",
                    "crossref_depositor_name",
                    "crossref_depositor_email",
                    "crossref_deposit_url",
                ],
                "description": "With a DOI prefix, each issue gets a DOI when it is first published, and its "
                "record is deposited with Crossref then and after every correction or withdrawal.",
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "crossref_deposit_url":
            # Chosen, never typed: the server's Crossref login is sent to this address.
            return forms.TypedChoiceField(
                label=db_field.verbose_name.capitalize(),
                choices=[("", "None: no deposits"), *((url, url) for url in settings.CROSSREF_DEPOSIT_URLS)],
                required=False,
                empty_value="",
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A DOI is for ever: once an issue has one, the prefix and pattern that made it stay.
        fixed = ["doi_prefix", "doi_suffix_pattern"] if obj is not None and obj.has_dois() else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    def get_queryset(self, request):
        published = (
            Issue.objects.published()
            .filter(series=OuterRef("pk"))
            .order_by()
            .values("series")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(_published=Subquery(published))

    @admin.display(description="published issues", ordering="_published")
    def published_issue_count(self, obj):
        return obj._published or 0


#: From this many questions and notes on, an issue's rows make their editors when they come near the window.
LAZY_EDITORS_FROM_ROWS = 60


def is_long_issue(request, issue):
    """Whether the issue form shows so many questions and notes that its rows' editors are made lazily.

    A posted form counts the rows it posted (no query); a page being opened counts the issue's rows, in one
    query kept on the issue for the page's other inlines.
    """
    if request.method == "POST":
        rows = 0
        for prefix in ("questions", "footnotes"):
            try:
                rows += int(request.POST.get(f"{prefix}-TOTAL_FORMS", 0))
            except ValueError:
                pass  # the formset reports a damaged form itself
        return rows >= LAZY_EDITORS_FROM_ROWS
    if issue is None or issue.pk is None:
        return False
    if not hasattr(issue, "_rows_for_editors"):

        def rows(model):
            counted = model.objects.filter(issue=OuterRef("pk")).order_by().values("issue").annotate(n=Count("pk"))
            return Coalesce(Subquery(counted.values("n")), 0)

        questions, notes = Issue.objects.filter(pk=issue.pk).values_list(rows(Question), rows(Footnote)).get()
        issue._rows_for_editors = questions + notes
    return issue._rows_for_editors >= LAZY_EDITORS_FROM_ROWS


class LazyEditorsForLongIssues:
    """An inline whose rich-text fields use the prose editor's "lazy" preset on a long issue.

    Opening an issue with 200 questions and 500 notes made some 900 editors at once: 13 s in
    Chromium. With the preset (static/briefs/prose/lazy.js) each is made as it comes near the window.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.long_issue = is_long_issue(request, obj)  # its rows are laid out as they come near too
        if formset.long_issue:
            for field in formset.form.base_fields.values():  # this request's own form class and widgets
                if isinstance(field.widget, ProseEditorWidget):
                    field.widget = LazyProseEditorWidget(config=field.widget.config, attrs=field.widget.attrs)
        return formset


class LazyProseEditorWidget(AdminProseEditorWidget):
    """The prose editor's “lazy” preset; its configuration is written once, on the inline's template row.

    Every row's field has the same configuration: written on each of 900 rows it was a third of the page
    (880 KB). A row's textarea names none, and static/briefs/prose/lazy.js reads the template row's.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, preset="lazy", **kwargs)

    def get_context(self, name, value, attrs):
        if "__prefix__" in name:
            return super().get_context(name, value, attrs)
        context = forms.Textarea.get_context(self, name, value, attrs)  # a plain text area: no configuration
        context["widget"]["attrs"]["data-django-prose-editor-lazy"] = ""
        return context


class HelpSaidOnce(LazyEditorsForLongIssues):
    """An inline whose explanation (``help``) is said once above its rows, not under each row's fields."""

    help = ""
    template = "admin/edit_inline/stacked_with_help.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():  # the fields of this request's own form class
            if field.help_text and field.help_text in self.help_said:
                field.help_text = ""
        return formset

    @property
    def help_said(self):
        """The fields' help texts that ``help`` says for every row."""
        return {
            field.help_text
            for field in self.model._meta.get_fields()
            if getattr(field, "help_text", "") and field.name in self.help_covers
        }

    help_covers = ()


class ContributionInline(HelpSaidOnce, admin.StackedInline):
    model = Contribution
    form = ContributionForm
    formset = ContributionFormSet
    extra = 0
    autocomplete_fields = ["person"]
    fields = [("person", "role", "speaker_label", "sort_order"), "printed_biography"]
    verbose_name_plural = "contributors (authors, interviewers, interviewees)"
    classes = ["sortable-inline", "compact-inline"]
    placed_after = "then-contributions"
    help_covers = ("person", "role", "speaker_label", "sort_order")
    help = (
        "An interview has an Interviewer and an Interviewee, whose speaker label (the initials opening each "
        "answer) is taken from their name when left empty; other pieces have an Author. Authors and "
        "interviewers are credited on the cover and under “About the author”."
    )


class ChoicesReadOnce(forms.ModelChoiceField):
    """A menu whose choices are read once for a whole formset, not once per row.

    Each row's form gets a copy of the field, and Django's copy would read the queryset again when its
    menu is drawn: 200 question rows made 200 queries. The copies share the list read for the first.
    """

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.choices = self.widget.choices
        return result


class QuestionInline(HelpSaidOnce, admin.StackedInline):
    model = Question

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if is_long_issue(request, obj) and "speaker" in formset.form.base_fields:
            # Hundreds of person autocompletes took a second to set up in the browser: a long issue's
            # “Answered by” is a plain list of its interviewees (added ones are offered once saved).
            old = formset.form.base_fields["speaker"]
            interviewees = Contribution.objects.filter(issue=obj, role=Contribution.Role.INTERVIEWEE)
            field = ChoicesReadOnce(
                queryset=old.queryset.filter(
                    models.Q(pk__in=interviewees.values("person")) | models.Q(pk__in=obj.questions.values("speaker"))
                ).distinct(),
                required=False,
                label=old.label,
                help_text=old.help_text,
                widget=forms.Select,
            )
            field.widget.choices = list(field.choices)
            formset.form.base_fields["speaker"] = field
        return formset

    help = (
        "Type each question without its number and each answer without the speaker's initials: the site numbers "
        "the questions in this order and opens each answer with the interviewee's speaker label. "
        "“Answered by” is only needed when the interview has several interviewees."
    )
    help_covers = ("question", "answer", "speaker", "sort_order")
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    fields = ["question", "answer", ("speaker", "sort_order")]
    autocomplete_fields = ["speaker"]
    verbose_name_plural = "interview: questions and answers (numbered by the site in this order)"
    classes = ["sortable-inline", "compact-inline", "interview-only"]
    placed_after = "then-questions"


class FootnoteInline(HelpSaidOnce, admin.StackedInline):
    model = Footnote
    help = (
        "A note's label is the name in its marker (“source” is cited as [^source]), set by the footnote button. "
        "It is not printed: the site numbers the notes where they are first cited."
    )
    help_covers = ("label", "text")
    form = FootnoteForm
    formset = FootnoteFormSet
    extra = 0
    fields = [("label", "text")]
    verbose_name_plural = "footnotes"
    classes = ["compact-inline"]
    placed_after = "then-footnotes"
    # Rows titled “Note 1”, “Note 2”… in reading order (FootnoteFormSet), kept so while typing; with ``help``.
    template = "admin/briefs/issue/footnotes_inline.html"

    class Media:
        css = {"all": ["admin/css/footnotes.css"]}


_ID = re.compile(r"[0-9]{1,18}")


def _ever_published(issue):
    """Whether the Publication box has anything to say: the issue (or a working copy's issue) went public once."""
    if issue is None or issue.pk is None:
        return False
    issue = _issue_of(issue)
    return issue.published_at is not None or issue.status != IssueStatus.DRAFT


def _day(date):
    return date_format(date, "j F Y")


class TransitionForm(forms.Form):
    """The confirmation of a workflow step: a comment and, to publish, when.

    An issue's printed date does not decide when readers see it: ``public_from``
    does (:meth:`briefs.models.Issue.is_public_now`). So publishing an issue dated
    after today (site time zone) asks which is meant: public from the start of its
    printed day (the default), or public now with the date as printed; a plain
    “now” is refused for it.
    """

    #: ``when``: every value the form accepts. Only those that fit the chosen issues are shown.
    NOW, ON_PRINTED_DATE, NOW_AS_PRINTED, AT = "now", "on_printed_date", "now_as_printed", "at"

    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000
    )
    when = forms.ChoiceField(
        label="When",
        choices=[
            (NOW, "Now"),
            (ON_PRINTED_DATE, "On its printed date"),
            (NOW_AS_PRINTED, "Now, with the date as printed"),
            (AT, "At a later time"),
        ],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    at = forms.DateTimeField(
        label="Public from",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Date and time (site time zone) at which the issue becomes public; only with “At a later time”.",
    )

    class Media:
        js = ["admin/js/transition-when.js"]  # “Public from” is disabled unless “At a later time” is chosen

    def __init__(self, transition, *args, correction_needed=False, issues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.name == "publish_change":
            self.fields["comment"].label = "Correction note for readers"
            self.fields["comment"].required = correction_needed
            self.fields["comment"].help_text = (
                "The change alters the text readers have read. Say in a sentence or two what was corrected; "
                "the issue's page shows “Corrected on <date>: <your note>”."
                if correction_needed
                else "The change does not alter the text readers read (the title, byline, texts and notes stay "
                "the same), so no note is needed. A note written here is shown all the same."
            )
        elif transition.needs_comment:
            self.fields["comment"].required = True
            self.fields["comment"].label = "Notice for readers"
            self.fields["comment"].help_text = "Shown at the issue's address instead of the issue."
        else:
            self.fields["comment"].help_text = "Optional; kept in the issue's workflow history."
        #: The chosen issues this step would publish although their printed date is after today.
        self.dated_ahead = []
        if not transition.can_schedule:
            del self.fields["when"], self.fields["at"]
            return
        today = timezone.localdate()
        self.dated_ahead = [i for i in issues if i.status in transition.sources and i.publication_date > today]
        if self.dated_ahead:
            self._offer_printed_date(today)
        else:
            self.fields["when"].widget.choices = [(self.NOW, "Now"), (self.AT, "At a later time")]

    def _offer_printed_date(self, today):
        when = self.fields["when"]
        ahead = self.dated_ahead
        zone = timezone.get_current_timezone_name()
        if len(ahead) == 1:
            issue = ahead[0]
            on_date = (
                f"On its printed date (default): scheduled, public from {_day(issue.publication_date)}, "
                f"00:00 ({zone} time); hidden until then"
            )
            now_as_printed = (
                f"Now, with the date as printed: public at once, dated {_day(issue.publication_date)} although "
                "that day has not come"
            )
            explained = f"No. {issue.number} is dated {_day(issue.publication_date)}, after today ({_day(today)})."
        else:
            on_date = (
                f"On their printed dates (default): each scheduled, public from 00:00 ({zone} time) on its "
                "printed date and hidden until then; any dated today or earlier public at once"
            )
            now_as_printed = "Now, with the dates as printed: all public at once, each dated as printed"
            explained = (
                ", ".join(f"No. {i.number} is dated {_day(i.publication_date)}" for i in ahead)
                + f": after today ({_day(today)})."
            )
        when.widget.choices = [
            (self.ON_PRINTED_DATE, on_date),
            (self.NOW_AS_PRINTED, now_as_printed),
            (self.AT, "At a later time"),
        ]
        when.initial = self.ON_PRINTED_DATE
        when.help_text = (
            f"{explained} The printed date does not hide an issue: it is public from the moment it is "
            "published or scheduled for."
        )

    def clean(self):
        cleaned = super().clean()
        if self.transition.can_schedule:
            when = cleaned.get("when")
            if when == self.AT:
                if cleaned.get("at") is None and "at" not in self.errors:
                    self.add_error("at", "Choose the date and time at which the issue becomes public.")
                elif cleaned.get("at") is not None and cleaned["at"] <= timezone.now():
                    self.add_error("at", "This time has passed; choose a later one, or publish now.")
            else:
                cleaned["at"] = None
            if when == self.NOW and self.dated_ahead:
                # Never published ahead of its printed date by a plain “now” (a crafted post, or a form
                # opened before the date was changed): the editor says which of the two is meant.
                self.add_error("when", self._refusal())
        return cleaned

    def _refusal(self):
        ahead = self.dated_ahead
        if len(ahead) == 1:
            return ValidationError(
                "No. %(number)s is dated %(date)s, after today: choose whether it becomes public at the start of "
                "its printed date, or now with the date as printed.",
                code="dated_after_today",
                params={"number": ahead[0].number, "date": _day(ahead[0].publication_date)},
            )
        return ValidationError(
            "%(numbers)s are dated after today: choose whether they become public at the start of their printed "
            "dates, or now with the dates as printed.",
            code="dated_after_today",
            params={"numbers": ", ".join(f"No. {i.number}" for i in ahead[:-1]) + f" and No. {ahead[-1].number}"},
        )

    def moment_for(self, issue):
        """When ``issue`` becomes public by this (valid) form: ``at`` for ``apply_transition``, None for now."""
        if not self.transition.can_schedule:
            return None
        when = self.cleaned_data["when"]
        if when == self.AT:
            return self.cleaned_data["at"]
        if when == self.ON_PRINTED_DATE:
            start = timezone.make_aware(datetime.datetime.combine(issue.publication_date, datetime.time.min))
            if start > timezone.now():
                return start
        return None  # now; also the printed day's start once it has come (the form was opened the day before)


class CountsPublishedIssues:
    """A list of topics or places with how many published issues each has (one query for the page)."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_published=Count("issues", filter=published_condition(through="issues__")))
            .order_by("name")
        )

    @admin.display(description="published issues", ordering="n_published")
    def published_issues(self, obj):
        return obj.n_published


@admin.register(Topic)
class TopicAdmin(CountsPublishedIssues, admin.ModelAdmin):
    list_display = ["name", "slug", "published_issues"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]


@admin.register(Place)
class PlaceAdmin(CountsPublishedIssues, admin.ModelAdmin):
    form = PlaceForm
    list_display = ["name", "kind", "country", "published_issues"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["kind", "country", "name", "slug"]

    def get_urls(self):
        autocomplete = path(
            "autocomplete/",
            self.admin_site.admin_view(PlaceAutocompleteJsonView.as_view(admin_site=self.admin_site)),
            name="briefs_place_autocomplete",
        )
        return [autocomplete, *super().get_urls()]

    def get_search_results(self, request, queryset, search_term):
        """By name, accents ignored (“region” finds “Région Nord”), and a country also by its ISO names
        (“Kazakh” finds a place called “Qazaqstan”)."""
        unsearched = queryset  # with the list's filters, which the extra matches keep
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        wanted = fold(search_term).strip()
        if wanted:
            # Places are a few hundred at most: their names are compared here, the same way on every database.
            named = [pk for pk, name in Place.objects.values_list("pk", "name") if wanted in fold(name)]
            codes = [code for code, _name in countries_matching(search_term)]
            queryset |= unsearched.filter(models.Q(pk__in=named) | models.Q(country__in=codes))
        return queryset, may_have_duplicates


class PublicationFilter(admin.SimpleListFilter):
    """Published issues by whether readers see them yet: scheduled ones wait for their moment."""

    title = "publication"
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [(desk.SCHEDULED, "Scheduled (not public yet)"), ("public", "Public now")]

    def queryset(self, request, queryset):
        if self.value() == desk.SCHEDULED:
            return queryset.filter(desk.scheduled(timezone.now()))
        if self.value() == "public":
            return queryset.filter(published_condition())
        return queryset


class PdfFilter(admin.SimpleListFilter):
    title = "PDF"
    parameter_name = "pdf"

    def lookups(self, request, model_admin):
        return [(desk.PDF_FAILED, "Could not be built")]

    def queryset(self, request, queryset):
        return queryset.filter(desk.pdf_failed()) if self.value() == desk.PDF_FAILED else queryset


@admin.register(Issue)
class IssueAdmin(WordImportAdmin, IssueHistoryAdmin, IssueAdminMixin, admin.ModelAdmin):
    form = IssueForm
    list_display = ["status_badge", "issue", "publication_date", "authors"]
    list_display_links = ["issue"]
    list_filter = ["status", PublicationFilter, PdfFilter, DoiFilter, "kind", "series", "publication_date"]
    search_fields = [
        "title",
        "contributions__person__given_name",
        "contributions__person__family_name",
    ]
    date_hierarchy = "publication_date"
    list_select_related = ["series", "pdf"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "places"]
    readonly_fields = [
        "workflow_status",
        "workflow_history",
        "published_at",
        "published_by",
        "printed_pdf",
        "doi_registration",
        "newsletter_mails",
        "readership",
    ]
    change_form_template = "admin/briefs/issue/change_form.html"
    change_list_template = "admin/briefs/issue/change_list.html"  # reversion's, with “Import from Word”
    actions = [*(f"step_{name}" for name in TRANSITIONS), deposit_with_crossref, announce_correction]
    inlines = [ContributionInline, QuestionInline, FootnoteInline, ShareLinkInline]
    save_on_top = False  # the form fits in about two screens: one Save row, at its end
    # The form follows the task: what the issue is, who wrote it or speaks in it, its text, then its
    # questions and notes. Each inline names the fieldset it follows (``placed_after``, a class of that
    # fieldset; templates/admin/briefs/issue/change_form.html puts it there).
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "slug"),
                    ("series", "number", "kind", "publication_date"),
                    "loaded_version",
                    "opened_at",
                ],
                "classes": ["compact-fields", "then-contributions"],
            },
        ),
        ("Text", {"fields": ["introduction"], "description": MARKER_HELP, "classes": ["then-questions"]}),
        ("Body", {"fields": ["body"], "classes": ["issue-body", "then-footnotes"]}),
        (
            "What it is about",
            {
                "fields": [("topics", "places")],
                "description": "For the archive's filters, the topic and country pages, the feeds and the "
                "issue's metadata. Start typing to choose.",
                "classes": ["compact-fields"],
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "workflow_status",
                    "workflow_history",
                    "published_at",
                    "published_by",
                    "printed_pdf",
                    "doi_registration",
                    "newsletter_mails",
                    "readership",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        interview = self._kind_on_form(request, obj) == Issue.Kind.INTERVIEW
        for name, options in super().get_fieldsets(request, obj):
            if name == "Body" and interview and not (obj is not None and obj.body.strip()):
                # An interview's text is its questions and answers. The field stays in the form, hidden, so
                # that changing the kind shows it (admin/js/issue-form.js); an interview that has a body
                # (from before) shows it, so nothing typed is hidden.
                options = {**options, "classes": [*options["classes"], "hidden"]}
            elif name == "Publication" and not _ever_published(obj):
                # Nothing happened yet: no block of dashes. The Workflow box links the draft's PDF.
                continue
            elif name == "Publication" and not request.user.has_perm(READERSHIP_PERMISSION):
                options = {**options, "fields": [f for f in options["fields"] if f != "readership"]}
            fieldsets.append((name, options))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The form shows what the kind means (questions or a body); topics are explained once, in their
        # fieldset's description (places say how a new country is added: formfield_for_manytomany).
        for name in ("kind", "topics"):
            if name in form.base_fields:
                form.base_fields[name].help_text = ""
        return form

    def _kind_on_form(self, request, obj):
        """The kind of piece the form shows: as posted, else the issue's, else a new issue's initial kind."""
        if request.method == "POST" and request.POST.get("kind"):
            return request.POST["kind"]
        if obj is not None:
            return obj.kind
        return self.get_changeform_initial_data(request).get("kind", Issue.Kind.ARTICLE)

    formfield_overrides = ISO_DATE_INPUTS

    class Media:
        js = ["admin/js/sortable-inlines.js", "admin/js/issue-form.js", "admin/js/presence.js"]
        css = {"all": ["admin/css/workflow.css", "admin/css/issue-form.css", "admin/css/lists.css"]}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "places":
            # Also offers the ISO countries no place has yet, to those who may add places (editorial/places.py).
            place_admin = self.admin_site.get_model_admin(Place)
            kwargs["widget"] = PlacesWidget(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["form_class"] = PlacesField
            kwargs["may_add"] = place_admin.has_add_permission(request)
            if kwargs["may_add"]:
                kwargs["help_text"] = (
                    "A country not listed yet is offered from the ISO list, marked “(new)”, and added when the "
                    "issue is saved. Add a region with +."
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        create_new_places(form)  # in the save's transaction: with the issue, or not at all
        super().save_related(request, form, formsets, change)

    def get_changeform_initial_data(self, request):
        """A new issue starts in the only series (or the one in ``?series=``), with its next free
        number and the kind of piece that series publishes most."""
        initial = super().get_changeform_initial_data(request)
        series = None
        if initial.get("series"):
            series = Series.objects.filter(pk=initial["series"]).first() if str(initial["series"]).isdigit() else None
        else:
            only = list(Series.objects.all()[:2])
            series = only[0] if len(only) == 1 else None
        # Printed today, unless the editor says otherwise (it does not decide when readers see it).
        initial.setdefault("publication_date", timezone.localdate())
        if series is not None:
            initial["series"] = series.pk
            initial.setdefault("number", Issue.objects.next_free_number(series))
            usual = Issue.objects.usual_kind(series)
            if usual:
                initial.setdefault("kind", usual)
        return initial

    # The Publication box of a working copy's page shows its issue's.

    @admin.display(description="status")
    def workflow_status(self, obj):
        return describe_status(_issue_of(obj)) if obj.pk else "Draft"

    @admin.display(description="published at")
    def published_at(self, obj):
        issue = _issue_of(obj)
        return date_format(timezone.localtime(issue.published_at), "j F Y, H:i") if issue.published_at else "—"

    @admin.display(description="published by")
    def published_by(self, obj):
        return _issue_of(obj).published_by or "—"

    @admin.display(description="workflow history")
    def workflow_history(self, obj):
        steps = list(_issue_of(obj).transitions.select_related("by")[:20]) if obj.pk else []
        if not steps:
            return "No steps yet: the issue is a draft."
        return format_html(
            '<ol class="workflow-history">{}</ol>',
            format_html_join(
                "",
                "<li>{}: {}, by {}{}</li>",
                (
                    (
                        date_format(timezone.localtime(step.at), "j F Y, H:i"),
                        describe_step(step),
                        step.by or "the system",
                        format_html(". “{}”", step.comment) if step.comment else "",
                    )
                    for step in steps
                ),
            ),
        )

    # -- the workflow: buttons on the issue page, bulk actions, one confirmation page --

    def get_urls(self):
        step = path(
            "step/<slug:name>/", self.admin_site.admin_view(self.transition_view), name="briefs_issue_transition"
        )
        prepared = path(
            "<path:object_id>/prepared/",
            self.admin_site.admin_view(self.prepared_preview_view),
            name="briefs_issue_prepared_preview",
        )
        prepared_pdf = path(
            "<path:object_id>/prepared/pdf/",
            self.admin_site.admin_view(self.prepared_pdf_view),
            name="briefs_issue_prepared_pdf",
        )
        presence = path(
            "<path:object_id>/presence/",
            self.admin_site.admin_view(self.presence_view),
            name="briefs_issue_presence",
        )
        numbers = path(
            "footnote-numbers/",
            self.admin_site.admin_view(self.footnote_numbers_view),
            name="briefs_issue_footnote_numbers",
        )
        return [step, prepared, prepared_pdf, presence, numbers, *super().get_urls()]

    def presence_view(self, request, object_id):
        """The issue's page was left (its beacon, on ``pagehide``): the editor no longer has it open."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self.get_object(request, unquote(object_id))
        if issue is None or not self.has_change_permission(request, issue):
            raise Http404("No such issue.")
        note_closed(issue.pk, request.user, page=request.POST.get("page", "")[:100])
        return HttpResponse(status=204)

    def footnote_numbers_view(self, request):
        """``{"numbers": {label: number}}`` for the issue form as typed, posted whole and not saved.

        The prose editor shows each footnote marker as this number (static/briefs/prose/footnote.js).
        ``issue``: the id of the issue (or working copy) the form edits; none on the “Add issue” page.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "Post the issue form to get its footnote numbers.")
        # Permission first: staff without it learn nothing, not even whether an issue exists.
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        issue_id = request.POST.get("issue", "")
        if issue_id:
            issue = Issue.objects.filter(pk=int(issue_id)).first() if _ID.fullmatch(issue_id) else None
            if issue is None:
                raise Http404("No such issue.")
            if not self.has_change_permission(request, issue):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        response = JsonResponse({"numbers": numbers_for_posted_form(request.POST)})
        add_never_cache_headers(response)
        return response

    # -- a public issue is edited in its working copy (briefs.working_copies) --

    def get_queryset(self, request):
        # The issues themselves; a working copy is edited through its issue's page (WorkingCopyAdmin).
        return super().get_queryset(request).originals()

    def get_changelist(self, request, **kwargs):
        return IssueChangeList

    @cached_property
    def working_copies(self):
        """The admin that edits working copies: not registered, reached only through an issue's page."""
        return WorkingCopyAdmin(self.model, self.admin_site)

    def get_formsets_with_inlines(self, request, obj=None):
        kind = self._kind_on_form(request, obj)
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            if isinstance(inline, ContributionInline):
                formset_class.kind_on_form = kind
            yield formset_class, inline

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        interview = self._kind_on_form(request, obj) == Issue.Kind.INTERVIEW
        for inline in instances:
            if obj is None and isinstance(inline, ContributionInline):
                # A new issue's form has its people's rows ready: an interviewer and an interviewee, or an author.
                inline.extra = 2 if interview else 1
            elif isinstance(inline, QuestionInline):
                if obj is None and interview:
                    inline.extra = 2
                elif not interview and not (obj is not None and obj.questions.exists()):
                    # Questions belong to interviews: hidden (admin/js/issue-form.js shows them for one).
                    inline.classes = [*inline.classes, "hidden"]
        return instances

    def get_inlines(self, request, obj):
        if obj is not None and (obj.is_working_copy or edits_go_to_a_copy(obj)):
            # A public issue is not shared for proofreading: it has its address (sharing.services).
            return [inline for inline in self.inlines if inline is not ShareLinkInline]
        return self.inlines

    def _keep_rows_deleted_meanwhile(self, request, issue_pk):
        """Before the admin reads the form: rows someone deleted meanwhile stay on the page as new rows."""
        if request.method != "POST" or not issue_pk:
            return
        existing = {"contributions": set(), "questions": set(), "footnotes": set()}
        rows = [
            model.objects.filter(issue=issue_pk).order_by().annotate(inline=Value(prefix)).values_list("inline", "pk")
            for prefix, model in (("contributions", Contribution), ("questions", Question), ("footnotes", Footnote))
        ]
        for prefix, pk in rows[0].union(*rows[1:], all=True):  # one query
            existing[prefix].add(pk)
        data, rescued = keep_rows_deleted_meanwhile(request.POST, existing)
        if rescued:
            request.POST = data
            self.message_user(
                request,
                "Someone deleted "
                + ", ".join(rescued)
                + " while you were editing. What you typed there is kept below as new rows: delete them if they "
                "should go, or save to keep them.",
                messages.WARNING,
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # One transaction, and one PDF job and one search job per issue, however many rows the form saves.
        with one_job_per_issue():
            if object_id and _ID.fullmatch(str(object_id)):
                self._keep_rows_deleted_meanwhile(request, int(object_id))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _change_in_working_copy(self, request, issue, form_url, context):
        """The page of an issue whose edits go to its working copy: the copy's form, or the issue's before there is one."""
        if request.method == "POST" and self.has_change_permission(request, issue):
            with one_job_per_issue():  # the copy started and the save: one transaction
                # The first save of a change starts the working copy; the form's rows are the copy's from then on.
                # A form of the issue older than its last step or discarded change starts none: the issue's
                # own form refuses it (the edit-conflict check).
                copy, started = open_copy(
                    issue, by=request.user, only_at_version=request.POST.get("loaded_version", "")
                )
                if copy is not None:
                    request.POST = rows_of_copy(request.POST, issue=issue, copy=copy)
                    if not started:  # rows of the copy may have been deleted meanwhile
                        self._keep_rows_deleted_meanwhile(request, copy.pk)
                return self._working_copy_page(request, issue, copy, form_url, context)
        return self._working_copy_page(request, issue, current_copy(issue), form_url, context)

    def _working_copy_page(self, request, issue, copy, form_url, context):
        context = {
            **context,
            "preparing": True,
            "issue": issue,
            "copy": copy,
            "copy_authors": describe_authors(copy) if copy is not None else "",
        }
        if copy is None:  # nothing prepared yet: the form shows the issue as readers see it
            return super().change_view(request, str(issue.pk), form_url, context)
        return self.working_copies.change_view(request, str(copy.pk), form_url, context)

    def _prepared_copy(self, request, object_id):
        """The issue and its working copy (with its series), or a response saying there is none."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied  # before looking the issue up: staff without permission learn nothing
        issue = self.get_object(request, unquote(object_id))
        if issue is None:
            raise Http404("No such issue.")
        copy = current_copy(issue)
        if copy is None:
            self.message_user(request, "There is no prepared change to preview.", messages.WARNING)
            return issue, HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[issue.pk]))
        return issue, Issue.objects.select_related("series__programme").get(pk=copy.pk)

    def prepared_pdf_view(self, request, object_id):
        """The PDF the issue will have once its working copy is published (a draft PDF, built by the worker)."""
        issue, copy = self._prepared_copy(request, object_id)
        if not isinstance(copy, Issue):
            return copy
        response = draft_pdfs.draft_pdf_response(request, copy, issue_document(copy))
        add_never_cache_headers(response)
        return response

    def prepared_preview_view(self, request, object_id):
        """The issue's page as it will be once its working copy is published."""
        issue, copy = self._prepared_copy(request, object_id)
        if not isinstance(copy, Issue):
            return copy
        document = issue_document(copy)
        response = TemplateResponse(
            request,
            "reader/issue_detail.html",
            {
                "doc": document,
                "texts": document.texts("web"),
                "is_public": False,
                "issue": copy,
                "prepared_preview": True,
                "preview_pdf_url": reverse("admin:briefs_issue_prepared_pdf", args=[issue.pk]),
            },
        )
        add_never_cache_headers(response)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        may_edit = issue is not None and self.has_change_permission(request, issue)
        page = new_page_id()
        extra = {
            # Read when the page shows them (not for a save that goes on to another page).
            "transitions": SimpleLazyObject(lambda: available_transitions(issue, request.user) if issue else []),
            "workflow_status": describe_status(issue) if issue else "",
            # Only someone who may edit it counts as having it open (others get 403 below).
            "also_open": describe_others(note_open(issue.pk, request.user, page=page)) if may_edit else "",
            # What the page's beacon sends back when the editor leaves it (static/admin/js/presence.js).
            "presence_page": page if may_edit else "",
            # A draft's PDF, in the Workflow box: its Publication box is not shown (get_fieldsets).
            "draft_pdf": SimpleLazyObject(lambda: "" if _ever_published(issue) else self._pdf_status(issue)),
        }
        if issue is not None and edits_go_to_a_copy(issue):
            response = self._change_in_working_copy(request, issue, form_url, extra | (extra_context or {}))
        else:
            response = super().change_view(request, object_id, form_url, extra | (extra_context or {}))
        if issue and response.status_code == 302 and not response.url.startswith(request.path):
            note_closed(issue.pk, request.user)  # saved and left the page
        return response

    def transition_view(self, request, name):
        if request.method != "POST":
            return self._transition_view(request, name)
        with one_job_per_issue():  # the publication and its jobs commit together
            return self._transition_view(request, name)

    def _transition_view(self, request, name):
        """Confirm a workflow step for one issue (its page's button) or several (a bulk action).

        GET shows what will happen with a comment box (and, to publish, a time);
        POST takes the step through ``briefs.workflow``, which checks the
        permission and the state again: a crafted POST gets no further.
        """
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise Http404("No such workflow step.")
        if not transition.allows(request.user):
            raise PermissionDenied
        # Plain ASCII ids of at most 18 digits: anything else names no issue (and cannot overflow the query).
        ids = [i for i in request.POST.get("ids", request.GET.get("ids", "")).split(",")[:1000] if _ID.fullmatch(i)]
        issues = list(self.get_queryset(request).filter(pk__in=ids).select_related("series"))
        if not issues:
            raise Http404("No issue was chosen.")
        correction_needed = name == "publish_change" and any(change_alters_text(issue) for issue in issues)
        form = TransitionForm(
            transition,
            request.POST if request.method == "POST" else None,
            correction_needed=correction_needed,
            issues=issues,
        )
        if request.method == "POST" and form.is_valid():
            done, refused = [], []
            for issue in issues:
                try:
                    apply_transition(
                        issue,
                        name,
                        by=request.user,
                        comment=form.cleaned_data["comment"],
                        at=form.moment_for(issue),
                    )
                    done.append(issue)
                except ValidationError as error:
                    refused.append(" ".join(error.messages))
                except PermissionDenied as error:  # a step allowed in general, not for this issue (a discard)
                    refused.append(f"No. {issue.number}: {error}")
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            if done:
                made_public = name in ("publish", "publish_change", "republish")
                self.message_user(
                    request,
                    f"{transition.label}: done for "
                    + ", ".join(f"No. {i.number}" for i in done)
                    + f". Status now: {describe_status(done[0])}."
                    + (" The PDF is being made in the background and follows in a few seconds." if made_public else ""),
                    messages.SUCCESS,
                )
            if len(issues) == 1:
                return HttpResponseRedirect(reverse("admin:briefs_issue_change", args=[issues[0].pk]))
            return HttpResponseRedirect(reverse("admin:briefs_issue_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": transition.label,
            "transition": transition,
            "issues": issues,
            "ids": ",".join(str(i.pk) for i in issues),
            "form": form,
            "not_applicable": [i for i in issues if i.status not in transition.sources],
        }
        return TemplateResponse(request, "admin/briefs/issue/transition.html", context)

    def has_publish_permission(self, request):
        """The deposit action's permission: those who publish deposit."""
        return request.user.has_perm("briefs.publish_issue")

    @admin.display(description="readers")
    def readership(self, obj):
        return readership_panel(_issue_of(obj))

    @admin.display(description="DOI")
    def doi_registration(self, obj):
        return doi_panel(_issue_of(obj))

    @admin.display(description="newsletter")
    def newsletter_mails(self, obj):
        return newsletter_panel(_issue_of(obj))

    @admin.display(description="printed PDF")
    def printed_pdf(self, obj):
        if obj.is_working_copy:
            return format_html(
                "{} <em>This is the published version's PDF; it is rebuilt when the prepared change is published.</em>",
                self._pdf_status(obj.working_copy_of),
            )
        return self._pdf_status(obj)

    def _pdf_status(self, obj):
        if obj.pk is None:
            return "The PDF is made once the issue is saved."
        url = reverse("reader:issue_pdf", args=[obj.series.slug, obj.number])
        if obj.status != IssueStatus.PUBLISHED:
            return format_html(
                '<a href="{}">Download a preview marked DRAFT</a> (made in a few seconds the first time).',
                url,
            )
        stored = IssuePdf.objects.filter(issue=obj).first()
        version = pdf_version(issue_document(obj))
        if stored is not None and stored.failed_version == version:
            return format_html(
                "<strong>Could not be built</strong> ({} failed attempt{}, the last {}): {}. Readers are told "
                "the PDF is not available; the issue's page is not affected. {}",
                stored.attempts,
                "" if stored.attempts == 1 else "s",
                date_format(timezone.localtime(stored.failed_at), "j F Y, H:i"),
                stored.failure,
                f"The background worker tries again at {date_format(timezone.localtime(stored.next_retry_at), 'H:i')}."
                if stored.next_retry_at
                else "It is not tried again by itself: change what the message names and save again, or run "
                "“manage.py build_pdfs --retry”.",
            )
        if stored is None or not stored.file:
            return "Being made by the background worker: it follows within seconds of saving."
        if stored.version != version:
            return (
                "Being made again by the background worker: the issue changed since its PDF was built, so "
                "readers are asked to come back in a moment. If this stays, check that the worker runs "
                "(“manage.py jobs_worker”)."
            )
        if stored.missing_glyphs:
            missing = ", ".join(f"{c} (U+{ord(c):04X})" for c in stored.missing_glyphs)
            return format_html(
                '<a href="{}">Download</a> ({} pages). <strong>Its fonts lack these characters</strong>, '
                "which print in another font or as a box: {}. Replace them if you can.",
                url,
                stored.pages,
                missing,
            )
        return format_html(
            '<a href="{}">Download</a> ({} pages, built {} in {} s). It is rebuilt whenever '
            "something it shows changes.",
            url,
            stored.pages,
            date_format(timezone.localtime(stored.built_at), "j F Y, H:i"),
            f"{stored.build_seconds:.1f}",
        )

    @admin.display(description="issue", ordering="number")
    def issue(self, obj):
        """The title, and under it its number, kind and series: one column, so that the list fits
        1,280 px with the sidebar open, authors included, and titles keep to one or two lines."""
        return format_html(
            '<span class="issue-title">{}</span><span class="list-note">No. {} · {} · {}</span>',
            obj.title,
            obj.number,
            obj.get_kind_display(),
            obj.series.name,
        )

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        """The status as a badge, and under it why the PDF could not be built, if it could not."""
        problem = self.pdf_problem(obj)
        if not problem:
            return issue_badge(obj)
        return format_html(
            '{} {}<span class="list-note">{}</span>', issue_badge(obj), badge("pdf-failed", "PDF failed"), problem
        )

    def pdf_problem(self, obj):
        """The reason the latest build of the issue's PDF failed, if it did (details on the issue's page)."""
        try:
            pdf = obj.pdf
        except IssuePdf.DoesNotExist:
            return ""
        if not pdf.failure:
            return ""
        retry = (
            f"tried again at {date_format(timezone.localtime(pdf.next_retry_at), 'H:i')}"
            if pdf.next_retry_at
            else "not tried again"
        )
        return format_html(
            "<strong>Could not be built</strong> ({} attempt{}, {}): {}",
            pdf.attempts,
            "" if pdf.attempts == 1 else "s",
            retry,
            pdf.failure,
        )

    @admin.display(description="authors")
    def authors(self, obj):
        return ", ".join(c.person.name for c in obj.contributions.all() if c.is_author)


class IssueChangeList(ChangeList):
    """The list of issues, with the authors it shows read in one query."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).prefetch_related("contributions__person")


def _issue_of(obj):
    """The issue itself, for an issue or its working copy."""
    return obj.working_copy_of if obj.is_working_copy else obj


def describe_step(step):
    """“Approved → Published”, or what a step that leaves the status as it was did (“Prepared change published”)."""
    if step.from_status == step.to_status:
        return REVISION_COMMENTS.get(step.name, step.name)
    return f"{step.get_from_status_display()} → {step.get_to_status_display()}"


class WorkingCopyAdmin(IssueAdmin):
    """The issue page's form and inlines, for a public issue's working copy (``briefs.working_copies``).

    Not registered: :meth:`IssueAdmin.changeform_view` hands it the request
    when the issue's edits go to its working copy, so the page keeps the
    issue's address. It saves like any issue page (checks, inlines, the
    edit-conflict check, a revision), into the copy.
    """

    view_on_site = False  # the copy has no address of its own: the page offers its preview
    save_as = False

    def get_queryset(self, request):
        return Issue.objects.filter(working_copy_of__isnull=False, copy_discarded_at__isnull=True).select_related(
            "working_copy_of__series"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The plain issue page (ModelAdmin's), not IssueAdmin's routing to working copies.
        return super(IssueAdmin, self).change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super(IssueAdmin, self).changeform_view(request, object_id, form_url, extra_context)

    @contextmanager
    def create_revision(self, request):
        # A working copy's saves make no revision: publishing it makes one of the issue, with its note.
        yield

    def get_fieldsets(self, request, obj=None):
        # No “Note on this change”: the correction note asked when the change is published says it.
        return [fieldset for fieldset in super().get_fieldsets(request, obj) if fieldset[0] != "Note on this change"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        note_saved_by(obj, request.user)  # with the copy's row: no query of its own
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        # In the issue's own log, where the edit-conflict check and its history look.
        return super().log_change(request, obj.working_copy_of, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if level == messages.SUCCESS:
            message = "Your change is saved in the working copy: readers still see the published version. "
            if request.user.has_perm("briefs.publish_issue"):
                message += "Preview it, then publish it with “Publish the prepared change” in the Workflow box."
            else:
                message += "Preview it; someone who may publish (the editor-in-chief) publishes it for readers."
        return super().message_user(request, message, level, *args, **kwargs)


def _add_step_actions(model_admin):
    """A bulk action for each workflow step, shown only to those allowed to take it.

    Each leads to the same confirmation page as the issue page's buttons.
    """
    for name, transition in TRANSITIONS.items():

        def action(self, request, queryset, name=name):
            ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
            return HttpResponseRedirect(reverse("admin:briefs_issue_transition", args=[name]) + f"?ids={ids}")

        def has_permission(self, request, transition=transition):
            return transition.allows(request.user)

        action.__name__ = f"step_{name}"
        setattr(
            model_admin,
            action.__name__,
            admin.action(description=f"{transition.label}…", permissions=[action.__name__])(action),
        )
        setattr(model_admin, f"has_{action.__name__}_permission", has_permission)


_add_step_actions(IssueAdmin)
