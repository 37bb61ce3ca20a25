"""Moving a published issue in tests, as publishing a change to it does (``briefs.addresses``)."""

import copy

from django.db import transaction

from briefs.addresses import remember_address
from briefs.models import Issue


def move(issue, **fields):
    """Write a new address (``series``, ``number``, ``slug``) to the issue's row and remember the old one.

    In one transaction, the new address first: as the code that publishes a change
    to a live issue does. Returns the former address kept, or None; ``issue`` is
    read again.
    """
    was = copy.copy(issue)
    with transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(**fields)
        kept = remember_address(was)
    issue.refresh_from_db()
    return kept
