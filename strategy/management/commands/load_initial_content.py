from django.core.management import BaseCommand, call_command

from strategy.models import Country


class Command(BaseCommand):
    help = (
        "Load the Mexico fixture into an atlas that has no countries yet. "
        "Does nothing otherwise, so editors' changes are never overwritten."
    )

    def handle(self, *args, **options):
        if Country.objects.exists():
            self.stdout.write("The atlas already has content; nothing loaded.")
            return
        call_command("loaddata", "mexico", verbosity=options["verbosity"])
