"""Build the PDF of every published issue whose stored PDF is missing or out of date."""

from django.core.management.base import BaseCommand

from briefs.models import Issue
from briefs.pdf_files import refresh_issue_pdfs


class Command(BaseCommand):
    help = (
        "Build the PDF of every published issue whose stored PDF is missing or shows an older "
        "version (for instance after a deployment changed the print layout). Current PDFs are "
        "left alone. Run it after `migrate` when deploying."
    )

    def add_arguments(self, parser):
        parser.add_argument("--series", help="only this series (its web-address slug)")

    def handle(self, *args, series=None, **options):
        issues = Issue.objects.filter(status=Issue.Status.PUBLISHED).order_by("series__slug", "number")
        if series:
            issues = issues.filter(series__slug=series)
        results = refresh_issue_pdfs(issues)
        names = dict(issues.values_list("pk", "number"))
        for pk, result in results.items():
            self.stdout.write(f"No. {names[pk]}: {result}")
        failed = [pk for pk, result in results.items() if result == "failed"]
        counts = {r: list(results.values()).count(r) for r in ("built", "current", "failed")}
        self.stdout.write(f"{counts['built']} built, {counts['current']} already current, {counts['failed']} failed.")
        if failed:
            self.stderr.write(self.style.ERROR("Some PDFs could not be built; the log above says why."))
            raise SystemExit(1)
