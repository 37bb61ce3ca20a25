from django import template

from richtext.fields import sanitize

register = template.Library()


@register.filter
def rich(html, kind="prose"):
    """Editor HTML, cleaned by the sanitiser and only then marked safe."""
    return sanitize(html, kind)
