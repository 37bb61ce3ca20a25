from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content and accounts: installed only with DEBUG, so production has no command that makes them."""

    name = "demo"
    verbose_name = "Demo content"
