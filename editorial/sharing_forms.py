"""The proofreading links' rows on an issue's admin page: add a row to make a link, tick to revoke one."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from sharing.models import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, LinkState, ShareLink
from sharing.services import revoke_share_link, share_issue, sharing_problem


class ShownAsText(forms.Widget):
    """A value that cannot be changed any more, shown as text rather than as a greyed-out box."""

    def __init__(self, template="{}", attrs=None):
        super().__init__(attrs)
        self.text_template = template

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(self.text_template, value)


class ShareLinkForm(forms.ModelForm):
    valid_for_days = forms.IntegerField(
        label="valid for (days)",
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"From when you save: {MIN_DAYS} to {MAX_DAYS} days.",
    )
    revoke = forms.BooleanField(label="revoke", required=False, help_text="The link stops working when you save.")

    class Meta:
        model = ShareLink
        fields = ["note"]
        widgets = {"note": forms.TextInput(attrs={"size": 24})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["revoke"].disabled = True
        else:
            # A link keeps the validity it was made with; it can only be revoked.
            days = self.fields["valid_for_days"]
            days.disabled, days.initial = True, self.instance.valid_for_days
            days.widget = ShownAsText("{} days" if days.initial != 1 else "{} day")
            self.fields["revoke"].initial = self.instance.revoked_at is not None
            self.fields["revoke"].disabled = self.instance.state() != LinkState.ACTIVE

    def has_changed(self):
        # A row the editor added is a link to make, even with the offered values
        # left as they are (formsets skip unchanged new rows).
        return self.instance._state.adding or super().has_changed()


class ShareLinkFormSet(forms.BaseInlineFormSet):
    """Saves through :mod:`sharing.services`, as ``user`` (set by the inline for the request)."""

    user = None

    def clean(self):
        super().clean()
        adding = [form for form in self.extra_forms if form.has_changed() and not self._should_delete_form(form)]
        if adding:
            problem = sharing_problem(self.instance)
            if problem:
                raise ValidationError(problem, code="not_shareable")

    def save_new(self, form, commit=True):
        return share_issue(
            issue=self.instance,
            by=self.user,
            days=form.cleaned_data["valid_for_days"],
            note=form.cleaned_data.get("note", ""),
        )

    def save_existing(self, form, obj, commit=True):
        link = form.save(commit=commit)  # the note
        if form.cleaned_data.get("revoke") and link.revoked_at is None:
            revoke_share_link(link=link, by=self.user)
        return link
