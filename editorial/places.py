"""Countries and regions in the admin: the issue form's places autocomplete and the place form.

The issue form's autocomplete offers the places that exist and, below them,
the ISO countries that have no place yet (“Tajikistan (new)”) to those who
may add places. A new country's value is ``new:<code>``; :class:`PlacesField`
checks it, and the place is created only when the issue is saved
(:func:`create_new_places`, called from the admin's ``save_related``), so an
abandoned form leaves nothing behind.
"""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html
from django_countries import countries

from briefs.models import Place, PlaceKind
from briefs.places import add_country, countries_matching, free_slug, is_country_code

NEW = "new:"


def new_country_label(name):
    return f"{name} (new)"


def _link(place):
    return format_html('<a href="{}">{}</a>', reverse("admin:briefs_place_change", args=[place.pk]), place.name)


class NewCountry:
    """An ISO country offered in the autocomplete before any place has it."""

    def __init__(self, code, name):
        self.code, self.name = code, name

    @property
    def value(self):
        return NEW + self.code


class PlaceAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete answer for places, followed by the ISO countries no place has yet."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if model_admin.model is not Place:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # After the last page of places that exist: places come first, however many pages they fill.
        if not context["page_obj"].has_next() and self.model_admin.has_add_permission(self.request):
            listed = set(Place.objects.exclude(country="").values_list("country", flat=True))
            context["object_list"] = [
                *context["object_list"],
                *(NewCountry(code, name) for code, name in countries_matching(self.term) if code not in listed),
            ]
        return context

    def serialize_result(self, obj, to_field_name):
        if isinstance(obj, NewCountry):
            return {"id": obj.value, "text": new_country_label(obj.name)}
        return super().serialize_result(obj, to_field_name)


class PlacesWidget(AutocompleteSelectMultiple):
    """The places autocomplete, asking :class:`PlaceAutocompleteJsonView`; keeps chosen new countries on re-display."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:briefs_place_autocomplete")

    def optgroups(self, name, value, attr=None):
        value = [str(v) for v in value]
        # Django's own looks the places up by id; anything else (a new country, a forged value) is not an id.
        groups = super().optgroups(name, [v for v in value if v.isdigit()], attr)
        options = groups[0][1]
        codes = [v[len(NEW) :] for v in value if v.startswith(NEW) and is_country_code(v[len(NEW) :])]
        # A country someone added meanwhile shows as its place: saving again keeps it (PlacesField says so).
        listed = {place.country: place for place in Place.objects.filter(country__in=codes)} if codes else {}
        for code in codes:
            if code in listed and str(listed[code].pk) in value:
                continue
            if code in listed:
                option = (listed[code].pk, str(listed[code]))
            else:
                option = (NEW + code, new_country_label(countries.name(code)))
            options.append(self.create_option(name, *option, True, len(options)))
        return groups


class PlacesField(forms.ModelMultipleChoiceField):
    """Places of an issue: ids of places that exist and ``new:<code>`` for ISO countries to add on save.

    Cleans to a list of places; the new ones are not saved yet (no primary key).
    """

    def __init__(self, *args, may_add=False, **kwargs):
        self.may_add = may_add
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if not isinstance(value, (list, tuple)):
            return super().clean(value)  # Django's own message for what is not a list
        values = [str(v) for v in value]
        ids = [v for v in values if not v.startswith(NEW)]
        new_codes = [v[len(NEW) :] for v in values if v.startswith(NEW)]
        if not new_codes:
            return super().clean(value)
        existing = list(super().clean(ids)) if ids else []
        if not self.may_add:
            raise ValidationError(
                "You may choose only countries and regions that are listed; adding one is for editors "
                "who may add places. Ask one of them, or leave it out for now.",
                code="may_not_add_places",
            )
        unknown = [code for code in new_codes if not is_country_code(code)]
        if unknown:
            raise ValidationError(
                "%(codes)s is not a country of the ISO list and was left out; type the country's name again.",
                code="unknown_country",
                params={"codes": ", ".join(unknown)},
            )
        return [*existing, *self._new_places(dict.fromkeys(new_codes))]

    def _new_places(self, codes):
        names = {code: countries.name(code) for code in codes}
        listed = {place.country: place for place in Place.objects.filter(country__in=codes)}
        same_name = {
            place.name.lower(): place
            for place in Place.objects.annotate(lower=Lower("name")).filter(
                lower__in=[name.lower() for name in names.values()]
            )
        }
        problems = []
        for code, name in names.items():
            if code in listed:
                # Added meanwhile by someone else: it is chosen for the editor (the admin re-shows the form).
                problems.append(
                    ValidationError(
                        format_html(
                            "{} was added as a place meanwhile ({}) and is chosen instead; save again to keep it.",
                            name,
                            _link(listed[code]),
                        ),
                        code="country_listed",
                    )
                )
            elif name.lower() in same_name:
                problems.append(
                    ValidationError(
                        format_html(
                            "{} cannot be added: the place {} has that name. Rename that place, or choose it.",
                            name,
                            _link(same_name[name.lower()]),
                        ),
                        code="name_taken",
                    )
                )
        if problems:
            raise ValidationError(problems)
        return [Place(kind=PlaceKind.COUNTRY, country=code, name=name) for code, name in names.items()]


def create_new_places(form, field_name="places"):
    """Before the form's many-to-many save: each new country of ``field_name`` becomes its place.

    Runs in the admin's save transaction (``ModelAdmin.save_related``), so the
    places are written with the issue or not at all.
    """
    picked = form.cleaned_data.get(field_name)
    if picked and any(place.pk is None for place in picked):
        form.cleaned_data[field_name] = [
            place if place.pk is not None else add_country(code=place.country.code) for place in picked
        ]


class PlaceForm(forms.ModelForm):
    """The place form (also the “+” popup of the issue form): kind first; a country needs only the country."""

    class Meta:
        model = Place
        fields = ["kind", "country", "name", "slug"]
        help_texts = {
            "name": "As readers see it, e.g. “Central Asia”. For a country, leave it empty to use the standard "
            "(ISO) name, or write the name the series uses.",
            "slug": "The last part of the place's page address; filled in from the name when left empty.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["slug"].required = False
        self.listed_country = None

    def clean(self):
        cleaned = super().clean()
        kind, code = cleaned.get("kind"), cleaned.get("country")
        if kind == PlaceKind.COUNTRY and code:
            self.listed_country = Place.objects.filter(country=code).exclude(pk=self.instance.pk).first()
            if self.listed_country is not None:
                self.add_error(
                    "country",
                    ValidationError(
                        format_html(
                            "{} is listed already, as {}: choose it in the issue instead of adding it again.",
                            countries.name(code),
                            _link(self.listed_country),
                        ),
                        code="country_listed",
                    ),
                )
                return cleaned
            if not cleaned.get("name"):
                cleaned["name"] = countries.name(code)
        if not cleaned.get("name"):
            # A country with neither country nor name is told to choose the country (Place.clean), once.
            if kind == PlaceKind.REGION and "name" not in self.errors:
                self.add_error(
                    "name", ValidationError("Give the region a name, e.g. “Central Asia”.", code="name_missing")
                )
        elif not cleaned.get("slug"):
            cleaned["slug"] = free_slug(cleaned["name"], excluding=self.instance.pk)
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.listed_country is not None:
            # One error for one cause: the model's checks (name and address taken, no country) all follow from it.
            for field in [field for field in self.errors if field != "country"]:
                del self.errors[field]
            del self.errors["country"][1:]
