"""The mail backend of a production site that was given no mail server."""

from django.core.mail.backends.base import BaseEmailBackend


class NotConfigured(Exception):
    pass


class NoEmailBackend(BaseEmailBackend):
    """Refuses every mail with what to set: a site without a mail server says so rather than sending nowhere."""

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        raise NotConfigured("No mail server is configured: set EMAIL_URL (or EMAIL_HOST) on the server.")
