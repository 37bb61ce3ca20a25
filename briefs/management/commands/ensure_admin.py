"""Create (or reset) a local superuser for trying the admin, and print its login."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.conf import settings
from django.db import connection


class Command(BaseCommand):
    help = "Create or reset the local development superuser and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_ADMIN_USER", "admin"))
        parser.add_argument("--password", default=os.environ.get("DEMO_ADMIN_PASSWORD", "eucacis-demo"))
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, username, password, url, **options):
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
