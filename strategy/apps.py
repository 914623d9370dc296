from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategies"

    def ready(self):
        from taggit.models import Tag, TaggedItem

        from citations.models import Citation

        from .caching import bump_content_version
        from .models import Country, CountryCitation, CountrySlugRedirect, Goal
        from .roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="strategy-roles")

        # Anything that can change a public page invalidates the page cache:
        # admin saves, imports, fixture loads and restores all send these.
        for model in (
            Country,
            Goal,
            Citation,
            Tag,
            TaggedItem,
            CountryCitation,
            CountrySlugRedirect,
        ):
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"del-{model}")
        m2m_changed.connect(
            bump_content_version, sender=Country.citations.through, dispatch_uid="bump-citations"
        )
