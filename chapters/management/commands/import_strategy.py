from pathlib import Path

from django.core.management import BaseCommand, CommandError

from chapters.importer import import_chapter
from chapters.problems import ChapterError
from chapters.reader import read_chapter


class Command(BaseCommand):
    help = (
        "Import a report chapter (Markdown, in the format of "
        "strategy/fixtures/source/mexico.md) into a country, its goals and its citations. "
        "New countries are drafts unless --publish. Nothing is written when the chapter "
        "has a problem; each problem is printed as FILE:LINE: message."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the chapter, a UTF-8 Markdown file")
        parser.add_argument(
            "--publish", action="store_true", help="publish the country (new ones are drafts)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be created or changed, and write nothing",
        )

    def handle(self, *args, file, publish, dry_run, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.fail(file, [f"{file}: no such file"])
        except OSError as error:
            self.fail(file, [f"{file}: cannot read the file ({error.strerror})"])
        try:
            chapter = read_chapter(data)
            result = import_chapter(
                chapter, publish=publish, dry_run=dry_run, source_name=path.name
            )
        except ChapterError as error:
            self.fail(file, [problem.format(file) for problem in error.problems])

        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"{warning.format(file)} (warning)"))
        for outcome in result.outcomes:
            self.stdout.write(f"  {outcome}")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. Would be: {result.totals()}.")
        elif result.changed_anything:
            self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result.totals()}."))
        else:
            self.stdout.write(f"Nothing to change: {file} is already in the atlas as it is.")

    def fail(self, file, lines):
        for line in lines:
            self.stderr.write(line)
        count = len(lines)
        raise CommandError(f"{file}: nothing imported ({count} problem{'s' if count > 1 else ''}).")
