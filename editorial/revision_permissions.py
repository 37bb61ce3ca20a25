"""Who may revert or recover a revision: every history admin's revert and recover pages check it first.

django-reversion's ``VersionAdmin`` finds the version of a revert page
(``<id>/history/<version>/``) by its key and object id only, of any model, and
its recover page (``recover/<version>/``) by its key alone; either then reverts
the version's whole revision: it writes back every object the revision holds,
re-creates those deleted since, and deletes the objects they follow now that the
revision did not hold (a series' terms added since, a person's fellowships),
with whatever their deletion takes along. The admin then checks only the change
permission on the object in the address.

:class:`CheckedVersionAdmin`, the base of every history admin of the project,
checks first, for the page (GET) and for the revert (POST) alike:

- the version is one of the model and object in the address (on the recover
  page: the last version of a deleted object of the model); otherwise 404;
- the user may make every change the revert would make, as the admin
  registered for each object's model says (``has_change_permission(request,
  obj)`` per object written, ``has_add_permission`` per model of an object
  re-created, ``has_delete_permission(request, obj)`` per object deleted); for a
  model with no admin of its own (about sections, an issue's parts), the
  model's permission. Otherwise 403, and nothing has changed.

``IssueHistoryAdmin`` restores and recovers issues with services of its own
(``briefs.revisions``) and says what those change (:meth:`revert_plan`,
:meth:`recover_plan`).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import router
from django.http import Http404
from reversion.admin import VersionAdmin
from reversion.models import Version

from common.reversion_follow import NotRegisteredHere, followed_objects


@dataclass(frozen=True)
class RevertPlan:
    """What a revert or a recovery would write: objects it changes, models of objects it creates, objects it deletes.

    ``deleted`` holds what the revert deletes itself; what their deletion takes
    along (cascades) is added when the plan is checked.
    """

    changed: tuple = ()
    created: tuple = ()
    deleted: tuple = ()


def revert_plan(revision):
    """What django-reversion's ``revision.revert(delete=True)`` would do now.

    Raises :class:`~common.reversion_follow.NotRegisteredHere` when the revision
    holds a model whose follow relations are unknown (so what it would delete is).
    """
    changed, created = [], []
    for version in revision.version_set.select_related("content_type").order_by("pk"):
        model = version.content_type.model_class()
        if model is None:
            raise NotRegisteredHere(f"Version {version.pk} is of a model that no longer exists.")
        obj = model._default_manager.using(version.db).filter(pk=version.object_id).first()
        if obj is None:
            created.append(model)
        else:
            changed.append(obj)
    kept = set(changed)
    deleted = {followed for obj in changed for followed in followed_objects(obj)} - kept
    return RevertPlan(changed=tuple(changed), created=tuple(dict.fromkeys(created)), deleted=tuple(deleted))


def with_what_their_deletion_takes_along(objs):
    """``objs`` and every object their deletion would delete with them (``on_delete=CASCADE``)."""
    by_model = defaultdict(list)
    for obj in objs:
        by_model[type(obj)].append(obj)
    found = []
    for model, group in by_model.items():
        collector = NestedObjects(using=router.db_for_write(model))
        collector.collect(group)
        for collected_model, instances in collector.data.items():
            # Rows of a many-to-many table go with the object they belong to.
            if not collected_model._meta.auto_created:
                found.extend(instances)
    return found


def may(request, admin_site, action, model, obj=None):
    """Whether the user may ``action`` ("add", "change", "delete") ``obj`` (of ``model``), as its admin says.

    A model with no admin of its own (edited inline only) is checked against the
    model's permission, as an inline checks it.
    """
    if admin_site.is_registered(model):
        model_admin = admin_site.get_model_admin(model)
        if action == "add":
            return model_admin.has_add_permission(request)
        return getattr(model_admin, f"has_{action}_permission")(request, obj)
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def refused_changes(request, admin_site, plan):
    """The changes of ``plan`` the user may not make, as “change Series 1”, “delete about section …”."""
    checks = [
        *(("change", type(obj), obj) for obj in plan.changed),
        *(("add", model, None) for model in plan.created),
        *(("delete", type(obj), obj) for obj in with_what_their_deletion_takes_along(plan.deleted)),
    ]
    return [
        f"{action} {model._meta.verbose_name}" + (f" “{obj}”" if obj is not None else "")
        for action, model, obj in checks
        if not may(request, admin_site, action, model, obj)
    ]


class CheckedVersionAdmin(VersionAdmin):
    """``VersionAdmin`` whose revert and recover pages first check the address and the user's permissions."""

    def version_in_address(self, object_id, version_id):
        """The version ``version_id`` of this admin's model and the object ``object_id``; 404 if it is not one."""
        version = (
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .select_related("revision")
            .filter(pk=version_id)
            .first()
        )
        if version is None:
            raise Http404("No such revision of this object.")
        return version

    def deleted_version(self, version_id):
        """The last version of a deleted object of this admin's model, ``version_id``; 404 if it is not one."""
        version = Version.objects.get_deleted(self.model).select_related("revision").filter(pk=version_id).first()
        if version is None:
            raise Http404("No such deleted object.")
        return version

    def revert_plan(self, version):
        """What reverting to ``version`` would change: here, django-reversion's revert of its whole revision."""
        return revert_plan(version.revision)

    def recover_plan(self, version):
        """What recovering the deleted object of ``version`` would change: the same revert."""
        return revert_plan(version.revision)

    def check_may_make(self, request, plan_for, version):
        """403 unless the user may make every change ``plan_for(version)`` says."""
        try:
            refused = refused_changes(request, self.admin_site, plan_for(version))
        except NotRegisteredHere as unknown:
            raise PermissionDenied(f"What this revision would change cannot be told: {unknown}") from unknown
        if refused:
            raise PermissionDenied("This revision would " + "; ".join(refused) + ", which you may not.")

    def revert_refusal(self, request, object_id, version):
        """A response refusing a revert the user may make but a rule forbids, or None."""
        return None

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = self.version_in_address(object_id, version_id)
        self.check_may_make(request, self.revert_plan, version)
        refusal = self.revert_refusal(request, object_id, version)
        if refusal is not None:
            return refusal
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = self.deleted_version(version_id)
        self.check_may_make(request, self.recover_plan, version)
        return super().recover_view(request, version_id, extra_context)
