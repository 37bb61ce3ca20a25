from django.core.management.base import BaseCommand, CommandError

from briefs.models import Series
from demo.generate import generate_issues


class Command(BaseCommand):
    help = (
        "Create many published issues with generated text, people, topics and places, for benchmarks. "
        "Not for a production site: they are public at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many issues to create (1 to 100000).")
        parser.add_argument(
            "--series",
            help="The slug of an existing series to add them to; by default a series “Generated Briefs” is made.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Another seed gives other texts.")

    def handle(self, *args, count, series, seed, **options):
        if not 1 <= count <= 100_000:
            raise CommandError("The count must be between 1 and 100000.")
        target = None
        if series:
            target = Series.objects.filter(slug=series).first()
            if target is None:
                raise CommandError(f"No series has the web address “{series}”.")
        ids = generate_issues(count, series=target, seed=seed)
        self.stdout.write(f"Created {len(ids)} published issues.")
