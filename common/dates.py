"""How a moment reads in messages to editors: "6 December 2026, 09:06", in the site's time zone."""

from django.utils import timezone
from django.utils.dateformat import format as date_format


def moment_text(moment):
    """``6 December 2026, 09:06`` (the site's time zone), or "" for no moment."""
    return date_format(timezone.localtime(moment), "j F Y, H:i") if moment else ""
