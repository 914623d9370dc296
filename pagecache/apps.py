from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

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
        from .versions import bump_content_version, scopes_module, version_row_loaded

        scopes = scopes_module()
        # Admin saves, imports, fixture loads and restores all send these.
        for label in CONTENT_MODELS:
            model = self.apps.get_model(label)
            if scopes is not None:
                pre_save.connect(
                    scopes.remember_previous, sender=model, dispatch_uid=f"pre-{label}"
                )
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{label}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"del-{label}")
        for label in ("pagecache.ContentVersion", "pagecache.ScopeVersion"):
            post_save.connect(
                version_row_loaded, sender=self.apps.get_model(label), dispatch_uid=f"load-{label}"
            )
        citations = self.apps.get_model("strategy.Country").citations.through
        m2m_changed.connect(bump_content_version, sender=citations, dispatch_uid="bump-cites")
        # A link check that changes what a reference shows (found dead, an
        # archived copy found); checks that change nothing there leave pages be.
        from citations.signals import link_shown_changed

        link_shown_changed.connect(bump_for_link, dispatch_uid="bump-link-shown")


def bump_for_link(sender, citation, **signal_arguments):
    """A source's link shows otherwise: the site's pages and those citing it."""
    from .versions import bump_content_version

    bump_content_version(sender=sender, instance=citation)
