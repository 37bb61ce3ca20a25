"""Create (or reset) a local superuser for trying the admin, and print its login.

With ``--role-accounts`` (``make run`` passes it) it also makes one account per
editorial role (:mod:`editorial.roles`), with the same password, so that a reviewer
can try the workflow as each role.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from editorial.roles import EDITOR, EDITOR_IN_CHIEF, PROGRAMME_STAFF, ensure_roles

#: The demo account of each role: username, role.
ROLE_ACCOUNTS = [("chief", EDITOR_IN_CHIEF), ("editor", EDITOR), ("programme", PROGRAMME_STAFF)]


class Command(BaseCommand):
    help = "Create or reset the local development superuser and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_ADMIN_USER", "admin"))
        parser.add_argument("--password", default=os.environ.get("DEMO_ADMIN_PASSWORD", "eucacis-demo"))
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--role-accounts",
            action="store_true",
            help="Also create or reset one staff account per role (chief, editor, programme), same password.",
        )

    def handle(self, *args, username, password, url, role_accounts, **options):
        if not settings.DEBUG or connection.vendor != "sqlite":
            raise CommandError(
                "ensure_admin sets a known password and is for local development only "
                "(DEBUG=1 and the SQLite database). Elsewhere use: python manage.py createsuperuser"
            )
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(f"Site:  {url}/")
        self.stdout.write(f"Admin: {url}/admin/   user: {username}   password: {password}")
        if role_accounts:
            ensure_roles()
            self.stdout.write("Roles: to try the workflow, sign in to the admin as")
            for role_username, role in ROLE_ACCOUNTS:
                _role_account(role_username, role, password)
                self.stdout.write(f"       {role:<17} user: {role_username:<10} password: {password}")


def _role_account(username, role, password):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = user.is_active = True
    user.is_superuser = False
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    user.user_permissions.clear()  # the role's permissions, no more
