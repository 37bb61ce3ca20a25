"""A record's datestamp moves when anything its record shows changes, not only its issue's row.

A record's datestamp is the latest of its issue's ``updated_at``, its ``public_from`` and
its contributors' ``updated_at`` (``oai.records``). A record also shows its series (name,
ISSN, licence), its programme (the publisher) and its topics and places (subjects and
sets), which have no ``updated_at`` of their own: when one of them changes, the issues
that show it are marked changed in the same transaction (one UPDATE), so an incremental
harvest from before the change picks their records up again.
"""

from django.db.models.signals import post_save, pre_delete
from django.utils import timezone

from briefs.models import Issue, Place, Series, Topic
from people.models import Programme


def _touch(issues):
    issues.update(updated_at=timezone.now())


def _series_saved(sender, instance, created=False, raw=False, **kwargs):
    if not (created or raw):
        _touch(Issue.objects.filter(series=instance))


def _programme_saved(sender, instance, created=False, raw=False, **kwargs):
    if not (created or raw):
        _touch(Issue.objects.filter(series__programme=instance))


def _tag_changed(sender, instance, raw=False, **kwargs):
    """A topic or place renamed, re-addressed (its set) or deleted (before its issues lose it)."""
    if raw or instance.pk is None:
        return
    relation = "topics" if sender is Topic else "places"
    _touch(Issue.objects.filter(pk__in=Issue.objects.filter(**{relation: instance}).values("pk")))


def connect():
    post_save.connect(_series_saved, sender=Series, dispatch_uid="oai-series-saved")
    post_save.connect(_programme_saved, sender=Programme, dispatch_uid="oai-programme-saved")
    for model in (Topic, Place):
        post_save.connect(_tag_changed, sender=model, dispatch_uid=f"oai-{model.__name__}-saved")
        pre_delete.connect(_tag_changed, sender=model, dispatch_uid=f"oai-{model.__name__}-deleted")
