"""Models kept in revisions (django-reversion), registered here so that what each one follows is known.

Reverting a revision deletes the objects that the revision's objects follow now
but that the revision did not hold (a series' terms added since, a person's
fellowships). To say beforehand what a revert would delete, and so whether the
user may do it (``editorial.revision_permissions``), the follow relations must
be known; django-reversion keeps them only privately. So every model is
registered through :func:`register`, which registers it with django-reversion
and keeps its follow relations.
"""

import reversion
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

_follows = {}


class NotRegisteredHere(LookupError):
    """A model kept in revisions that was not registered through :func:`register`: what it follows is unknown."""


def register(model, *, follow=(), **options):
    """``reversion.register(model, follow=follow, **options)``, keeping ``follow``."""
    reversion.register(model, follow=follow, **options)
    _follows[model] = tuple(follow)


def follows(model):
    """The names of the relations ``model`` follows in its revisions; :class:`NotRegisteredHere` if unknown."""
    try:
        return _follows[model]
    except KeyError:
        raise NotRegisteredHere(
            f"{model._meta.label} is kept in revisions but was not registered through common.reversion_follow."
        ) from None


def followed_objects(obj):
    """``obj`` and every object its follow relations reach now, recursively: what a revision of it holds.

    The same walk as django-reversion's when it saves or reverts a revision.
    """
    found = set()
    waiting = [obj]
    while waiting:
        current = waiting.pop()
        if current in found:
            continue
        found.add(current)
        for name in follows(type(current)):
            try:
                related = getattr(current, name)
            except ObjectDoesNotExist:
                continue
            if isinstance(related, models.Model):
                waiting.append(related)
            elif isinstance(related, models.Manager | models.QuerySet):
                waiting.extend(related.all())
    return found
