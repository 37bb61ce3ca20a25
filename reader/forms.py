from django import forms
from django_countries import countries

from people.models import Discipline, FellowshipStatus


class DirectoryFilterForm(forms.Form):
    """The fellows directory's filters; they live in the page's address."""

    country = forms.ChoiceField(label="Country", required=False)
    discipline = forms.ChoiceField(
        label="Discipline", required=False, choices=[("", "All disciplines"), *Discipline.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Current fellows and alumni"), *FellowshipStatus.choices]
    )

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only countries that have fellows, by name.
        named = sorted(((code, countries.name(code)) for code in country_codes), key=lambda c: c[1])
        self.fields["country"].choices = [("", "All countries"), *named]

    def filter(self, fellowships, *, on):
        data = self.cleaned_data
        if data.get("country"):
            fellowships = fellowships.filter(country=data["country"])
        if data.get("discipline"):
            fellowships = fellowships.filter(discipline=data["discipline"])
        if data.get("status"):
            fellowships = fellowships.with_status(data["status"], on=on)
        return fellowships
