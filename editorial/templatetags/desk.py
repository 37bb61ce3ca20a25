from django import template
from django.contrib import admin

from editorial.desk import desk_for

register = template.Library()


@register.inclusion_tag("admin/_desk.html", takes_context=True)
def editorial_desk(context):
    """The desk of what waits (editorial.desk), for the admin's home page."""
    return {"desk": desk_for(context["request"], admin.site)}
