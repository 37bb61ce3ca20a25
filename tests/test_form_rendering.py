"""The form renderer draws Django's plain widgets, labels and empty error lists in Python, byte for byte as
Django's templates do (common/form_rendering.py, FORM_RENDERER); anything else comes from its template."""

import re
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from briefs.models import Issue
from common.form_rendering import PlainWidgetsRenderer
from people.models import Person
from tests.conftest import make_interview, make_person

TEMPLATES = DjangoTemplates()
PLAIN = PlainWidgetsRenderer()
lazy_text = lazy(str, str)

AWKWARD = ["", "0", "plain", "Ölçü “quoted” & <b>bold</b>", "a\"b'c", "\nleading new line", "  spaced  ", "ŞƏ\u200bx"]
ATTRS = [
    {},
    {"class": "vTextField", "maxlength": 40, "required": True, "disabled": False},
    {"data-x": "<script>", "aria-label": "Note “1” & co", "title": mark_safe("<b>safe</b>"), "tabindex": 0},
    {"data-config": '{"a": [1, "b"]}', "data-empty": "", "hidden": True, "data-n": 1.5, "data-t": (1, 2)},
]


def both(widget, name, value, attrs=None):
    """The widget drawn by Django's templates and by the plain renderer."""
    return widget.render(name, value, attrs, renderer=TEMPLATES), widget.render(name, value, attrs, renderer=PLAIN)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.NumberInput(),
        forms.HiddenInput(),
        forms.EmailInput(),
        forms.URLInput(),
        forms.PasswordInput(render_value=True),
        forms.CheckboxInput(),
        forms.Textarea(),
        forms.Textarea(attrs={"cols": 80, "rows": 3}),
    ],
    ids=lambda widget: type(widget).__name__,
)
def test_inputs_and_text_areas_are_drawn_as_djangos_templates_draw_them(widget, attrs):
    for value in [None, *AWKWARD, mark_safe("<p>safe &amp; sound</p>"), 12, True, False]:
        templated, plain = both(widget, "row-0-text", value, attrs)
        assert plain == templated, (value, attrs)


@pytest.mark.parametrize("attrs", ATTRS)
def test_menus_are_drawn_as_djangos_templates_draw_them_with_groups_and_several_choices(attrs):
    choices = [
        ("", "---------"),
        (1, "Erkin “EB” Baydarov"),
        ("<x>", lazy_text("Lazy & <odd>")),
        ("Group “A”", [(2, "Two"), (3, "Three & more")]),
        (4, mark_safe("<i>safe</i>")),
    ]
    for widget in (forms.Select(choices=choices), forms.SelectMultiple(choices=choices)):
        for value in (None, "", 1, "1", [2, "<x>"], "<x>"):
            templated, plain = both(widget, "questions-0-speaker", value, attrs)
            assert plain == templated, (type(widget).__name__, value, attrs)


def test_a_menu_of_model_instances_is_drawn_as_djangos_templates_draw_it(db):
    people = [make_person(given_name=name) for name in ("Äsel", "Bo & <Co>", "Cé")]
    field = forms.ModelChoiceField(queryset=Person.objects.all())
    templated, plain = both(field.widget, "speaker", people[1].pk)
    assert plain == templated
    assert "Bo &amp; &lt;Co&gt;" in plain


class Everything(forms.Form):
    title = forms.CharField(label="Title & “subtitle”", max_length=100, help_text="Help <b>me</b>")
    number = forms.IntegerField(label=mark_safe("<abbr>No.</abbr>"), required=False)
    ok = forms.BooleanField(label="Agreed?", required=False)
    text = forms.CharField(widget=forms.Textarea, label=lazy_text("Lazy label"))
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], label="")
    when = forms.ChoiceField(choices=[("now", "Now"), ("at", "At a time")], widget=forms.RadioSelect, label="When")
    day = forms.DateField(widget=forms.SelectDateWidget, required=False)
    many = forms.MultipleChoiceField(choices=[(1, "One")], widget=forms.CheckboxSelectMultiple, required=False)


@pytest.mark.parametrize("auto_id", ["id_%s", "", "x-%s-y"])
@pytest.mark.parametrize("data", [None, {"title": "<t>", "number": "x", "text": ""}])
def test_whole_forms_with_labels_and_error_lists_are_drawn_as_djangos_templates_draw_them(auto_id, data):
    templated = Everything(data, auto_id=auto_id, renderer=TEMPLATES)
    plain = Everything(data, auto_id=auto_id, renderer=PLAIN)
    assert str(plain) == str(templated)
    for name in Everything.base_fields:
        assert plain[name].label_tag() == templated[name].label_tag()
        assert plain[name].legend_tag(attrs={"class": "x"}) == templated[name].legend_tag(attrs={"class": "x"})
        assert str(plain[name].errors) == str(templated[name].errors)
    assert str(plain.errors) == str(templated.errors)
    assert str(plain.non_field_errors()) == str(templated.non_field_errors())


def test_the_plain_renderer_draws_the_common_templates_itself():
    assert {
        "django/forms/label.html",
        "django/forms/widgets/text.html",
        "django/forms/widgets/hidden.html",
        "django/forms/widgets/textarea.html",
        "django/forms/widgets/select.html",
        "django/forms/widgets/checkbox.html",
        "django/forms/errors/list/default.html",
    } <= set(PLAIN.drawn)


def test_a_template_an_app_overrides_is_rendered_from_the_override(tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "textarea.html").write_text('<textarea class="overridden" name="{{ widget.name }}"></textarea>')
    (tmp_path / "django" / "forms" / "attrs.html").write_text(' data-overridden="1"')

    class Overridden(PlainWidgetsRenderer):
        @property
        def engine(self):
            own = Path(django.__file__).parent / "forms" / "templates"
            return self.backend({"APP_DIRS": True, "DIRS": [tmp_path, own], "NAME": "overridden", "OPTIONS": {}})

    renderer = Overridden()
    assert "django/forms/widgets/textarea.html" not in renderer.drawn
    assert "django/forms/label.html" not in renderer.drawn  # it includes the overridden attrs.html
    assert "django/forms/widgets/text.html" in renderer.drawn
    assert (
        forms.Textarea().render("text", "x", renderer=renderer)
        == '<textarea class="overridden" name="text"></textarea>'
    )


def test_the_site_renders_its_forms_with_the_plain_renderer():
    assert isinstance(forms.Form().renderer, PlainWidgetsRenderer)


def _page(client, url):
    html = client.get(url).content.decode()
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r'(data-page=")[^"]+', r"\1", html)  # the presence beacon's page id
    return re.sub(r'(name="opened_at" value=")[^"]+', r"\1", html)


@pytest.mark.django_db
def test_the_issue_forms_in_the_admin_are_the_same_bytes_with_either_renderer(editor_client):
    issue = make_interview(questions=3, footnotes=4, status=Issue.Status.DRAFT, public_from=None)
    for url in (
        reverse("admin:briefs_issue_change", args=[issue.pk]),
        reverse("admin:briefs_issue_add"),
        reverse("admin:people_person_add"),
        reverse("admin:briefs_issue_changelist"),
    ):
        plain = _page(editor_client, url)
        with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
            templated = _page(editor_client, url)
        assert plain == templated, url
