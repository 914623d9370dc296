from django.core.management import BaseCommand, CommandError

from operations.synthetic import PREFIX, create_synthetic_content
from strategy.models import Country


class Command(BaseCommand):
    help = (
        "Add clearly marked synthetic countries, goals, themes and sources for load "
        "and scale tests. Never run this on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--countries", type=int, default=300)
        parser.add_argument("--goals", type=int, default=12, help="goals per country")
        parser.add_argument("--citations", type=int, default=1000)
        parser.add_argument("--themes", type=int, default=60)

    def handle(self, *args, **options):
        if Country.objects.filter(slug__startswith=f"{PREFIX}-").exists():
            raise CommandError("This database already has synthetic content.")
        created = create_synthetic_content(
            countries=options["countries"],
            goals_per_country=options["goals"],
            citations=options["citations"],
            themes=options["themes"],
        )
        self.stdout.write(f"Created {created} synthetic countries.")
