"""Build the PDF of every published issue whose stored PDF is missing or out of date."""

from django.core.management.base import BaseCommand

from briefs.models import Issue, Series, series_front_matter_changed
from printing.models import IssuePdf
from printing.pdf_files import refresh_issue_pdfs


class Command(BaseCommand):
    help = (
        "Build the PDF of every published issue whose stored PDF is missing or shows an older "
        "version (for instance after a deployment changed the print layout). Current PDFs are "
        "left alone. Run it after `migrate` when deploying."
    )

    def add_arguments(self, parser):
        parser.add_argument("--series", help="only this series (its web-address slug)")
        parser.add_argument("--retry", action="store_true", help="build again the versions whose build failed before")
        parser.add_argument(
            "--fail-on-error", action="store_true", help="exit with status 1 if a PDF could not be built"
        )

    def handle(self, *args, series=None, retry=False, fail_on_error=False, **options):
        issues = Issue.objects.filter(status=Issue.Status.PUBLISHED).order_by("series__slug", "number")
        if series:
            issues = issues.filter(series__slug=series)
        # Every worker's cached front matter is read afresh, so that a change made
        # behind the signals' back (a queryset update) shows in PDFs and pages alike.
        series_front_matter_changed(Series.objects.values_list("pk", flat=True))
        results = refresh_issue_pdfs(issues, retry=retry)
        names = dict(issues.values_list("pk", "number"))
        for pk, result in results.items():
            self.stdout.write(f"No. {names[pk]}: {result}")
        failed = [pk for pk, result in results.items() if result == "failed"]
        counts = {r: list(results.values()).count(r) for r in ("built", "current", "failed")}
        self.stdout.write(f"{counts['built']} built, {counts['current']} already current, {counts['failed']} failed.")
        for pdf in IssuePdf.objects.filter(issue__in=failed).select_related("issue"):
            self.stderr.write(self.style.WARNING(f"No. {pdf.issue.number} could not be built: {pdf.failure}"))
        if failed and fail_on_error:
            raise SystemExit(1)
