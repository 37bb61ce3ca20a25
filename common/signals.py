"""Signals shared by several apps.

Bulk writes send no model signals. These two let whatever follows content writes
(the content version in ``sitecache``, the search index in ``search``) follow
bulk writes too; ``sitecache.versioning.ContentQuerySet``, which every content
model's manager uses, sends them:

``pre_queryset_update``: before ``update(**values)``, while ``queryset`` still
selects the rows it is about to change (the update may change what it selects).
``bulk_update()`` sends it too: Django makes it an ``update()`` of this queryset.

``post_bulk_create``: after ``bulk_create()``, with the created ``objs``.
"""

from django.dispatch import Signal

pre_queryset_update = Signal()
post_bulk_create = Signal()
