from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """What every import from a file shares: checks on the upload, the text of a cell, and the stored preview."""

    name = "imports"
    verbose_name = "Imports"
