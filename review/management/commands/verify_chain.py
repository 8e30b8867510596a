"""Verify the decision, review and correction hash chains; exit non-zero naming the first bad
record."""

from django.core.management.base import BaseCommand, CommandError

from review.services.verify import chain_verify


class Command(BaseCommand):
    help = (
        "Recompute every decision, review and correction hash, check each link and that "
        "sequences are "
        "contiguous. Records the run; exits 1 and names the first bad record if any."
    )

    def handle(self, *args, **options):
        run = chain_verify(run_by="command")
        seconds = (run.finished_at - run.started_at).total_seconds()
        counts = (
            f"{run.decisions_checked} decisions, {run.reviews_checked} reviews, "
            f"{run.corrections_checked} corrections and {run.startback_checked} STarT Back "
            f"scores verified in {seconds:.1f}s"
        )
        if not run.ok:
            self.stderr.write(counts)
            raise CommandError(f"Chain verification failed: {run.first_problem}")
        self.stdout.write(self.style.SUCCESS(f"Chain intact: {counts}."))
