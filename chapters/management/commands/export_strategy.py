from pathlib import Path

from django.core.management import BaseCommand, CommandError

from chapters.writer import write_chapter
from strategy.models import Country


class Command(BaseCommand):
    help = (
        "Write a country (draft or published) as a report chapter: Markdown with goals as "
        "'## ' headings and their 'Themes:' lines, which import_strategy reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the country's slug, e.g. mexico")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
        )

    def handle(self, *args, slug, output, **options):
        country = Country.objects.filter(slug=slug).first()
        if country is None:
            raise CommandError(f"No country has the slug “{slug}”.")
        text = write_chapter(country)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"{output}: cannot write the file ({error.strerror}).") from None
            self.stderr.write(f"Wrote {country.name} to {output}.")
        else:
            self.stdout.write(text, ending="")
