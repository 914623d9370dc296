from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from chapters.files import read_file
from chapters.importer import ALL, import_report
from chapters.problems import ChapterError
from chapters.syntax import MAX_FILE_MEGABYTES
from chapters.translations import import_translation
from citations.models import Citation


class Command(BaseCommand):
    help = (
        "Import a report, one chapter or many (Markdown in the format of "
        "strategy/fixtures/source/mexico.md, or a Word .docx or OpenDocument .odt file), "
        "into countries, their goals and their citations: all or nothing, one revision "
        "per country. New countries are drafts unless --publish, which publishes each "
        "country that is ready (region, confirmed goal titles, a theme per goal, a language "
        "per source) and leaves the others drafts, listing what they lack, unless "
        "--waive-missing. Goals without themes get the atlas's existing themes their text "
        "names suggested; --accept-suggested-themes gives them. Nothing is written when "
        "any chapter has a problem; each problem is printed as FILE:LINE: message. "
        f"Files of at most {MAX_FILE_MEGABYTES} MB."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report: .md, .docx or .odt")
        parser.add_argument(
            "--publish", action="store_true", help="publish the countries (new ones are drafts)"
        )
        parser.add_argument(
            "--waive-missing",
            action="store_true",
            help="with --publish: publish countries even if they lack what publishing needs "
            "(recorded in their history)",
        )
        parser.add_argument(
            "--accept-suggested-themes",
            action="store_true",
            help="give goals without themes the existing themes suggested for them",
        )
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language the report is written in; another than English imports each "
            "chapter as the translation of a country the atlas has (chapters/translations.py)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be created or changed, and write nothing",
        )

    def handle(self, *args, file, publish, dry_run, waive_missing, **options):
        if waive_missing and not publish:
            raise CommandError("--waive-missing waives what publishing needs: give --publish too.")
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.fail(file, [f"{file}: no such file"])
        except OSError as error:
            self.fail(file, [f"{file}: cannot read the file ({error.strerror})"])
        if options["language"] != settings.LANGUAGE_CODE:
            return self.import_translations(file, path, data, options["language"], dry_run)
        try:
            report = read_file(path.name, data, known_authors=Citation.objects.author_names())
            result = import_report(
                report,
                publish=publish,
                waive_missing=waive_missing,
                accept_themes=ALL if options["accept_suggested_themes"] else None,
                dry_run=dry_run,
                source_name=path.name,
                progress=self.progress if len(report.chapters) > 1 else None,
            )
        except ChapterError as error:
            self.end_progress()
            self.fail(file, [problem.format(file) for problem in error.problems])
        self.end_progress()

        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"{warning.format(file)} (warning)"))
        for chapter_result in result.results:
            if len(result.results) > 1:
                self.stdout.write(f"{chapter_result.country.name}:")
            for outcome in chapter_result.outcomes:
                self.stdout.write(f"  {outcome}")
                for diff in outcome.diffs:
                    edited = " (edited since the last import)" if diff.edited_since_import else ""
                    self.stdout.write(f"      {diff.label}{edited}: {diff.text}")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. Would be: {result.totals()}.")
        elif result.changed_anything:
            self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result.totals()}."))
        else:
            self.stdout.write(f"Nothing to change: {file} is already in the atlas as it is.")

    def import_translations(self, file, path, data, code, dry_run):
        try:
            report = read_file(path.name, data, known_authors=Citation.objects.author_names())
            with transaction.atomic():
                results = [
                    import_translation(chapter, code, source_name=path.name, dry_run=dry_run)
                    for chapter in report.chapters
                ]
        except ChapterError as error:
            self.fail(file, [problem.format(file) for problem in error.problems])
        for result in results:
            self.stdout.write(str(result))
        if dry_run:
            self.stdout.write("Dry run, nothing written.")

    # Progress through a long report: a bar that redraws itself on a
    # terminal, a plain line per chapter otherwise (a log, a pipe).

    on_terminal = None

    def progress(self, number, count, name):
        if self.on_terminal is None:
            self.on_terminal = self.stderr.isatty()
        if self.on_terminal:
            done = round(30 * (number - 1) / count)
            bar = "#" * done + "." * (30 - done)
            self.stderr.write(f"\r[{bar}] {number}/{count} {name[:40]:<40}", ending="")
            self.stderr.flush()
        else:
            self.stderr.write(f"[{number}/{count}] {name}")

    def end_progress(self):
        if self.on_terminal:
            self.stderr.write("\r" + " " * 80 + "\r", ending="")
            self.stderr.flush()

    def fail(self, file, lines):
        for line in lines:
            self.stderr.write(line)
        count = len(lines)
        raise CommandError(f"{file}: nothing imported ({count} problem{'s' if count > 1 else ''}).")
