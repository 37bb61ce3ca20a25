"""``{% address %}``: ``{% url %}`` for the pages every reader sees, each pattern reversed once (common.reversing)."""

from django import template

from common.reversing import url_for

register = template.Library()


@register.simple_tag
def address(name, /, *args, **kwargs):
    """``{% address 'reader:issue_pdf' doc.series_slug doc.number %}``: the same address as ``{% url %}`` gives."""
    return url_for(name, *args, **kwargs)
