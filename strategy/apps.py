from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = gettext_lazy("Strategies")

    def ready(self):
        from .roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="strategy-roles")
