"""Create demo practices and users, and optionally synthetic decisions, for trying the service."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from review.services.demo import (
    DEMO_USERS,
    NoPublishedPolicy,
    demo_decisions_add,
    demo_users_ensure,
)
from triage.models import Decision


class Command(BaseCommand):
    help = (
        "Create demo practices and users (one per role, plus GPs at more practices). "
        "With --decisions N, also add N synthetic decisions through the real engine and chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never in production).",
        )
        parser.add_argument(
            "--decisions",
            type=int,
            default=0,
            metavar="N",
            help="Add N more synthetic decisions (and reviews of some) after those stored.",
        )
        parser.add_argument(
            "--decisions-if-empty",
            type=int,
            default=0,
            metavar="N",
            help="Add N synthetic decisions only if there are no decisions yet.",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed, for a repeatable data set."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with published passwords; it refuses to run while "
                "DEBUG is off. Pass --force if you really mean it."
            )
        count, if_empty = options["decisions"], options["decisions_if_empty"]
        if count < 0 or if_empty < 0:
            raise CommandError("The number of decisions must be 0 or more")
        demo_users_ensure()
        self.stdout.write(self.style.SUCCESS("Demo sign-ins (username / password / role):"))
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.password:<22} {user.description}")
        if if_empty and not count and not Decision.objects.exists():
            count = if_empty
        if count:
            self._add_decisions(count, options["seed"])

    def _add_decisions(self, count: int, seed: int | None) -> None:
        started = time.perf_counter()

        def progress(done: int) -> None:
            if done % 10_000 == 0 and done < count:
                self.stdout.write(f"  {done} of {count} decisions...")

        try:
            added = demo_decisions_add(count=count, seed=seed, progress=progress)
        except NoPublishedPolicy as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {added.decisions} decisions and {added.reviews} reviews in "
                f"{seconds:.1f}s ({added.decisions / max(seconds, 1e-9):.0f} decisions a second)."
            )
        )
