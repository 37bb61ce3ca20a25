from django.apps import AppConfig


class OaiConfig(AppConfig):
    name = "oai"
    verbose_name = "OAI-PMH"

    def ready(self):
        from oai import datestamps

        datestamps.connect()
