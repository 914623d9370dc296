"""
Which public country pages a change can alter: the page cache's finer keys.

A published country's page (``/countries/<slug>/``, in every language) shows
its own row, its goals and their themes, and the sources its texts cite —
nothing of any other country. So it is cached under its own *scope*,
``country:<slug>`` (``pagecache.versions``), and a change bumps the scopes
of exactly the pages it can alter, in the same transaction:

* a country (saved, deleted): its slug, and its former slug if the save
  changed it (read before the save, ``remember_previous``);
* a goal, a goal's theme (``TaggedItem``), a published version, a cited-source
  row, a former-slug redirect: their country;
* a theme (``Tag``, renamed or translated): every country with a goal on it;
* a source (``Citation``): every country that cites it, by the citation rows
  or by a marker of its key, or of its key before the save, in any of its
  texts in any language (a new source can make an unknown marker resolve,
  a renamed one unresolve); and its own scope, ``citation:<id>``, which lists
  of sources key its reference by (its link found broken or mended is a
  change to it too, ``citations.signals``).

Working drafts are never public: a change to one alters no public page.
Everything else a page can show (lists, themes, search, feeds) is keyed by
the site-wide content version, which every change bumps; the rows of lists
that show one country or one source each are kept under that country's or
source's scope (``pagecache.fragments``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from citations.models import citation_scope

from . import languages


def country_scope(slug):
    return f"country:{slug}"


def view_scope(kwargs):
    """The scope of the country page a URL's keyword arguments name."""
    return country_scope(kwargs["slug"])


def remember_previous(sender, instance, raw=False, **kwargs):
    """pre_save: note the slug (country), country (goal) or key (source) the row had before."""
    from citations.models import Citation

    from .models import Country, Goal

    if instance.pk is None:
        return
    if sender is Citation:
        instance._previous_key = (
            Citation.objects.filter(pk=instance.pk).values_list("key", flat=True).first()
        )
    elif sender is Country:
        instance._previous_slug = (
            Country.with_drafts.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )
    elif sender is Goal:
        instance._previous_country_id = (
            Goal.objects.filter(pk=instance.pk).values_list("country_id", flat=True).first()
        )


def scopes_changed_by(instance):
    """The scopes of the public pages a save or delete of ``instance`` can alter."""
    from taggit.models import Tag, TaggedItem

    from citations.models import Citation

    from .models import Country, CountryCitation, CountrySlugRedirect, Goal, PublishedVersion

    if isinstance(instance, Country):
        if instance.draft_of_id is not None:
            return set()
        slugs = {instance.slug, getattr(instance, "_previous_slug", None)}
        return {country_scope(slug) for slug in slugs if slug}
    if isinstance(instance, Goal):
        ids = {instance.country_id, getattr(instance, "_previous_country_id", None)}
        return scopes_of_countries(Q(pk__in=[pk for pk in ids if pk]))
    if isinstance(instance, PublishedVersion | CountryCitation):
        return scopes_of_countries(Q(pk=instance.country_id))
    if isinstance(instance, CountrySlugRedirect):
        return {country_scope(instance.old_slug)} | scopes_of_countries(Q(pk=instance.country_id))
    if isinstance(instance, TaggedItem):
        if instance.content_type_id != ContentType.objects.get_for_model(Goal).pk:
            return set()
        return scopes_of_countries(Q(goals__pk=instance.object_id))
    if isinstance(instance, Tag):
        goals = TaggedItem.objects.filter(
            tag_id=instance.pk, content_type=ContentType.objects.get_for_model(Goal)
        ).values("object_id")
        return scopes_of_countries(Q(goals__in=goals))
    if isinstance(instance, Citation):
        own = {citation_scope(instance.pk)} if instance.pk is not None else set()
        return own | scopes_of_countries(citing(instance))
    return set()


def citing(citation):
    """
    The countries that cite ``citation``: by their citation rows, or by a
    marker of its key (or of the key it had before this save) in any text.
    """
    cites = Q(pk__in=[]) if citation.pk is None else Q(citations=citation.pk)
    keys = {citation.key, getattr(citation, "_previous_key", None)}
    for marker in (f"[^{key}]" for key in keys if key):
        for code in languages.codes():
            for name in ("vision", "conclusion"):
                cites |= Q(**{f"{languages.column(name, code)}__contains": marker})
            cites |= Q(**{f"goals__{languages.column('description', code)}__contains": marker})
    return cites


def scopes_of_countries(condition):
    """The scopes of the (non-draft) countries matching ``condition``."""
    from .models import Country

    slugs = (
        Country.with_drafts.filter(condition, draft_of=None)
        .values_list("slug", flat=True)
        .distinct()
        .order_by()
    )
    return {country_scope(slug) for slug in slugs}
