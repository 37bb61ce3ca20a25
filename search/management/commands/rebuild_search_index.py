import time

from django.core.management.base import BaseCommand

from search.index import rebuild_index, uses_postgres


class Command(BaseCommand):
    help = (
        "Build the search index of every issue again. Edits keep it current by themselves; run this after "
        "migrating, after writes made behind the site's back (a database restore, raw SQL) and on each deployment."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rebuild_index()
        kind = "full-text search (PostgreSQL)" if uses_postgres() else "folded words (SQLite)"
        self.stdout.write(f"Indexed {count} issues for {kind} in {time.perf_counter() - started:.1f} s.")
