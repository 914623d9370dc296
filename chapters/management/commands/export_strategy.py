from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.utils import translation

from chapters.exports import FORMATS, export
from chapters.problems import ChapterError
from strategy.models import Country


class Command(BaseCommand):
    help = (
        "Write a country (draft or published), or with --all every country, as a report: "
        "Markdown with goals as '## ' headings and their 'Themes:' lines, or a Word file "
        "(--format docx, which needs -o). import_strategy reads either back."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the country's slug, e.g. mexico")
        parser.add_argument("--all", action="store_true", help="every country, as one report")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), default="md", help="md (default) or docx"
        )
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language to write: another than English writes each country's "
            "translation (English where a text is not yet translated), which "
            "import_strategy --language reads back",
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
        )

    def handle(self, *args, slug, all, format, output, **options):  # noqa: A002 -- option names
        if all == bool(slug):
            raise CommandError("Give a country's slug, or --all for every country.")
        if all:
            countries = list(Country.objects.order_by("name_en"))
            if not countries:
                raise CommandError("The atlas has no countries to export.")
        else:
            country = Country.objects.filter(slug=slug).first()
            if country is None:
                raise CommandError(f"No country has the slug “{slug}”.")
            countries = [country]
        if format == "docx" and not output:
            raise CommandError("A Word file needs somewhere to go: add -o FILE.docx.")
        try:
            with translation.override(options["language"]):
                data = export(countries, format)
        except ChapterError as error:
            raise CommandError(error.problems[0].message) from None
        if output:
            try:
                Path(output).write_bytes(data)
            except OSError as error:
                raise CommandError(f"{output}: cannot write the file ({error.strerror}).") from None
            what = "every country" if all else countries[0].name
            self.stderr.write(f"Wrote {what} to {output}.")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
