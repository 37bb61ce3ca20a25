"""Start a new content version: every cached page is rendered afresh on its next request."""

from django.core.management.base import BaseCommand

from sitecache.versioning import new_state


class Command(BaseCommand):
    help = (
        "Start a new content version, so that every page in the page cache is rendered again. "
        "Run it after a deployment (new templates or code) and after restoring a database backup: "
        "neither goes through the site, so neither renews the version by itself."
    )

    def handle(self, *args, **options):
        state = new_state()
        self.stdout.write(f"New content version {state.version[:12]}; cached pages will be rendered afresh.")
