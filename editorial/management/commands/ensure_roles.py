"""Create or update the editorial roles (groups) with exactly their permissions.

Safe to run on every deployment, after ``migrate``: a group that is up to date is
left alone, a permission given to a group by hand is removed. See
:mod:`editorial.roles` for who may do what.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from editorial.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the groups Editor-in-chief, Editor and Programme staff with exactly their permissions."

    def handle(self, *args, verbosity, **options):
        try:
            changes = ensure_roles()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            for change in changes:
                self.stdout.write(str(change))
