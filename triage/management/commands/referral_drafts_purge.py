"""Delete unsubmitted referral checks left unchanged for REFERRAL_DRAFT_DAYS days (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from triage.services.checks import check_purge


class Command(BaseCommand):
    help = (
        "Delete referral checks (drafts) that were never submitted and have not changed for "
        "REFERRAL_DRAFT_DAYS days (default 30). Submitted checks and decisions are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override REFERRAL_DRAFT_DAYS for this run (1 or more).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.REFERRAL_DRAFT_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more")
        deleted = check_purge(days=days)
        self.stdout.write(
            f"Deleted {deleted} unsubmitted referral check{'s' if deleted != 1 else ''} "
            f"unchanged for {days} days or more."
        )
