import pycountry
import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from citations.footnotes import find_markers, rename_marker, validate_markers
from citations.models import Citation
from editing.fields import EditVersionField
from web.addresses import page_address

# The longest text a vision, conclusion or goal may have. Far more than any
# strategy writes in one (Mexico's vision is under a thousand characters), and
# short enough that rendering the strangest Markdown stays quick.
MAX_TEXT_LENGTH = 10_000
validate_text_length = MaxLengthValidator(MAX_TEXT_LENGTH)


def markdown_help(example_key="british-embassy-mexico-city-2018"):
    """The help under a text field; the admin gives it a key the atlas has."""
    return (
        "Markdown. Cite a source with a footnote marker: <code>[^key]</code>, where "
        f"<em>key</em> is the citation's key, e.g. <code>[^{escape(example_key)}]</code>. "
        "HTML is not allowed and is shown as typed."
    )


MARKDOWN_HELP = markdown_help()


def validate_iso_code(value):
    if value and pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(
            "“%(value)s” is not an ISO 3166-1 alpha-2 country code.",
            code="invalid_iso_code",
            params={"value": value},
        )


def may_preview(user):
    """Whether ``user`` sees drafts (and working drafts) at a country's own address."""
    return user.is_staff and user.has_perm("strategy.change_country")


def _who(verbose_name):
    """A field naming the editor who did something to a draft (kept if they leave)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class CountryQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Every public view, list and export uses this."""
        return self.filter(status=Country.Status.PUBLISHED, draft_of=None)

    def visible_to(self, user):
        """
        What ``user`` may see at a country's own address: what the public may
        see, and drafts too (as a preview) for staff who can edit countries.
        Lists, themes, sources, the API and the downloads use ``published()`` for everyone.
        """
        if may_preview(user):
            return self.filter(draft_of=None)
        return self.published()


class CountryManager(models.Manager.from_queryset(CountryQuerySet)):
    """
    The countries themselves, without the working drafts of published ones
    (``strategy.drafts``): those are reached through their country
    (``country.working_draft``) or ``Country.with_drafts``.
    """

    def get_queryset(self):
        return super().get_queryset().filter(draft_of=None)


# Goal themes are django-taggit tags, stored as TaggedItem rows; a country's
# revisions hold them (through Goal.tagged_items) so a restore brings back
# exactly the themes each goal had. The Tag rows themselves are shared by all
# countries and are not restored.
if not reversion.is_registered(TaggedItem):
    reversion.register(TaggedItem)


class Country(models.Model):
    """
    A country's national AI strategy, as published on its profile page.

    Every admin save, publish, unpublish and import is kept as a
    django-reversion revision holding the country, its goals and their
    themes (see ``strategy.revisions``). ``citations`` is left out of the
    revisions: it is worked out again from the text after a restore.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class ReviewState(models.TextChoices):
        EDITING = "", _("Being edited")
        SUBMITTED = "submitted", _("Awaiting review")
        SENT_BACK = "sent-back", _("Sent back")

    class Region(models.TextChoices):
        EAST_ASIA_PACIFIC = "east-asia-pacific", _("East Asia and Pacific")
        EUROPE_CENTRAL_ASIA = "europe-central-asia", _("Europe and Central Asia")
        LATIN_AMERICA_CARIBBEAN = "latin-america-caribbean", _("Latin America and the Caribbean")
        MIDDLE_EAST_NORTH_AFRICA = "middle-east-north-africa", _("Middle East and North Africa")
        NORTH_AMERICA = "north-america", _("North America")
        SOUTH_ASIA = "south-asia", _("South Asia")
        SUB_SAHARAN_AFRICA = "sub-saharan-africa", _("Sub-Saharan Africa")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        help_text=(
            "The page address: <code>/countries/&lt;slug&gt;/</code>. Lowercase letters, "
            "numbers and hyphens."
        ),
    )
    iso_code = models.CharField(
        _("ISO code"),
        max_length=2,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}$", "Two capital letters, e.g. MX."),
            validate_iso_code,
        ],
        help_text="ISO 3166-1 alpha-2 code in capitals, e.g. MX. Leave blank if unsure.",
    )
    region = models.CharField(
        _("region"), max_length=40, choices=Region, blank=True, help_text="World Bank region."
    )
    vision = models.TextField(
        _("vision"),
        validators=[validate_text_length],
        help_text="The strategy's overall aim, a paragraph or two. " + MARKDOWN_HELP,
    )
    conclusion = models.TextField(
        _("conclusion"),
        blank=True,
        validators=[validate_text_length],
        help_text="Closing summary. " + MARKDOWN_HELP,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text=(
            "Only published countries are shown on the public site; staff who can edit "
            "countries see a draft at its address with a “Draft” banner. Changing the "
            "status needs the “publish” permission (Country managers)."
        ),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    last_published_change = models.DateTimeField(
        _("last public change"),
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Shown as “Last updated” on the country page: when what the public sees last "
            "changed (a change saved while published, or publishing). Edits to a draft "
            "do not move it."
        ),
    )
    citations = models.ManyToManyField(
        Citation,
        through="CountryCitation",
        verbose_name=_("cited sources"),
        related_name="countries",
        blank=True,
        editable=False,
        help_text="Kept in step with the footnote markers in the country's text.",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = EditVersionField(
        _("version"), help_text="Changes on every save; spots edit conflicts."
    )

    # A published country's changes are made on a working draft: a second row
    # of this table pointing at it (``strategy.drafts``). The fields below are
    # the draft's (or, for a country never published, its own) editorial state.
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="working_draft",
        verbose_name=_("working draft of"),
    )
    draft_edited = models.BooleanField(_("draft edited"), default=False, editable=False)
    # Who last saved this working draft (its saves are not revisions), for
    # the edit-conflict message (``editing.history.describe_change``).
    last_saved_by = _who(_("last saved by"))
    based_on_version = models.PositiveBigIntegerField(
        _("made from version"), null=True, blank=True, editable=False
    )
    change_summary = models.CharField(
        _("summary of the change"),
        max_length=300,
        blank=True,
        help_text=(
            "One line for the country's public change log, e.g. “Goal 3 updated with the "
            "2024 budget.” Shown once the change is published."
        ),
    )
    review_state = models.CharField(
        _("review"),
        max_length=10,
        choices=ReviewState,
        blank=True,
        default=ReviewState.EDITING,
        editable=False,
    )
    review_comment = models.TextField(_("review comment"), blank=True, editable=False)
    submitted_by = _who(_("submitted by"))
    go_live_at = models.DateTimeField(
        _("go live at"),
        null=True,
        blank=True,
        editable=False,
        help_text="When ``manage.py publish_scheduled`` publishes this draft.",
    )
    go_live_waived = models.TextField(_("waived for going live"), blank=True, editable=False)
    scheduled_by = _who(_("scheduled by"))
    expire_at = models.DateTimeField(
        _("expire at"),
        null=True,
        blank=True,
        editable=False,
        help_text="When ``manage.py publish_scheduled`` unpublishes this country.",
    )

    objects = CountryManager()
    # Every row, working drafts included.
    with_drafts = CountryQuerySet.as_manager()

    class Meta:
        # By English name in every language (a plain "name" would be read as
        # the active language's column, empty where not translated); lists
        # that show the translated names order by them (languages.display_order).
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        permissions = [("publish_country", "Can publish and unpublish countries")]
        # Names, slugs and ISO codes are unique among countries; a working
        # draft shares them with its country (``Country.clean`` checks them).
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(draft_of=None),
                name="country_name_unique",
                violation_error_message="Another country already has this name.",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(draft_of=None),
                name="country_slug_unique",
                violation_error_message="Another country already has this slug.",
            ),
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=~models.Q(iso_code="") & models.Q(draft_of=None),
                name="country_iso_code_unique_when_set",
                violation_error_message="Another country already has this ISO code.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="country_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The plain columns hold English, whatever language is active (strategy.translation).
        _english_from_plain_columns(self)
        with translation.override(settings.LANGUAGE_CODE):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_address("strategy:country_detail", slug=self.slug)

    def get_region_display(self):
        # Django's own looks the value up in the choices made hashable again
        # on every call, which a list of countries pays once a row.
        return str(REGION_LABELS.get(self.region, self.region))

    def clean_fields(self, exclude=None):
        # The English column is the plain field's text, checked as that (once).
        with translation.override(settings.LANGUAGE_CODE):
            super().clean_fields(exclude=_with_english_columns(self, exclude))

    def clean(self):
        from . import languages

        errors = self._clash_with_other_countries()
        for code in languages.codes():
            texts = {
                languages.form_field(name, code): getattr(self, languages.column(name, code)) or ""
                for name in ("vision", "conclusion")
            }
            known = _known_keys(*texts.values())
            for field_name, text in texts.items():
                try:
                    validate_markers(text, known)
                except ValidationError as error:
                    errors[field_name] = error
        if errors:
            raise ValidationError(errors)

    def _clash_with_other_countries(self):
        """
        The name (in any language), slug or ISO code that another country
        has. (The database refuses them too; its constraints leave working
        drafts out, which share them with their country, so forms do not
        check them.)
        """
        from . import languages

        others = Country.objects.exclude(pk=self.draft_of_id or self.pk)
        checks = [
            (languages.form_field("name", code), languages.column("name", code), "name")
            for code in languages.codes()
        ]
        checks += [("slug", "slug", "slug"), ("iso_code", "iso_code", "ISO code")]
        errors = {}
        for field_name, column, label in checks:
            value = getattr(self, column)
            if value and others.filter(**{column: value}).exists():
                errors[field_name] = ValidationError(
                    f"Another country already has this {label}.", code="unique"
                )
        return errors

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_working_draft(self):
        return self.draft_of_id is not None

    @property
    def is_submitted(self):
        """Awaiting review (``strategy.review``)."""
        return self.review_state == self.ReviewState.SUBMITTED

    def cited_keys(self, goals=None):
        """
        Keys cited in the country's text, in reading order: the English text's,
        then any only a translation cites.
        """
        from . import languages

        goals = self.goals.all() if goals is None else goals
        keys = []
        for code in languages.codes():
            texts = [
                getattr(self, languages.column("vision", code)) or "",
                *(getattr(goal, languages.column("description", code)) or "" for goal in goals),
                getattr(self, languages.column("conclusion", code)) or "",
            ]
            keys += [key for key in find_markers("\n".join(texts)) if key not in keys]
        return keys

    def sync_citations(self):
        """Make ``citations`` exactly the sources its footnote markers cite."""
        self.citations.set(Citation.objects.filter(key__in=self.cited_keys()))

    def texts_with_key_renamed(self, old_key, new_key):
        """
        The country's texts, in every language, that cite ``old_key``, as they
        read with its markers renamed to ``new_key``: {"vision_en": ...,
        (goal, "description_es"): ...}.
        """
        from . import languages

        texts = {}
        for code in languages.codes():
            for field_name in ("vision", "conclusion"):
                column = languages.column(field_name, code)
                text = getattr(self, column) or ""
                if old_key in find_markers(text):
                    texts[column] = rename_marker(text, old_key, new_key)
        for goal in self.goals.order_by("position"):
            for code in languages.codes():
                column = languages.column("description", code)
                text = getattr(goal, column) or ""
                if old_key in find_markers(text):
                    texts[goal, column] = rename_marker(text, old_key, new_key)
        return texts

    def rename_marker(self, old_key, new_key):
        """
        Rewrite every footnote marker of ``old_key`` in the country's text
        (vision, goals, conclusion, in every language) as ``new_key``, and
        save. What the public reads does not change (the note numbers stay),
        so the "Last updated" date stays too; the edit version moves, so a
        form opened before is warned. Returns the places rewritten, as
        ``places_citing`` says them.
        """
        from . import languages

        places = self.places_citing(old_key)
        texts = self.texts_with_key_renamed(old_key, new_key)
        for target, text in texts.items():
            if isinstance(target, tuple):
                goal, column = target
                setattr(goal, column, text)
                goal.save(update_fields=[column, "description"])
            else:
                setattr(self, target, text)
        fields = languages.stored(["vision", "conclusion"], {"vision", "conclusion"})
        self.save(update_fields=["vision", "conclusion", *fields, "updated_at", "version"])
        return places

    def places_citing(self, key):
        """Where the text cites ``key``, as an editor would say it: "the vision", "goal 2 …"."""
        places = ["the vision"] if key in _markers_in(self, "vision") else []
        places += [
            f"goal {goal.position} “{goal.title}”"
            for goal in self.goals.order_by("position")
            if key in _markers_in(goal, "description")
        ]
        if key in _markers_in(self, "conclusion"):
            places.append("the conclusion")
        return places


def _english_from_plain_columns(obj):
    """
    A row made from data that has the plain columns only (a revision kept
    before the atlas had languages, being restored) gets its English columns
    from them, rather than saving them empty.
    """
    from . import languages

    for name in languages.translated_fields(type(obj)):
        english = languages.column(name, languages.default_language())
        plain = obj.__dict__.get(name)
        if plain and not getattr(obj, english):
            setattr(obj, english, plain)


def _with_english_columns(obj, exclude):
    from . import languages

    names = languages.translated_fields(type(obj))
    return {
        *(exclude or ()),
        *(languages.column(name, languages.default_language()) for name in names),
    }


def _markers_in(obj, field_name):
    """The footnote keys ``obj``'s ``field_name`` cites, in any language."""
    from . import languages

    return find_markers(
        "\n".join(
            getattr(obj, languages.column(field_name, code)) or "" for code in languages.codes()
        )
    )


# {region value: its label}, the labels translated when shown.
REGION_LABELS = dict(Country.Region.choices)


def give_goal_counts(countries):
    """
    Give each of ``countries`` its number of goals (``goal_count``), in one
    query: for a page of a list, where counting in the list's own query
    would count for every country, and again for the paginator's count.
    """
    counts = dict(
        Goal.objects.filter(country__in=countries)
        .order_by()
        .values_list("country")
        .annotate(count=models.Count("pk"))
    )
    for country in countries:
        country.goal_count = counts.get(country.pk, 0)


class CountryCitation(models.Model):
    """
    That a country's text cites a source: the rows of ``Country.citations``.
    A source that is still cited cannot be deleted (``PROTECT``).
    """

    country = models.ForeignKey(Country, on_delete=models.CASCADE, verbose_name=_("country"))
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, verbose_name=_("citation"))

    class Meta:
        # The table Django made for the plain many-to-many field, kept as it was.
        db_table = "strategy_country_citations"
        unique_together = [("country", "citation")]
        verbose_name = _("citing country")
        verbose_name_plural = _("citing countries")

    def __str__(self):
        key = self.citation.key
        places = self.country.places_citing(key)
        where = f" in {_join(places)}" if places else ""
        draft = "" if self.country.is_published else " (draft)"
        return f"{self.country}{draft} cites [^{key}]{where}"


def _join(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class CountrySlugRedirectQuerySet(models.QuerySet):
    def record_slug_change(self, country, previous_slug, *, was_public=True):
        """
        Keep ``previous_slug`` leading to ``country`` after its slug changed,
        if the country had been published under it (``was_public``: a slug a
        country had only as a draft was never a public address), and drop any
        old address equal to its current slug: a live country's address is
        never shadowed by an old one.
        """
        self.filter(old_slug=country.slug).delete()
        if was_public and previous_slug and previous_slug != country.slug:
            self.update_or_create(old_slug=previous_slug, defaults={"country": country})


class CountrySlugRedirect(models.Model):
    """
    A country's former slug. ``/countries/<old_slug>/`` answers with a
    permanent redirect to the country's current address, however many times
    it has been renamed since (the redirect points at the country, not at a
    slug).
    """

    old_slug = models.SlugField(_("old slug"), max_length=100, unique=True)
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("country")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CountrySlugRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_slug"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return f"/countries/{self.old_slug}/ → {self.country}"


def _known_keys(*texts):
    keys = find_markers("\n".join(text or "" for text in texts))
    return set(Citation.objects.filter(key__in=keys).values_list("key", flat=True))


# Goals are parked this far above their positions while they are renumbered.
PARKING_OFFSET = 100_000


class GoalQuerySet(models.QuerySet):
    def published(self):
        """Goals of published countries: what the public may see."""
        return self.filter(country__in=Country.objects.published())

    def park(self):
        """
        Move the goals out of the way, to positions above any an editor gives
        (``PARKING_OFFSET`` up), so that goals can be renumbered one by one, two
        swapping places included, without meeting the unique constraint.
        """
        return self.update(position=models.F("position") + PARKING_OFFSET)

    def with_themes(self):
        """Goals with their themes loaded in one query, for ``Goal.themes``."""
        items = TaggedItem.objects.select_related("tag").order_by("tag__name")
        return self.prefetch_related(
            models.Prefetch("tagged_items", queryset=items, to_attr="theme_items")
        )


class Goal(models.Model):
    """One strategic goal of a country's strategy."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="goals", verbose_name=_("country")
    )
    position = models.PositiveIntegerField(
        _("position"),
        validators=[MaxValueValidator(9999)],
        help_text="Order on the page: 1 comes first.",
    )
    title = models.CharField(
        _("title"), max_length=200, help_text="A short heading for the goal, in a few words."
    )
    title_suggested = models.BooleanField(
        _("title only suggested"),
        default=False,
        help_text=(
            "Set when the import made the title from the goal's first words. Untick it "
            "(or change the title) once the title is right: a country cannot be published "
            "with suggested titles unless a Country manager waives it."
        ),
    )
    description = models.TextField(
        _("description"), validators=[validate_text_length], help_text=MARKDOWN_HELP
    )
    tags = TaggableManager(
        _("themes"),
        blank=True,
        help_text="Themes this goal is about, separated by commas, e.g. “health, education”.",
    )
    # The rows behind ``tags``, so that revisions hold (and restore) them.
    tagged_items = GenericRelation(TaggedItem)
    # In a working draft (``strategy.drafts``): the published goal this one is
    # the draft of; None for a goal the draft adds, and for published goals.
    origin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("draft of goal"),
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["country", "position"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "position"],
                name="goal_position_unique_per_country",
                violation_error_message="Another goal of this country has this position.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The plain columns hold English, whatever language is active (strategy.translation).
        _english_from_plain_columns(self)
        with translation.override(settings.LANGUAGE_CODE):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.country.get_absolute_url()}#goal-{self.position}"

    def clean_fields(self, exclude=None):
        # The English column is the plain field's text, checked as that (once).
        with translation.override(settings.LANGUAGE_CODE):
            super().clean_fields(exclude=_with_english_columns(self, exclude))

    @property
    def themes(self):
        """The goal's themes by name; loaded with the goal by ``with_themes()``."""
        items = getattr(self, "theme_items", None)
        from . import languages
        from .themes import with_addresses

        tags = list(self.tags.all() if items is None else [item.tag for item in items])
        for tag in tags:
            # A name not yet translated is shown in English: the page marks it so.
            name = languages.text(tag, "name")
            tag.shown_lang = name.lang if name.fallback else ""
        # In the order of the names as the page's language shows them.
        return with_addresses(sorted(tags, key=lambda tag: ((tag.name or "").casefold(), tag.slug)))

    def clean(self):
        from . import languages

        errors = {}
        for code in languages.codes():
            text = getattr(self, languages.column("description", code)) or ""
            try:
                validate_markers(text, _known_keys(text))
            except ValidationError as error:
                errors[languages.form_field("description", code)] = error
        if errors:
            raise ValidationError(errors)


class PublishedVersion(models.Model):
    """
    One published version of a country's page, for its public change log
    and its permanent address ``/countries/<slug>/versions/<number>/``: the
    page's content as it was published (``content``, as
    ``strategy.versions.content_of`` writes it), when, and the editor's
    summary. Written by ``publishing`` whenever what the public reads
    changes; drafts never have one.
    """

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="versions", verbose_name=_("country")
    )
    number = models.PositiveIntegerField(_("number"))
    published_at = models.DateTimeField(_("published"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    content = models.JSONField(_("content"))

    class Meta:
        ordering = ["country", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "number"], name="published_version_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.country}, version {self.number}"

    def get_absolute_url(self):
        return reverse(
            "strategy:country_version", kwargs={"slug": self.country.slug, "number": self.number}
        )

    @property
    def shown_summary(self):
        """The summary as the public reads it: the default ones in the page's language."""
        defaults = {"First published.": _("First published."), "Published.": _("Published.")}
        return defaults.get(self.summary, self.summary)
