from django.core.management import BaseCommand

from strategy.review import publish_due


class Command(BaseCommand):
    help = (
        "Publish the drafts whose go-live time has come, and unpublish the countries whose "
        "expiry time has come. Safe to run every minute, from several servers at once: each "
        "change is published exactly once."
    )

    def handle(self, *args, **options):
        done = publish_due()
        for name, outcome in done:
            self.stdout.write(f"{name}: {outcome}")
        if not done and options["verbosity"] > 1:
            self.stdout.write("Nothing is due.")
