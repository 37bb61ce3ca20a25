from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The admin: every model's admin with its inlines, the workflow, history and import screens, and the roles."""

    name = "editorial"
    verbose_name = "Editorial"
