from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from operations.backups import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by backup_db. "
        "Asks for confirmation unless --no-input is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file (.dump for PostgreSQL, .sqlite3).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, **options):
        name = connections[options["database"]].settings_dict["NAME"]
        if options["interactive"]:
            answer = input(
                f"This replaces everything in the database {name} with {options['backup']}.\n"
                "Type 'yes' to continue, or anything else to cancel: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            restore_database(options["backup"], using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {options['backup']} into {name}.")
