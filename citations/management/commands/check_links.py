import signal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from citations import linkcheck
from citations.models import Citation


class Command(BaseCommand):
    help = (
        "Check the URLs of the sources published countries cite (or --all, or one --key), "
        "politely: robots.txt obeyed, one request at a time per host. A link is called "
        "broken only after two failed checks some hours apart; dead links get an archived "
        "copy from the Wayback Machine when it has one. Safe to run from cron on several "
        "servers at once."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="Every citation, cited or not.")
        which.add_argument("--key", help="Only the citation with this key.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Check recently checked links too (else they wait LINK_CHECK_INTERVAL_HOURS).",
        )
        parser.add_argument(
            "--save",
            action="store_true",
            help="Ask the Wayback Machine to capture live links it has no copy of.",
        )

    def handle(self, *args, **options):
        if options["key"]:
            citations = Citation.objects.filter(key=options["key"])
            if not citations.exists():
                raise CommandError(f"There is no citation with the key “{options['key']}”.")
        elif options["all"]:
            citations = Citation.objects.all()
        else:
            citations = Citation.objects.cited()
        force = options["force"] or bool(options["key"])
        citations = linkcheck.due(citations, timezone.now(), force=force).order_by("key")
        started = timezone.now()
        verbosity = options["verbosity"]

        def progress(step):
            if verbosity >= 1:
                outcome = step.outcome
                said = outcome.reason or outcome.status
                if outcome.status == linkcheck.Status.REDIRECTED:
                    said = f"redirected to {outcome.final_url}"
                elif outcome.status == linkcheck.Status.LIVE:
                    said = "live"
                self.stdout.write(f"[{step.done}/{step.total}] {step.citation.key}: {said}")

        def stop(signum, frame):
            # As Ctrl-C does: the run ends, and releases the links it holds.
            raise KeyboardInterrupt(f"stopped by signal {signum}")

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            summary = linkcheck.check(citations, save_live=options["save"], progress=progress)
        except linkcheck.CheckRefused as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("Stopped before the end; what was checked is kept.") from None
        finally:
            signal.signal(signal.SIGTERM, previous)
        seconds = (timezone.now() - started).total_seconds()
        parts = ", ".join(f"{count} {name}" for name, count in sorted(summary.items()) if count)
        self.stdout.write(f"Checked links in {seconds:.1f} s: {parts or 'nothing was due'}.")
