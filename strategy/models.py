import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag

from citations.footnotes import find_markers, validate_markers
from citations.models import Citation

MARKDOWN_HELP = (
    "Markdown. Cite a source with a footnote marker: <code>[^key]</code>, where "
    "<em>key</em> is the citation's key, e.g. <code>[^oxford-2018]</code>. "
    "HTML is not allowed and is shown as typed."
)


def validate_iso_code(value):
    if value and pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(
            "“%(value)s” is not an ISO 3166-1 alpha-2 country code.",
            code="invalid_iso_code",
            params={"value": value},
        )


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


class CountryQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Every public view, list and export uses this."""
        return self.filter(status=Country.Status.PUBLISHED)


class Country(models.Model):
    """A country's national AI strategy, as published on its profile page."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Region(models.TextChoices):
        EAST_ASIA_PACIFIC = "east-asia-pacific", "East Asia and Pacific"
        EUROPE_CENTRAL_ASIA = "europe-central-asia", "Europe and Central Asia"
        LATIN_AMERICA_CARIBBEAN = "latin-america-caribbean", "Latin America and the Caribbean"
        MIDDLE_EAST_NORTH_AFRICA = "middle-east-north-africa", "Middle East and North Africa"
        NORTH_AMERICA = "north-america", "North America"
        SOUTH_ASIA = "south-asia", "South Asia"
        SUB_SAHARAN_AFRICA = "sub-saharan-africa", "Sub-Saharan Africa"

    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField(
        "slug",
        max_length=100,
        unique=True,
        help_text="The page address: /countries/<slug>/. Lowercase letters, numbers and hyphens.",
    )
    iso_code = models.CharField(
        "ISO code",
        max_length=2,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}$", "Two capital letters, e.g. MX."),
            validate_iso_code,
        ],
        help_text="ISO 3166-1 alpha-2 code in capitals, e.g. MX. Leave blank if unsure.",
    )
    region = models.CharField(
        "region", max_length=40, choices=Region, blank=True, help_text="World Bank region."
    )
    vision = models.TextField(
        "vision", help_text="The strategy's overall aim, a paragraph or two. " + MARKDOWN_HELP
    )
    conclusion = models.TextField(
        "conclusion", blank=True, help_text="Closing summary. " + MARKDOWN_HELP
    )
    status = models.CharField(
        "status",
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only published countries are shown on the public site.",
    )
    published_at = models.DateTimeField("first published", null=True, blank=True, editable=False)
    citations = models.ManyToManyField(
        Citation,
        verbose_name="cited sources",
        related_name="countries",
        blank=True,
        editable=False,
        help_text="Kept in step with the footnote markers in the country's text.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "country"
        verbose_name_plural = "countries"
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=~models.Q(iso_code=""),
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
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("strategy:country_detail", kwargs={"slug": self.slug})

    def clean(self):
        known = _known_keys(self.vision, self.conclusion)
        errors = {}
        for field_name in ("vision", "conclusion"):
            try:
                validate_markers(getattr(self, field_name), known)
            except ValidationError as error:
                errors[field_name] = error
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def cited_keys(self, goals=None):
        """Keys cited in the country's text, in reading order."""
        goals = self.goals.all() if goals is None else goals
        texts = [self.vision, *(goal.description for goal in goals), self.conclusion]
        return find_markers("\n".join(texts))

    def sync_citations(self):
        """Make ``citations`` exactly the sources its footnote markers cite."""
        self.citations.set(Citation.objects.filter(key__in=self.cited_keys()))


def _known_keys(*texts):
    keys = find_markers("\n".join(text or "" for text in texts))
    return set(Citation.objects.filter(key__in=keys).values_list("key", flat=True))


class Goal(models.Model):
    """One strategic goal of a country's strategy."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="goals", verbose_name="country"
    )
    position = models.PositiveIntegerField(
        "position",
        validators=[MaxValueValidator(9999)],
        help_text="Order on the page: 1 comes first.",
    )
    title = models.CharField(
        "title", max_length=200, help_text="A short heading for the goal, in a few words."
    )
    description = models.TextField("description", help_text=MARKDOWN_HELP)
    tags = TaggableManager(
        "themes",
        blank=True,
        help_text="Themes this goal is about, separated by commas, e.g. “health, education”.",
    )

    class Meta:
        ordering = ["country", "position"]
        verbose_name = "goal"
        verbose_name_plural = "goals"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "position"],
                name="goal_position_unique_per_country",
                violation_error_message="Another goal of this country has this position.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.country.get_absolute_url()}#goal-{self.position}"

    def clean(self):
        try:
            validate_markers(self.description, _known_keys(self.description))
        except ValidationError as error:
            raise ValidationError({"description": error}) from None
