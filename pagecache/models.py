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
