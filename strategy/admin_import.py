"""
Importing a report chapter from the admin: upload, preview, confirm.

1. A user with the ``strategy.add_country`` permission (Country managers)
   uploads a ``.md`` file at /admin/strategy/country/import/.
2. The page shows what the import would do (a dry run: created, changed and
   unchanged countries, goals and citations, and warnings) or the problems
   that stop it, each with its line. Nothing is written.
3. Confirming imports it, as one revision by that user. The text travels
   from step 2 to step 3 in a hidden field signed with Django's signing
   framework (bound to the user and valid for an hour), so no file is kept on
   the server and nobody can slip other text in between.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .chapters import ChapterError, Problem, decode, parse_chapter
from .importing import ImportFailed, import_chapter

MAX_UPLOAD_BYTES = 1024 * 1024
SIGNING_SALT = "strategy.admin_import"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview can be confirmed


class ChapterUploadForm(forms.Form):
    chapter = forms.FileField(
        label="Chapter file",
        help_text=(
            "A Markdown file (.md) in the report's format: a “# Country” heading, "
            "paragraphs with [^n] footnote markers and “[^n]: reference” lines. "
            "At most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,.txt,text/markdown"}),
    )
    publish = forms.BooleanField(
        label="Publish the country",
        required=False,
        help_text="Otherwise a new country is a draft and an existing one keeps its status.",
    )

    def clean_chapter(self):
        upload = self.cleaned_data["chapter"]
        if not upload.name.lower().endswith((".md", ".markdown", ".txt")):
            raise forms.ValidationError("Choose a Markdown file (.md).")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB: is it really one chapter?")
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
                "This preview is more than an hour old; upload the file again."
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                "This preview cannot be confirmed (it was altered); upload the file again."
            ) from None
        if data.get("user") != self.user.pk:
            raise forms.ValidationError("This preview was made by someone else; upload the file.")
        return data


def sign_preview(user, filename, text, publish):
    return signing.dumps(
        {"user": user.pk, "filename": filename, "text": text, "publish": publish},
        salt=SIGNING_SALT,
        compress=True,
    )


class ChapterImportMixin:
    """Adds the chapter import page to the Country admin."""

    import_template = "admin/strategy/country/import.html"

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="strategy_country_import",
            )
        ]
        return urls + super().get_urls()

    def has_import_permission(self, request):
        return request.user.has_perm("strategy.add_country")

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a chapter",
            "form": ChapterUploadForm(),
        }
        if request.method == "POST" and "preview" in request.POST:
            return self._confirm(request, context)
        if request.method == "POST":
            self._preview(request, context)
        return TemplateResponse(request, self.import_template, context)

    def _preview(self, request, context):
        form = context["form"] = ChapterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return
        upload, publish = form.cleaned_data["chapter"], form.cleaned_data["publish"]
        context["filename"] = upload.name
        try:
            text = decode(upload.read())
            result = import_chapter(
                parse_chapter(text),
                publish=publish,
                dry_run=True,
                user=request.user,
                source_name=upload.name,
            )
        except (ChapterError, ImportFailed) as error:
            context["problems"] = [problem.format(upload.name) for problem in error.problems]
            return
        refusal = self._refusal(request, result)
        if refusal:
            context["problems"] = [refusal.format(upload.name)]
            return
        context.update(
            result=result,
            warnings=[warning.format(upload.name) for warning in result.warnings],
            confirm_form=ChapterConfirmForm(
                initial={"preview": sign_preview(request.user, upload.name, text, publish)},
                user=request.user,
            ),
        )

    def _confirm(self, request, context):
        form = ChapterConfirmForm(request.POST, user=request.user)
        if not form.is_valid():
            context["problems"] = form.errors["preview"]
            return TemplateResponse(request, self.import_template, context)
        preview = form.cleaned_data["preview"]
        filename = preview["filename"]
        try:
            chapter = parse_chapter(preview["text"])
            if not request.user.has_perm("strategy.change_country"):
                trial = import_chapter(chapter, publish=preview["publish"], dry_run=True)
                refusal = self._refusal(request, trial)
                if refusal:
                    raise ImportFailed([refusal])
            result = import_chapter(
                chapter, publish=preview["publish"], user=request.user, source_name=filename
            )
        except (ChapterError, ImportFailed) as error:
            context["filename"] = filename
            context["problems"] = [problem.format(filename) for problem in error.problems]
            return TemplateResponse(request, self.import_template, context)
        if result.changed_anything:
            messages.success(request, f"Imported {filename}: {result.totals()}.")
        else:
            messages.info(request, f"{filename} is already in the atlas as it is; nothing changed.")
        return redirect(reverse("admin:strategy_country_change", args=[result.country.pk]))

    def _refusal(self, request, result):
        """A problem when the import would change a country the user may not change."""
        if result.created or request.user.has_perm("strategy.change_country"):
            return None
        return Problem(
            f"{result.country.name} is already in the atlas and you may not change countries"
        )
