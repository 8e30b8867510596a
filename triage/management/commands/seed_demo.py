"""Create demo practices and one user per role, for trying the service locally."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from triage.services.demo import DEMO_USERS, demo_users_ensure


class Command(BaseCommand):
    help = "Create demo practices and users (one per role, plus a GP at a second practice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never in production).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with published passwords; it refuses to run while "
                "DEBUG is off. Pass --force if you really mean it."
            )
        demo_users_ensure()
        self.stdout.write(self.style.SUCCESS("Demo sign-ins (username / password / role):"))
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.password:<22} {user.description}")
