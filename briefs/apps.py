from django.apps import AppConfig


class BriefsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "briefs"
    verbose_name = "Series and issues"

    def ready(self):
        from briefs import front_matter

        front_matter.connect()
