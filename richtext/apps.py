from django.apps import AppConfig


class RichTextConfig(AppConfig):
    """Rich text shared by every app: the editor field, the sanitiser and the ``rich`` filter."""

    name = "richtext"
    verbose_name = "Rich text"
