"""A form renderer that draws Django's plain widgets and labels in Python (``FORM_RENDERER``).

An issue with 200 questions and 500 notes has some 4,000 widgets and 2,500 labels in its admin form.
Django's renderer draws each through its templates (``input.html`` including ``attrs.html``…): 0.9 s
of the page's 1.5 s, and each row's empty error lists another 0.2 s. :class:`PlainWidgetsRenderer` is Django's own renderer
(``django.forms.renderers.DjangoTemplates``, through its public ``render()``) that writes the same
bytes for the few templates below in Python; every other template, and any of these that an app
overrides, is still rendered from its template. ``tests/common/test_form_rendering.py`` renders
widgets, labels and whole admin pages both ways and compares them byte for byte.
"""

import html
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.utils.formats import localize
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_DJANGOS_OWN = Path(django.__file__).parent / "forms" / "templates"


def _formatted(value):
    """``value|stringformat:'s'`` as a template writes it: text, escaped unless marked safe."""
    text = str(value)  # what "%s" gives for a value, and what the filter gives for a tuple
    return text if isinstance(value, SafeData) else _escape(text)


def _escape(text):
    """Django's ``escape()`` of text, without its lazy-text wrapper (called some 60,000 times for a long form)."""
    return html.escape(text)


def _attrs(attrs):
    """``django/forms/attrs.html`` (and ``widgets/attrs.html``): `` name="value"`` for each attribute."""
    if attrs is None:  # a label whose widget has no single element to point at (radio buttons)
        return ""
    return "".join(
        f" {_escape(str(name))}" if value is True else f' {_escape(str(name))}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value):
    """``{{ value }}`` for a text value; ``None`` when the value is not text (the template then draws it)."""
    if isinstance(value, (str, Promise)):
        return conditional_escape(localize(value))
    return None


def _input(widget):
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget):
    value = ""
    if widget["value"]:
        value = _text(widget["value"])
        if value is None:
            return None
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option):
    label = _text(option["label"])
    if label is None:
        return None
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{label}</option>'


_OPTION = "django/forms/widgets/select_option.html"


def _select(widget):
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            label = _text(group_name)
            if label is None:
                return None
            out.append(f'\n  <optgroup label="{label}">')
        for option in group_choices:
            drawn = _option(option) if option["template_name"] == _OPTION else None
            if drawn is None:
                return None
            out.append(f"\n  {drawn}\n")  # select_option.html ends with a new line
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _label(context):
    label = context["label"]
    if not context["use_tag"]:
        return _text(label)
    text = _text(label)
    if text is None:
        return None
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{text}</{tag}>"


def _no_errors(context):
    """An error list with no errors is empty (``errors/list/ul.html``); one with errors is drawn by its template."""
    return "" if not context["errors"] else None


def _widget(draw):
    return lambda context: draw(context["widget"])


#: Each template drawn in Python, with the templates it includes (all must be Django's own).
DRAWN = {
    "django/forms/errors/list/default.html": (_no_errors, ("django/forms/errors/list/ul.html",)),
    "django/forms/errors/list/ul.html": (_no_errors, ()),
    "django/forms/errors/dict/default.html": (_no_errors, ("django/forms/errors/dict/ul.html",)),
    "django/forms/errors/dict/ul.html": (_no_errors, ()),
    "django/forms/label.html": (_label, ("django/forms/attrs.html",)),
    "django/forms/widgets/textarea.html": (_widget(_textarea), ("django/forms/widgets/attrs.html",)),
    "django/forms/widgets/select.html": (_widget(_select), (_OPTION, "django/forms/widgets/attrs.html")),
    **{
        f"django/forms/widgets/{kind}.html": (
            _widget(_input),
            ("django/forms/widgets/input.html", "django/forms/widgets/attrs.html"),
        )
        for kind in ("input", "text", "hidden", "number", "checkbox", "email", "url", "password", "search", "tel")
    },
}


class PlainWidgetsRenderer(DjangoTemplates):
    """Django's template renderer, drawing its plain inputs, text areas, menus, labels and empty error lists in Python."""

    @cached_property
    def drawn(self):
        """The templates this renderer draws itself: those whose templates (and includes) are Django's own."""

        def djangos_own(name):
            try:
                return Path(self.get_template(name).origin.name).is_relative_to(_DJANGOS_OWN)
            except TemplateDoesNotExist:
                return False

        return {name: draw for name, (draw, includes) in DRAWN.items() if all(map(djangos_own, (name, *includes)))}

    def render(self, template_name, context, request=None):
        draw = self.drawn.get(template_name)
        if draw is not None:
            html = draw(context)
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
