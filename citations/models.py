import re

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from editing.fields import EditVersionField
from web.addresses import page_address

from .names import display, person_parts
from .references import harvard_parts, reference_from_citation

validate_web_url = URLValidator(schemes=["http", "https"])


# A BCP 47 language tag as sources carry them: a language, then subtags.
LANGUAGE_TAG_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def citation_scope(pk):
    """
    A source's own scope (``pagecache.versions``): what shows the source
    alone, its reference in the list of sources, is kept under it. Named by
    the source's id, which a rename leaves as it is (an object loaded before
    a rename still names the scope its rows are kept under).
    ``strategy.page_scopes`` says which changes bump it.
    """
    return f"citation:{pk}"


class CitationQuerySet(models.QuerySet):
    def cited(self):
        """
        Citations that at least one published country cites: what the public
        sees. Uses the citing model's own ``published()`` rule through the
        reverse relation, so this layer imports nothing from ``strategy``.
        """
        relation = self.model._meta.get_field("countries")
        published = relation.related_model.objects.published()
        cited_ids = relation.through.objects.filter(
            **{f"{relation.field.m2m_field_name()}__in": published}
        ).values(relation.field.m2m_reverse_name())
        # One uncorrelated subquery: no DISTINCT over joined rows, no per-row probe.
        return self.filter(pk__in=cited_ids)

    def author_names(self):
        """
        The author names of these citations that hold a comma, "&" or "and",
        casefolded: an author list that spells one of them keeps it whole
        (``citations.names.read_authors``).
        """
        names = set()
        for authors in self.values_list("authors", flat=True).iterator():
            for line in authors.splitlines():
                name = " ".join(line.split())
                if "," in name or "&" in name or " and " in name:
                    names.add(name.casefold())
        return frozenset(names)


class CitationManager(models.Manager.from_queryset(CitationQuerySet)):
    def get_queryset(self):
        # Every page that shows a reference shows its link's health too: read
        # with the citation, in the same query.
        return super().get_queryset().select_related("link")


@reversion.register()
class Citation(models.Model):
    """A source that country texts cite with a footnote marker ``[^key]``."""

    class Medium(models.TextChoices):
        ONLINE = "online", "Online"
        PRINT = "print", "Print"

    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=(
            "Short identifier used in text as a footnote marker: a citation with the key "
            "<code>oxford-2018</code> is cited by writing <code>[^oxford-2018]</code>. "
            "Lowercase letters, numbers and hyphens."
        ),
    )
    authors = models.TextField(
        _("authors"),
        help_text=(
            "One author per line. A person is written “Family, Given”: “Harhoff, D.”, "
            "“Smith, Jane”, “van der Berg, A.”. Any other line is an organisation, "
            "written whole as it names itself: “Department for Science, Innovation "
            "&amp; Technology”."
        ),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2200)],
        help_text="Year of publication. Leave blank if the source gives none.",
    )
    title = models.CharField(_("title"), max_length=500)
    subtitle = models.CharField(
        _("subtitle"),
        max_length=500,
        blank=True,
        help_text="The part of the title after the colon, if any.",
    )
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    medium = models.CharField(_("medium"), max_length=10, choices=Medium, default=Medium.ONLINE)
    url = models.URLField(
        _("URL"),
        max_length=1000,
        blank=True,
        validators=[validate_web_url],
        help_text="Where a reader can find the source (http or https).",
    )
    accessed_on = models.DateField(
        _("accessed on"),
        null=True,
        blank=True,
        help_text="When the URL was last checked.",
    )
    archive_url = models.URLField(
        _("archived copy"),
        max_length=1000,
        blank=True,
        validators=[validate_web_url],
        help_text=(
            "An archived copy of the source (e.g. on the Wayback Machine), shown to readers "
            "when the URL is found broken. Left blank, the link checker looks for one."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=20,
        blank=True,
        help_text="Language of the source as a code, e.g. “en” or “es”.",
    )
    source_label = models.CharField(
        _("source footnote"),
        max_length=20,
        blank=True,
        help_text="The footnote number this source had in the original report, e.g. “30”.",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = EditVersionField(
        _("version"), help_text="Changes on every save; spots edit conflicts."
    )

    objects = CitationManager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1800, year__lte=2200),
                name="citation_year_plausible",
            ),
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.author_display}{year}. {self.full_title}"

    def get_absolute_url(self):
        return page_address("citations:detail", key=self.key)

    @property
    def author_list(self):
        """The authors as a list, one person or organisation each."""
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def author_display(self):
        """The authors as a reader writes them: "A, B and C"."""
        return display(self.author_list)

    @property
    def author_entries(self):
        """
        Each author as ``{"name", "kind", "family", "given"}``, a person or an
        organisation by the rule of ``citations.names``.
        """
        entries = []
        for name in self.author_list:
            person = person_parts(name)
            family, given = person or ("", "")
            kind = "organisation" if person is None else "person"
            entries.append({"name": name, "kind": kind, "family": family, "given": given})
        return entries

    @property
    def link_url(self):
        """
        The URL when it is a valid http(s) address, else "". Pages make only this
        a link, so a URL that reached the database without validation (say a
        ``javascript:`` one written by a script) is shown as text, never followed.
        """
        try:
            validate_web_url(self.url)
        except ValidationError:
            return ""
        return self.url

    @property
    def html_lang(self):
        """
        The source's language for a ``lang`` attribute where its title is
        shown, when it is not the pages' English and reads as a language tag
        ("es", "pt-BR"); else "". A code that is no tag is left off rather
        than given to screen readers.
        """
        code = self.language.strip()
        if not LANGUAGE_TAG_RE.fullmatch(code) or code.lower().split("-")[0] == "en":
            return ""
        return code

    @property
    def full_title(self):
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def harvard_parts(self):
        """The reference in Harvard style, in parts, for ``includes/reference.html``."""
        return harvard_parts(reference_from_citation(self), self.author_display)

    @property
    def link_check(self):
        """
        The link checker's record of the URL, or None before its first check
        of it: a record of an address the editor has since changed (or
        removed) says nothing of this one.
        """
        try:
            check = self.link
        except LinkCheck.DoesNotExist:
            return None
        return check if check.url == self.url and self.url else None

    @property
    def shown_archive_url(self):
        """
        The archived copy readers are offered: only when the URL is known to be
        broken, the editor's archive URL first, else the one the checker found.
        """
        check = self.link_check
        if check is None or not check.is_dead:
            return ""
        for url in (self.archive_url, check.found_archive_url):
            try:
                validate_web_url(url)
            except ValidationError:
                continue
            return url
        return ""

    @property
    def dead_since(self):
        """The date the URL was first seen failing, when it is known to be broken."""
        check = self.link_check
        return check.first_failed_at.date() if check and check.is_dead else None


class LinkCheck(models.Model):
    """
    What the link checker (``citations.linkcheck``) last found at a
    citation's URL. Kept apart from the citation so that checks never touch
    the editors' record: no revision, no edit conflict.
    """

    class Status(models.TextChoices):
        NOT_CHECKED = "not-checked", "not checked"
        LIVE = "live", "live"
        REDIRECTED = "redirected", "redirected"
        BROKEN = "broken", "broken"
        UNREACHABLE = "unreachable", "unreachable"

    DEAD = (Status.BROKEN, Status.UNREACHABLE)
    ANSWERING = (Status.LIVE, Status.REDIRECTED)

    citation = models.OneToOneField(
        Citation, on_delete=models.CASCADE, related_name="link", verbose_name=_("citation")
    )
    url = models.CharField(_("URL checked"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_CHECKED, db_index=True
    )
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.CharField(_("final address"), max_length=1000, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    # The first of the failures in a row; a failure is called broken (or
    # unreachable) only on a second check at least LINK_CHECK_CONFIRM_AFTER later.
    first_failed_at = models.DateTimeField(_("first seen failing"), null=True, blank=True)
    last_live_on = models.DateField(_("last found live"), null=True, blank=True)
    found_archive_url = models.CharField(_("archived copy found"), max_length=1000, blank=True)
    archive_looked_up_at = models.DateTimeField(_("archive looked up"), null=True, blank=True)
    # A checker on another server leaves this link alone until the lease ends.
    leased_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("link check")
        ordering = ["citation__key"]

    def __str__(self):
        return f"{self.citation.key}: {self.summary}"

    @property
    def is_dead(self):
        return self.status in self.DEAD

    @property
    def failing(self):
        """Failed on the last check, but not yet on a second one some time later."""
        return self.first_failed_at is not None and not self.is_dead

    @property
    def summary(self):
        """The outcome in a few words, as editors read it."""
        label = self.get_status_display()
        if self.status == self.Status.REDIRECTED:
            label = f"redirected to {self.final_url}"
        elif self.status == self.Status.BROKEN:
            label = f"broken (HTTP {self.http_status})" if self.http_status else "broken"
        elif self.status in (self.Status.UNREACHABLE, self.Status.NOT_CHECKED) and self.reason:
            label = f"{label}: {self.reason}"
        if self.failing:
            failed = f"failed once on {self.first_failed_at:%d %b %Y} ({self.reason})"
            label = failed if self.status == self.Status.NOT_CHECKED else f"{label}; {failed}"
        return label


class LinkEvent(models.Model):
    """A change of a link's status, for the citation's link history."""

    link = models.ForeignKey(LinkCheck, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    status = models.CharField(_("status"), max_length=20, choices=LinkCheck.Status)
    detail = models.CharField(_("detail"), max_length=400, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("link event")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_status_display()} {self.detail}".strip()
