"""Print what an issue's page and citation files tell indexers and reference managers.

    python manage.py show_citations                      # No. 6 of EUCACIS in Brief
    python manage.py show_citations --series eucacis-in-brief --number 6 --site-url https://briefs.example.org

The meta tags and JSON-LD are read back from the page's ``<head>`` with lxml, as
a crawler reads them; then the citations in each style, the BibTeX and the RIS.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.html import strip_tags
from lxml import html as lxml_html

from briefs.document import issue_document
from briefs.models import Issue
from reader.citations import bibtex, csl_item, formatted_citations, ris
from reader.links import issue_links
from reader.metadata import page_metadata


class Command(BaseCommand):
    help = "Print an issue's meta tags, JSON-LD, citations (APA, Chicago, Harvard), BibTeX and RIS."

    def add_arguments(self, parser):
        parser.add_argument("--series", default="eucacis-in-brief", help="the series' web address (slug)")
        parser.add_argument("--number", type=int, default=6)
        parser.add_argument(
            "--site-url",
            default="",
            help="the site's address for absolute links (default: SITE_URL, else http://127.0.0.1:8000)",
        )

    def handle(self, *args, series, number, site_url, **options):
        issue = (
            Issue.objects.originals()
            .select_related("series__programme")
            .filter(series__slug=series, number=number)
            .first()
        )
        if issue is None:
            raise CommandError(
                f"No issue No. {number} in the series “{series}” (python manage.py load_demo loads No. 6)."
            )
        document = issue_document(issue)
        links = issue_links(document, (site_url or settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/"))
        metadata = page_metadata(document, links)
        head = lxml_html.fromstring(f"<html><head>{metadata.head}</head></html>").find("head")
        write = self.stdout.write

        write(f"== {document.subject}: {document.title}\n")
        write(f"canonical: {metadata.canonical}")
        write(f"description: {metadata.description}\n")
        write("== Meta tags (as lxml reads them)")
        for element in head.xpath("meta"):
            write(f"  {element.get('name') or element.get('property')} = {element.get('content')}")
        write("\n== JSON-LD")
        (script,) = head.xpath("script[@type='application/ld+json']")
        write(json.dumps(json.loads(script.text), ensure_ascii=False, indent=2))
        write("\n== Cite this")
        for citation in formatted_citations(csl_item(document, links)):
            write(f"{citation.label}:\n  {strip_tags(citation.html).replace('&amp;', '&')}")
        write(f"\n== BibTeX ({links.bibtex})")
        write(bibtex(document, links))
        write(f"== RIS ({links.ris})")
        write(ris(document, links).replace("\r\n", "\n"))
