from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

# PostgreSQL's text search configuration for the index and the queries, by
# language: its stemming with accents folded (migrations 0003 and 0004).
TEXT_SEARCH_CONFIGS = {"en": "atlas_english", "es": "atlas_spanish"}
TEXT_SEARCH_CONFIG = TEXT_SEARCH_CONFIGS["en"]


def text_search_config(code):
    """The text search configuration of language ``code`` (English's for any other)."""
    return TEXT_SEARCH_CONFIGS.get(code, TEXT_SEARCH_CONFIG)


class Document(models.Model):
    """
    One searchable thing the public can see: a published country, one of its
    goals, or a source a published country cites. Rows are written only by
    ``search.index``, in the same transaction as the change they follow, and
    rebuilt whole by ``manage.py rebuild_search_index``.

    The text to match lives in ``title``, ``context`` and ``body``. PostgreSQL
    matches ``search_vector`` (weighted, English stemming with accents folded, a GIN index); SQLite
    matches the FTS5 table ``search_document_fts`` that triggers keep in step
    with this one (migration 0001).
    """

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        GOAL = "goal", _("Goal")
        SOURCE = "source", _("Source")

    kind = models.CharField("kind", max_length=10, choices=Kind)
    country = models.ForeignKey(
        "strategy.Country", on_delete=models.CASCADE, null=True, related_name="+"
    )
    goal = models.ForeignKey("strategy.Goal", on_delete=models.CASCADE, null=True, related_name="+")
    citation = models.ForeignKey(
        "citations.Citation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    title = models.CharField("title", max_length=600)
    context = models.CharField("context", max_length=200, blank=True)
    body = models.TextField("body", blank=True)
    url = models.CharField("address", max_length=500)
    region = models.CharField("region", max_length=40, blank=True, db_index=True)
    # Each public page is indexed once per language, as it reads in that
    # language (a text not yet translated in English); a search looks in the
    # documents of the language it is made in.
    language = models.CharField("language", max_length=10, default="en", db_index=True)
    themes = models.ManyToManyField(Tag, related_name="+", blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "search_document"
        verbose_name = "search document"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
