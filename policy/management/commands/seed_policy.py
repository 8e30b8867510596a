"""Load the Derbyshire statement as published version 1 and its test cases (idempotent)."""

from django.core.management.base import BaseCommand

from policy.scenarios import policy_scenarios_seed
from policy.services import policy_seed


class Command(BaseCommand):
    help = (
        "Load the seed position statement as published policy version 1, if not already there, "
        "and the named clinical scenarios as its test cases if it has none."
    )

    def handle(self, *args, **options):
        version, created = policy_seed()
        verb = "Loaded" if created else "Already present:"
        self.stdout.write(f"{verb} policy version {version.number} ({version.content_hash[:12]})")
        added = policy_scenarios_seed(policy=version.policy)
        if added:
            self.stdout.write(f"Loaded {added} policy test cases")
