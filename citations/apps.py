from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CitationsConfig(AppConfig):
    name = "citations"
    verbose_name = gettext_lazy("Sources")
