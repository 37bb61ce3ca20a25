"""The editorial roles: three groups and exactly the permissions each one holds.

:func:`ensure_roles` creates the groups or brings them back to these
permissions, removing any other a group was given by hand; running it again
changes nothing. It lives in ``briefs`` because it needs the permissions of
both apps (``people`` imports nothing from ``briefs``).

Who may do what:

- **Editor-in-chief**: every permission of ``briefs``, ``people``, ``crossref``, ``newsletter``
  and ``readership``, so every workflow step (submit, approve, publish, withdraw, restore), the
  fellows import, depositing issues with Crossref again, announcing a correction to
  subscribers, finding and deleting a subscriber's address when they ask, and the readership figures.
- **Editor**: writes issues (with their contributors, questions, footnotes and
  corrections, topics and places) and people, and submits issues for review; sees the series, their
  about sections and editorial teams, the Crossref deposits, each issue's newsletter mails
  with the subscriber counts (not the addresses), and the readership figures. Cannot approve, publish,
  withdraw or restore.
- **Programme staff**: people, organisations, programmes and fellowships, and
  the fellows import. Nothing of ``briefs``.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q

EDITOR_IN_CHIEF = "Editor-in-chief"
EDITOR = "Editor"
PROGRAMME_STAFF = "Programme staff"


def _crud(app_label, *models, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


#: Each role: the apps all of whose permissions it holds, and single permissions
#: (``"app_label.codename"``) on top of those.
ROLES = {
    EDITOR_IN_CHIEF: {"apps": ["briefs", "people", "crossref", "newsletter", "readership"], "permissions": []},
    EDITOR: {
        "apps": [],
        "permissions": [
            *_crud("briefs", "issue", "contribution", "question", "footnote", "correction"),
            "briefs.submit_issue",
            # Tags issues; deleting a topic or place untags every issue, so that is the chief's.
            *_crud("briefs", "topic", "place", actions=["add", "change", "view"]),
            *_crud("briefs", "series", "aboutsection", "editorialmembership", actions=["view"]),
            *_crud("people", "person", actions=["add", "change", "view"]),
            # What Crossref answered for each issue's DOI; deposits are made by the workflow, never by hand.
            "crossref.view_deposit",
            # Each issue's mails to subscribers and the subscriber counts; not the addresses.
            "newsletter.view_mailing",
            # Views and downloads of each issue (the Readership page, each issue's chart, the CSV exports).
            "readership.view_dailycount",
        ],
    },
    # Every model of people (persons, organisations, programmes, fellowships)
    # and the fellows import (people.import_fellows).
    PROGRAMME_STAFF: {"apps": ["people"], "permissions": []},
}


@dataclass(frozen=True)
class RoleChange:
    name: str
    created: bool
    added: tuple
    removed: tuple
    count: int

    def __str__(self):
        if self.created:
            return f"{self.name}: created with {self.count} permissions"
        if not (self.added or self.removed):
            return f"{self.name}: up to date ({self.count} permissions)"
        parts = [f"added {', '.join(self.added)}"] if self.added else []
        parts += [f"removed {', '.join(self.removed)}"] if self.removed else []
        return f"{self.name}: {'; '.join(parts)} ({self.count} permissions)"


def role_permissions(name):
    """The permissions the role ``name`` must hold, as a queryset."""
    role = ROLES[name]
    wanted = [tuple(p.split(".")) for p in role["permissions"]]
    query = Q(content_type__app_label__in=role["apps"])
    for app_label, codename in wanted:
        query |= Q(content_type__app_label=app_label, codename=codename)
    permissions = Permission.objects.filter(query).select_related("content_type")
    found = set(permissions.values_list("content_type__app_label", "codename"))
    missing = [".".join(p) for p in wanted if p not in found]
    if missing:
        # A renamed model or a typo here must not quietly give a role less.
        raise ImproperlyConfigured(f"The role “{name}” names permissions that do not exist: {', '.join(missing)}.")
    return permissions


def ensure_roles():
    """Create or update the groups of :data:`ROLES`; returns a :class:`RoleChange` per role."""
    # Permissions are made after migrate; make them now in case it has not run
    # since a model or a permission was added.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    changes = []
    with transaction.atomic():
        for name in ROLES:
            group, created = Group.objects.get_or_create(name=name)
            wanted = set(role_permissions(name))
            held = set(group.permissions.select_related("content_type"))
            group.permissions.set(wanted)
            changes.append(
                RoleChange(
                    name,
                    created,
                    () if created else _labels(wanted - held),
                    _labels(held - wanted),
                    len(wanted),
                )
            )
    return changes


def _labels(permissions):
    return tuple(sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions))
