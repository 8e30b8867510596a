"""Load the Derbyshire position statement as published version 1 (idempotent)."""

from django.core.management.base import BaseCommand

from policy.services import policy_seed


class Command(BaseCommand):
    help = "Load the seed position statement as published policy version 1, if not already there."

    def handle(self, *args, **options):
        version, created = policy_seed()
        verb = "Loaded" if created else "Already present:"
        self.stdout.write(f"{verb} policy version {version.number} ({version.content_hash[:12]})")
