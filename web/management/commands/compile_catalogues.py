from django.core.management import BaseCommand, CommandError

from web import catalogues


class Command(BaseCommand):
    help = (
        "Compile the interface's translations (locale/*/LC_MESSAGES/django.po) into the "
        ".mo files Django reads, without GNU gettext. --check also refuses a catalogue "
        "with an untranslated or fuzzy entry, or a placeholder lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="refuse an incomplete catalogue")

    def handle(self, *args, check, **options):
        if check:
            import polib

            for code, path in catalogues.catalogue_paths().items():
                found = catalogues.problems(polib.pofile(str(path)))
                if found:
                    raise CommandError(f"{path} ({code}):\n  " + "\n  ".join(found))
        for path in catalogues.compile_all():
            self.stdout.write(f"Compiled {path}")
