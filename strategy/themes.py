"""
Themes: the django-taggit tags on goals. One home for what a theme may be
called (used by the admin's forms and by the importer), which themes the
public sees, and which have a page address.
"""

import logging
import re
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from taggit.models import Tag, TaggedItem

from pagecache.fragments import kept

from . import languages
from .models import Goal

logger = logging.getLogger(__name__)

# A theme's page address is /themes/<slug>/, its slug as django-taggit makes
# it: letters of any script, digits, hyphens and underscores (the
# ``theme_slug`` URL converter).
THEME_SLUG_PATTERN = r"[-\w]+"


def validate_theme_name(name):
    """
    A theme (a django-taggit tag) must fit its column and have an address:
    its slug is made from its letters and digits, so it needs at least one.
    """
    limit = Tag._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError(
            "Theme “%(name)s…” is too long: at most %(limit)d characters.",
            code="theme_too_long",
            params={"name": name[:30], "limit": limit},
        )
    if not Tag().slugify(name):
        raise ValidationError(
            "Theme “%(name)s” needs at least one letter or digit.",
            code="theme_without_slug",
            params={"name": name},
        )


def with_addresses(themes):
    """
    The themes (tags) that have a page address, in order. A theme without one
    cannot come from the admin or an import (``validate_theme_name``), but a
    database may hold one written there directly: it is left off the page,
    and logged, rather than failing the page.
    """
    kept = []
    for theme in themes:
        if re.fullmatch(THEME_SLUG_PATTERN, theme.slug or ""):
            kept.append(theme)
        else:
            logger.warning(
                "Theme “%s” (id %s) has no usable slug (%r); it is left off public pages. "
                "Give it a slug in the admin.",
                theme.name,
                theme.pk,
                theme.slug,
            )
    return kept


def theme_problems(names):
    """What is wrong with theme names, in the words of ``validate_theme_name``."""
    problems = []
    for name in names:
        try:
            validate_theme_name(name)
        except ValidationError as error:
            problems += error.messages
    return problems


def published_themes():
    """Themes used by at least one published goal."""
    return Tag.objects.filter(
        Exists(Goal.objects.published().filter(tags=OuterRef("pk")))
    ).order_by(languages.display_order(), "slug")


def shown_themes():
    """
    Published themes with a page address (``with_addresses``), in display
    order: a list kept under the site's version for each language, as the
    home page and the country list's filters show them.
    """
    return kept(
        f"published-themes:{languages.current()}", lambda: with_addresses(published_themes())
    )


def published_themes_with_counts():
    """
    Published themes, in display order, each with how many published goals
    use it (``goal_count``); kept under the site's version, as many pages
    show them (``pagecache.fragments.kept``), for each language (the order
    is the language's).
    """
    return kept(
        f"published-themes-with-counts:{languages.current()}", _published_themes_with_counts
    )


def _published_themes_with_counts():
    # Two queries: the count of each theme's tagged published goals, grouped
    # on django-taggit's own table (a goal has a theme at most once there, so
    # no DISTINCT is needed), then the themes counted; counting through a
    # join of themes to goals to countries costs three times as much.
    goals = ContentType.objects.get_for_model(Goal)
    counts = dict(
        TaggedItem.objects.filter(
            content_type=goals,
            object_id__in=Goal.objects.published().values("pk"),
        )
        .order_by()
        .values_list("tag_id")
        .annotate(count=Count("pk"))
        .values_list("tag_id", "count")
    )
    themes = list(
        Tag.objects.filter(pk__in=list(counts)).order_by(languages.display_order(), "slug")
    )
    for theme in themes:
        theme.goal_count = counts[theme.pk]
    return themes


# --- Suggesting themes ---------------------------------------------------------

_WORD_RE = re.compile(r"\w+")
# Words of a theme's name that say nothing alone ("data and privacy").
_THEME_FILLERS = {"and", "of", "the", "in", "for", "y", "de", "la", "el", "en", "&"}
_MAX_ENDING = 3  # letters a word of the text may add to a theme's word: "business" → "businesses"


def _words(text):
    return [word.casefold() for word in _WORD_RE.findall(text or "")]


def _word_found(word, text_words):
    if word in text_words:
        return True
    if len(word) < 4:  # "ai", "eu", "iot": whole words only
        return False
    return any(
        candidate.startswith(word) and len(candidate) - len(word) <= _MAX_ENDING
        for candidate in text_words
    ) or (word.endswith("s") and word[:-1] in text_words)


def suggest_themes(text, theme_names):
    """
    The themes among ``theme_names`` (the atlas's existing themes) that
    ``text`` speaks of: each word of the theme's name appears in the text,
    whole or with a short ending ("small business" in "small businesses").
    Nothing is invented: only existing names come back, in their order.
    """
    text_words = set(_words(re.sub(r"\[\^[^\]]*\]", " ", text or "")))
    suggested = []
    for name in theme_names:
        words = [word for word in _words(name) if word not in _THEME_FILLERS]
        if words and all(_word_found(word, text_words) for word in words):
            suggested.append(name)
    return suggested


def give_themes(goals_and_names):
    """
    For pages of goals that are not saved as they are shown (a published
    version, a preview): give each goal its themes by name, as
    ``Goal.themes`` reads them, in one query. A name no theme has (any
    more, or yet) is shown without a link.
    """
    pairs = list(goals_and_names)
    names = {name for _, goal_names in pairs for name in goal_names}
    # By English name, the name a theme is known by (strategy.translation).
    known = {tag.name_en: tag for tag in Tag.objects.filter(name_en__in=names)}
    for goal, goal_names in pairs:
        goal.theme_items = [
            SimpleNamespace(tag=known.get(name) or Tag(name_en=name, slug=Tag().slugify(name)))
            for name in sorted(goal_names)
        ]


def english_names(names):
    """
    Theme names as an editor typed them, each that is another language's name
    of an existing theme (and no theme's English name) replaced by the theme's
    English name: themes are known by their English names, so typing "salud"
    gives the goal the theme "health" rather than a second theme.
    """
    from django.db.models import Q

    if not names:
        return names
    english = Q()
    translated = Q()
    for name in names:
        english |= Q(name_en__iexact=name)
        for code in languages.other_codes():
            translated |= Q(**{f"{languages.column('name', code)}__iexact": name})
    known = {
        name.casefold() for name in Tag.objects.filter(english).values_list("name_en", flat=True)
    }
    by_translation = {}
    for tag in Tag.objects.filter(translated):
        for code in languages.other_codes():
            other = getattr(tag, languages.column("name", code))
            if other:
                by_translation.setdefault(other.casefold(), tag.name_en)
    result = []
    for name in names:
        if name.casefold() not in known and name.casefold() in by_translation:
            name = by_translation[name.casefold()]
        if name not in result:
            result.append(name)
    return result
