"""Where the issue form's inlines stand: each after the fieldset it names (``placed_after``)."""

from django import template

register = template.Library()


def _place(inline_admin_formset):
    return getattr(inline_admin_formset.opts, "placed_after", None)


@register.filter
def placed_after(inline_admin_formsets, fieldset):
    """The inlines whose ``placed_after`` is one of ``fieldset``'s classes, in the admin's order."""
    classes = set(fieldset.classes.split())
    return [formset for formset in inline_admin_formsets if _place(formset) in classes]


@register.filter
def unplaced(inline_admin_formsets, fieldsets):
    """The inlines placed after no fieldset of the form: they follow all of them, as Django puts every inline."""
    classes = {name for fieldset in fieldsets for name in fieldset.classes.split()}
    return [formset for formset in inline_admin_formsets if _place(formset) not in classes]
