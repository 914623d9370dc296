from django.db import models
from django.utils import timezone


class ContentVersion(models.Model):
    """
    One row that counts changes to public content. Every change that can alter
    a public page bumps it (see ``pagecache.versions``); cached pages and ETags
    are keyed by it, so no server ever serves a page older than the last change.
    """

    version = models.PositiveBigIntegerField("version", default=1)
    changed_at = models.DateTimeField("changed", default=timezone.now)

    class Meta:
        # Made by the strategy app's migrations, before this app had it.
        db_table = "strategy_contentversion"
        verbose_name = "content version"

    def __str__(self):
        return f"version {self.version} of {self.changed_at:%Y-%m-%d %H:%M:%S}"


class ScopeVersion(models.Model):
    """
    The version of one part of the public content, a *scope* such as
    ``country:mexico``: bumped with the site's ``ContentVersion`` by every
    change that can alter the pages cached under that scope
    (``strategy.page_scopes``), so that a change to one country leaves every
    other country's cached page valid.
    """

    # The scope is the key: a dump loaded back (``loaddata``) lands on each
    # scope's own row, and the load counts as a change (``version_row_loaded``).
    scope = models.CharField("scope", max_length=200, primary_key=True)
    version = models.PositiveBigIntegerField("version", default=1)
    changed_at = models.DateTimeField("changed", default=timezone.now)

    class Meta:
        verbose_name = "scope version"

    def __str__(self):
        return f"{self.scope}: version {self.version} of {self.changed_at:%Y-%m-%d %H:%M:%S}"
