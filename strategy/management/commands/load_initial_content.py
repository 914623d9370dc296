from django.core.management import BaseCommand, call_command
from django.db import transaction

from strategy.models import Country
from strategy.revisions import save_revision


class Command(BaseCommand):
    help = (
        "Load the Mexico fixture into an atlas that has no countries yet. "
        "Does nothing otherwise, so editors' changes are never overwritten."
    )

    def handle(self, *args, **options):
        if Country.objects.exists():
            self.stdout.write("The atlas already has content; nothing loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", "mexico", verbosity=options["verbosity"])
            # The first entry of each country's history.
            for country in Country.objects.all():
                save_revision(country, comment="Loaded from the mexico fixture.")
