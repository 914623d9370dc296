from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from operations.backups import BackupError, backup_database, default_filename


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump's custom format for PostgreSQL, SQLite's online "
        "backup API for SQLite. Prints the backup's path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Where to write the backup (default: backups/atlas-<database>-<time>.<ext>).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        output = Path(options["output"] or default_filename(options["database"]))
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            backup_database(output, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(output))
