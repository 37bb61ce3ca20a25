from django.apps import AppConfig


class BriefsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "briefs"
    verbose_name = "Series and issues"

    def ready(self):
        from briefs import front_matter, pdf_files, revisions, search  # noqa: F401 (revisions registers the models)

        front_matter.connect()
        pdf_files.connect()
        search.connect()
