from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """The printed brief: its PDF layout, the builds that follow every change, and where PDFs are kept."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "printing"
    verbose_name = "Printed PDFs"

    def ready(self):
        from printing import draft_pdfs, pdf_files

        pdf_files.connect()
        draft_pdfs.connect()
