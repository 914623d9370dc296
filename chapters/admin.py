"""
Importing a report chapter from the admin: upload, preview, confirm.

1. A user with the ``strategy.add_country`` permission (Country managers)
   uploads a ``.md`` file at /admin/strategy/country/import/.
2. The page shows what the import would do (a dry run: created, changed and
   unchanged countries, goals and citations, and warnings) or the problems
   that stop it, each with its line. Nothing is written.
3. Where an author list could be read more than one way, the preview shows
   the names it chose, one a line, for staff to correct; "Check again"
   shows the import with the corrections.
4. Confirming imports it, as one revision by that user, with the corrected
   authors. The text travels from step 2 to step 4 in a hidden field signed
   with Django's signing framework (bound to the user and valid for an hour),
   so no file is kept on the server and nobody can slip other text in
   between.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from citations.models import Citation
from strategy import languages
from strategy.models import Country

from .exports import FORMATS, export, filename
from .files import ACCEPTED, check_size, file_text
from .importer import ALL, find_citation, import_report
from .problems import ChapterError, Problem
from .reader import parse_report
from .syntax import MAX_FILE_MEGABYTES
from .translations import import_translation

# Kept as it was when this lived in the strategy app, so previews signed
# before an upgrade can still be confirmed.
SIGNING_SALT = "strategy.admin_import"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview can be confirmed


def _chapter_help():
    return _(
        "One chapter or a whole report, in the report's format: a “# Country” heading "
        "for each country, paragraphs with [^n] footnote markers and “[^n]: reference” "
        "lines; as Markdown (.md), Word (.docx) or OpenDocument (.odt). "
        "At most %(megabytes)s MB."
    ) % {"megabytes": MAX_FILE_MEGABYTES}


class ChapterUploadForm(forms.Form):
    chapter = forms.FileField(
        label=gettext_lazy("Report file"),
        help_text=lazy(_chapter_help, str)(),  # translated when shown
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the report"),
        choices=settings.LANGUAGES,
        required=False,  # English when not given
        initial=settings.LANGUAGE_CODE,
        help_text=gettext_lazy(
            "Another language than English imports each chapter as that language's "
            "version of a country the atlas has: its texts only, the same goals in the "
            "same order, footnotes citing sources the atlas has."
        ),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish the countries"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise a new country is a draft and an existing one keeps its status."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.has_perm("strategy.publish_country"):
            del self.fields["publish"]  # only those who may publish can import as published

    def clean_chapter(self):
        # What kind of file it is, is judged by its content (chapters.files).
        upload = self.cleaned_data["chapter"]
        try:
            check_size(upload.size)
        except ChapterError as error:
            raise forms.ValidationError(
                _("%(file)s: %(problem)s.")
                % {"file": upload.name, "problem": error.problems[0].message}
            ) from None
        return upload


class ChapterConfirmForm(forms.Form):
    preview = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_preview(self):
        try:
            data = signing.loads(
                self.cleaned_data["preview"], salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This preview is more than an hour old; upload the file again.")
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This preview cannot be confirmed (it was altered); upload the file again.")
            ) from None
        if data.get("user") != self.user.pk:
            raise forms.ValidationError(
                _("This preview was made by someone else; upload the file.")
            )
        return data


AUTHOR_FIELD_PREFIX = "authors-"
MAX_AUTHOR_NAMES = 100
MAX_AUTHOR_NAME_LENGTH = 500


class AuthorsForm(forms.Form):
    """
    The authors of the footnotes whose author lists could be read more than
    one way, one name a line, for staff to correct in the preview.
    """

    def __init__(self, *args, footnotes, **kwargs):
        super().__init__(*args, **kwargs)
        self.footnotes = footnotes
        for label, footnote in footnotes.items():
            reference = footnote.reference
            self.fields[AUTHOR_FIELD_PREFIX + label] = forms.CharField(
                label=_("Authors of [^%(label)s]") % {"label": label},
                initial="\n".join(reference.authors),
                widget=forms.Textarea(attrs={"rows": max(2, len(reference.authors) + 1)}),
                help_text=reference.authors_note or _("As you corrected them."),
                max_length=MAX_AUTHOR_NAMES * (MAX_AUTHOR_NAME_LENGTH + 1),
                required=False,  # an empty list is refused in clean(), with a clearer message
            )

    def clean(self):
        corrections = {}
        for name, value in list(self.cleaned_data.items()):
            names = [" ".join(line.split()) for line in value.splitlines()]
            names = [name for name in names if name]
            problem = None
            if not names:
                problem = _("Give at least one author, one a line.")
            elif len(names) > MAX_AUTHOR_NAMES:
                problem = _("At most %(limit)s authors.") % {"limit": MAX_AUTHOR_NAMES}
            elif any(len(author) > MAX_AUTHOR_NAME_LENGTH for author in names):
                problem = _("A name may have at most %(limit)s characters.") % {
                    "limit": MAX_AUTHOR_NAME_LENGTH
                }
            elif any(char in author for author in names for char in "{}"):
                problem = _("Write each name without braces: here each line is one name.")
            if problem:
                self.add_error(name, problem)
            else:
                corrections[name.removeprefix(AUTHOR_FIELD_PREFIX)] = names
        self.corrections = corrections
        return self.cleaned_data

    def changed(self):
        """The corrections that differ from the names as read."""
        return {
            label: names
            for label, names in self.corrections.items()
            if tuple(names) != self.footnotes[label].reference.authors
        }


def footnotes_to_check(report):
    """
    The report's footnotes whose authors staff should look at: label ->
    Footnote, one for each author list (a Word file gives a source cited
    twice two footnotes; a correction of one is made to both).
    """
    shown, seen = {}, set()
    for label, footnote in report.footnotes().items():
        if not footnote.authors_to_check or footnote.reference.authors in seen:
            continue
        if find_citation(footnote.reference)[0] is not None:
            continue  # already in the atlas, kept as it is there: nothing to correct
        if footnote.reference.authors not in seen:
            seen.add(footnote.reference.authors)
            shown[label] = footnote
    return shown


def same_authors(report, corrections):
    """``corrections`` (label -> names) made also to footnotes with the same author list."""
    footnotes = report.footnotes()
    by_authors = {footnotes[label].reference.authors: names for label, names in corrections.items()}
    return {
        label: by_authors[footnote.reference.authors]
        for label, footnote in footnotes.items()
        if footnote.reference.authors in by_authors
    }


def sign_preview(user, filename, text, publish, seen=None, language=None):
    """
    The preview's text and choices, signed for the confirmation; ``seen``
    holds the version of each country already in the atlas that the preview
    showed changes to (pk -> version), so that a change made to one of them
    since is noticed before the import overwrites it.
    """
    return signing.dumps(
        {
            "user": user.pk,
            "filename": filename,
            "text": text,
            "publish": publish,
            "seen": {str(pk): version for pk, version in (seen or {}).items()},
            "language": language or settings.LANGUAGE_CODE,
        },
        salt=SIGNING_SALT,
        compress=True,
    )


class StalePreview(Exception):
    """A country the preview showed has changed since, or the import would touch another."""


class ChapterImportView(View):
    """The admin's "Import a chapter" page, for those who may add countries."""

    template_name = "admin/strategy/country/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("strategy.add_country"):
            raise PermissionDenied
        self.context = {
            **admin.site.each_context(request),
            "opts": Country._meta,
            "title": _("Import a chapter"),
            "form": ChapterUploadForm(user=request.user),
        }
        return super().dispatch(request, *args, **kwargs)

    def render(self, **context):
        self.context.update(context)
        return TemplateResponse(self.request, self.template_name, self.context)

    def get(self, request):
        return self.render()

    def post(self, request):
        if "preview" not in request.POST:
            return self.preview()
        form = ChapterConfirmForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(problems=form.errors["preview"])
        if "_check" in request.POST:
            return self.check_again(form)
        return self.confirm(form)

    def preview(self):
        """Step 2: what the import would do (a dry run), or what stops it."""
        request = self.request
        form = ChapterUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render(form=form)
        upload, publish = form.cleaned_data["chapter"], form.cleaned_data.get("publish", False)
        try:
            text = file_text(upload.name, upload.read())
            report = self.read(text)
        except ChapterError as error:
            return self.problems(upload.name, error, form=form)
        language = form.cleaned_data.get("language") or settings.LANGUAGE_CODE
        if language != settings.LANGUAGE_CODE:
            return self.translations(report, upload.name, text, language, form=form)
        authors_form = AuthorsForm(footnotes=footnotes_to_check(report))
        return self.show_preview(report, upload.name, text, publish, authors_form, form=form)

    def check_again(self, confirm_form):
        """Step 3: the preview again, with the authors as staff corrected them."""
        preview = confirm_form.cleaned_data["preview"]
        filename = preview["filename"]
        try:
            report = self.read(preview["text"])
        except ChapterError as error:
            return self.problems(filename, error)
        authors_form, valid = self.corrected(report)
        return self.show_preview(
            report,
            filename,
            preview["text"],
            preview["publish"],
            authors_form,
            notice="" if valid else AUTHORS_NOTICE,
        )

    def show_preview(self, report, filename, text, publish, authors_form, **context):
        """The dry run of ``report``, with the choices posted (or, at first, the defaults)."""
        request = self.request
        first_look = "preview" not in request.POST
        # At first every suggested theme is ticked: the dry run gives them all.
        accepted = ALL if first_look else self.accepted_themes()
        waive = False if first_look else self.waive_missing()
        try:
            result = import_report(
                report,
                publish=publish,
                dry_run=True,
                user=request.user,
                source_name=filename,
                accept_themes=accepted,
                waive_missing=waive,
            )
            refuse_if_not_allowed(request.user, result)
        except ChapterError as error:
            return self.problems(filename, error, **context)
        touched = [chapter.country.pk for chapter in result.results if not chapter.created]
        seen = dict(Country.objects.filter(pk__in=touched).values_list("pk", "version"))
        signed = sign_preview(request.user, filename, text, publish, seen)
        return self.render(
            filename=filename,
            result=result,
            warnings=[warning.format(filename) for warning in result.warnings],
            authors_form=authors_form,
            suggestions=theme_choices(result, None if accepted is ALL else accepted),
            stays_draft=publish
            and not waive
            and any(not chapter.country.is_published for chapter in result.results),
            may_waive=request.user.has_perm("strategy.publish_country"),
            waive=waive,
            confirm_form=ChapterConfirmForm(initial={"preview": signed}, user=request.user),
            **context,
        )

    def accepted_themes(self):
        """
        The suggested themes staff kept, as (chapter, position, theme); the
        importer gives only those it suggests, whatever else is posted.
        """
        accepted = set()
        for name in self.request.POST:
            match = re.fullmatch(r"themes-(\d{1,4})-(\d{1,4})", name)
            if match:
                chapter, position = int(match[1]), int(match[2])
                accepted |= {
                    (chapter, position, theme)
                    for theme in self.request.POST.getlist(name)[:MAX_THEMES_POSTED]
                }
        return accepted

    def waive_missing(self):
        """Whether staff waived what the countries lack for publication (publishers only)."""
        return bool(self.request.POST.get("waive_missing")) and self.request.user.has_perm(
            "strategy.publish_country"
        )

    def read(self, text):
        return parse_report(text, known_authors=Citation.objects.author_names())

    def corrected(self, report):
        """
        (the authors form to show, whether its corrections could be used).
        Usable corrections are made to ``report``; otherwise the form as
        posted comes back with its errors, and ``report`` is left as read.
        """
        authors_form = AuthorsForm(self.request.POST, footnotes=self.posted_footnotes(report))
        if not authors_form.is_valid():
            return authors_form, False
        report.correct_authors(same_authors(report, authors_form.changed()))
        shown = AuthorsForm(
            footnotes=footnotes_to_check(report),
            initial={
                AUTHOR_FIELD_PREFIX + k: "\n".join(v) for k, v in authors_form.corrections.items()
            },
        )
        return shown, True

    def posted_footnotes(self, report):
        """The footnotes the posted form corrects (those of this report only)."""
        footnotes = report.footnotes()
        posted = {
            name.removeprefix(AUTHOR_FIELD_PREFIX)
            for name in self.request.POST
            if name.startswith(AUTHOR_FIELD_PREFIX)
        }
        return {label: footnotes[label] for label in footnotes if label in posted}

    def translations(self, report, filename, text, language, *, dry_run=True, **context):
        """
        A report in another language: each chapter as the translation of its
        country (``chapters.translations``), previewed (a dry run), or, on
        confirmation, imported in one transaction.
        """
        request = self.request
        try:
            with transaction.atomic():
                results = [
                    import_translation(
                        chapter, language, user=request.user, source_name=filename, dry_run=dry_run
                    )
                    for chapter in report.chapters
                ]
                refuse_translation_if_not_allowed(request.user, results)
        except ChapterError as error:
            return self.problems(filename, error, **context)
        if not dry_run:
            messages.success(
                request,
                _("Imported %(file)s: %(results)s")
                % {"file": filename, "results": " ".join(map(str, results))},
            )
            return redirect(reverse("admin:strategy_country_changelist"))
        signed = sign_preview(request.user, filename, text, False, language=language)
        return self.render(
            filename=filename,
            translation_results=results,
            language_name=languages.name_of(language),
            confirm_form=ChapterConfirmForm(initial={"preview": signed}, user=request.user),
        )

    def confirm(self, confirm_form):
        """Step 4: import what the preview showed, as one revision by this user."""
        request = self.request
        preview = confirm_form.cleaned_data["preview"]
        filename = preview["filename"]
        text = preview["text"]
        try:
            report = self.read(text)
        except ChapterError as error:
            return self.problems(filename, error)
        language = preview.get("language", settings.LANGUAGE_CODE)
        if language != settings.LANGUAGE_CODE:
            return self.translations(report, filename, text, language, dry_run=False)
        authors_form, valid = self.corrected(report)
        if not valid:
            return self.show_preview(
                report, filename, text, preview["publish"], authors_form, notice=AUTHORS_NOTICE
            )
        seen = {int(pk): version for pk, version in preview.get("seen", {}).items()}
        try:
            if not request.user.has_perm("strategy.change_country"):
                trial = import_report(report, publish=preview["publish"], dry_run=True)
                refuse_if_not_allowed(request.user, trial)
            with transaction.atomic():
                # What the preview showed is what is overwritten: the countries
                # it showed are as they were then, and no other is touched.
                rows = Country.objects.filter(pk__in=seen).select_for_update()
                if dict(rows.values_list("pk", "version")) != seen:
                    raise StalePreview
                result = import_report(
                    report,
                    publish=preview["publish"],
                    user=request.user,
                    source_name=filename,
                    accept_themes=self.accepted_themes(),
                    waive_missing=self.waive_missing(),
                )
                if any(not r.created and r.country.pk not in seen for r in result.results):
                    raise StalePreview
        except ChapterError as error:
            return self.problems(filename, error)
        except StalePreview:
            return self.show_preview(
                report, filename, text, preview["publish"], authors_form, notice=STALE_NOTICE
            )
        if result.changed_anything:
            messages.success(
                request,
                _("Imported %(file)s: %(totals)s.") % {"file": filename, "totals": result.totals()},
            )
        else:
            messages.info(
                request,
                _("%(file)s is already in the atlas as it is; nothing changed.")
                % {"file": filename},
            )
        if len(result.results) == 1:
            return redirect(
                reverse("admin:strategy_country_change", args=[result.results[0].country.pk])
            )
        return redirect(reverse("admin:strategy_country_changelist"))

    def problems(self, filename, error, **context):
        return self.render(
            filename=filename,
            problems=[problem.format(filename) for problem in error.problems],
            **context,
        )


MAX_THEMES_POSTED = 50  # themes a goal's suggestion may list
AUTHORS_NOTICE = gettext_lazy(
    "Some corrected authors cannot be used: correct the boxes marked below."
)
STALE_NOTICE = gettext_lazy(
    "Nothing was imported: since this preview, a country it changes was edited (or added) "
    "in the atlas. Here is what the import would do now; check it and import again."
)


def theme_choices(result, accepted):
    """
    The themes suggested for goals without any, for the preview: one entry
    a goal, each theme with whether it is kept (all are, at first).
    """
    entries = []
    for chapter in result.results:
        for suggestion in chapter.suggestions:
            entries.append(
                {
                    "name": f"themes-{suggestion.chapter}-{suggestion.position}",
                    "country": chapter.country.name,
                    "goal": f"{suggestion.position}. {suggestion.goal_title}",
                    "themes": [
                        (
                            theme,
                            accepted is None
                            or (suggestion.chapter, suggestion.position, theme) in accepted,
                        )
                        for theme in suggestion.themes
                    ],
                }
            )
    return entries


def refuse_translation_if_not_allowed(user, results):
    """
    ChapterError when ``user`` may not make the translations ``results`` make:
    changing a country needs the change permission, and a published country's
    translation goes live at once, so it needs the publish permission too.
    """
    refused = []
    for result in results:
        if not result.changed:
            continue
        if not user.has_perm("strategy.change_country"):
            refused.append(
                Problem(
                    _("%(country)s is already in the atlas and you may not change countries")
                    % {"country": result.country.name_en}
                )
            )
        elif result.country.is_published and not user.has_perm("strategy.publish_country"):
            refused.append(
                Problem(
                    _(
                        "%(country)s is published, and its translation would change the public "
                        "page at once: a Country manager imports it, or write it in the "
                        "country's form, which keeps it as a working draft until published"
                    )
                    % {"country": result.country.name_en}
                )
            )
    if refused:
        raise ChapterError(refused)


def refuse_if_not_allowed(user, result):
    """ChapterError when the import would change a country ``user`` may not change."""
    if user.has_perm("strategy.change_country"):
        return
    refused = [
        Problem(
            _("%(country)s is already in the atlas and you may not change countries")
            % {"country": chapter.country.name}
        )
        for chapter in result.results
        if not chapter.created
    ]
    if refused:
        raise ChapterError(refused)


admin.site.register_view(
    "strategy/country/import/", ChapterImportView.as_view(), name="strategy_country_import"
)


def export_view(request, file_format, pk=None):
    """A country (``pk``), or every country, as a report file to download."""
    if not request.user.has_perm("strategy.view_country"):
        raise PermissionDenied
    if file_format not in FORMATS:
        raise Http404("No such format.")
    if pk is None:
        countries = list(Country.objects.order_by("name_en"))
    else:
        countries = [get_object_or_404(Country, pk=pk)]
    try:
        # The English version, whatever language the admin speaks (the Spanish
        # one: manage.py export_strategy --language es).
        with languages.english():
            data = export(countries, file_format)
    except ChapterError as error:
        messages.error(
            request,
            _("The file could not be made: %(problem)s.") % {"problem": error.problems[0].message},
        )
        return redirect(reverse("admin:strategy_country_changelist"))
    content_type, _name = FORMATS[file_format]
    response = HttpResponse(data, content_type=content_type)
    name = filename(countries, file_format, whole_atlas=pk is None)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


admin.site.register_view(
    "strategy/country/export.<str:file_format>", export_view, name="strategy_country_export"
)
admin.site.register_view(
    "strategy/country/<int:pk>/export.<str:file_format>",
    export_view,
    name="strategy_country_export_one",
)
