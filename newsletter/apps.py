from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """The newsletter: readers' subscriptions (double opt-in) and the mail sent when an issue becomes public."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from newsletter import mailings

        mailings.connect()
