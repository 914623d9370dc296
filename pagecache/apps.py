from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

# Everything a public page shows is made of these: a change to any of them
# is a change to public content.
CONTENT_MODELS = [
    "strategy.Country",
    "strategy.Goal",
    "strategy.CountryCitation",
    "strategy.CountrySlugRedirect",
    "strategy.PublishedVersion",
    "citations.Citation",
    "taggit.Tag",
    "taggit.TaggedItem",
]


class PageCacheConfig(AppConfig):
    """
    The public page cache. It reacts to changes of the content models (as
    Wagtail's ``contrib.frontend_cache`` does to page publishing): the
    content apps send their usual signals and know nothing of the cache.
    """

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from .versions import bump_content_version

        # Admin saves, imports, fixture loads and restores all send these.
        for label in CONTENT_MODELS:
            model = self.apps.get_model(label)
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{label}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"del-{label}")
        citations = self.apps.get_model("strategy.Country").citations.through
        m2m_changed.connect(bump_content_version, sender=citations, dispatch_uid="bump-cites")
        # A link check that changes what a reference shows (found dead, an
        # archived copy found); checks that change nothing there leave pages be.
        from citations.signals import link_shown_changed

        link_shown_changed.connect(bump_content_version, dispatch_uid="bump-link-shown")
