"""Verify every hash chain, the published policy versions, the database's guards and the latest
signed checkpoint; exit non-zero naming every problem found."""

from django.core.management.base import BaseCommand, CommandError

from review.services.verify import chain_verify


class Command(BaseCommand):
    help = (
        "Recompute every hash of every chain (decisions, reviews, corrections, STarT Back scores, "
        "practice replies, access log), check each link and that sequences are contiguous; "
        "rehash the published policy versions; check every append-only trigger is present and "
        "enabled; compare with the latest signed checkpoint in CHECKPOINT_DIR. Records the run; "
        "exits 1 naming each problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="Do not compare with the latest checkpoint (the chains are still walked).",
        )

    def handle(self, *args, **options):
        run = chain_verify(run_by="command", use_checkpoint=not options["no_checkpoint"])
        seconds = (run.finished_at - run.started_at).total_seconds()
        checked = run.checked
        counts = (
            f"{checked['decisions']} decisions, {checked['reviews']} reviews, "
            f"{checked['corrections']} corrections, {checked['startback_scores']} STarT Back "
            f"scores, {checked['practice_replies']} practice replies and "
            f"{checked['access_log']} access log entries verified in {seconds:.1f}s; "
            f"{run.checkpoint.note}"
        )
        if not run.ok:
            self.stderr.write(counts)
            raise CommandError(
                "Chain verification failed:\n" + "\n".join(f"- {p}" for p in run.problems)
            )
        self.stdout.write(self.style.SUCCESS(f"Chain intact: {counts}."))
