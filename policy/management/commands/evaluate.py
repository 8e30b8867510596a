"""Apply a published policy version to answers read as JSON on standard input."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from policy import engine
from policy.selectors import policy_version_in_effect, policy_version_published_list
from policy.services import policy_rules


class Command(BaseCommand):
    help = (
        "Read answers JSON on stdin, apply the current (or --version N) published policy "
        "version and print the decision as JSON. Invalid input exits with status 2."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version here is the policy version, replacing Django's own --version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--version", type=int, dest="number", help="Published version number.")

    def handle(self, *args, number: int | None = None, **options):
        if number is None:
            version = policy_version_in_effect()
            if version is None:
                raise CommandError("No published policy version is in effect", returncode=2)
        else:
            version = policy_version_published_list().filter(number=number).first()
            if version is None:
                raise CommandError(f"There is no published policy version {number}", returncode=2)
        raw = sys.stdin.read()
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise CommandError(f"answers: not valid JSON ({error.msg})", returncode=2) from error
        try:
            answers = engine.parse_answers(data)
        except engine.AnswersError as error:
            raise CommandError(str(error), returncode=2) from error
        decision = engine.evaluate(policy_rules(version), answers)
        self.stdout.write(
            json.dumps(
                {
                    "outcome": str(decision.outcome),
                    "findings": [
                        {"code": f.code, "clause": f.clause, "text": f.text}
                        for f in decision.findings
                    ],
                    "policy_version": version.number,
                    "policy_hash": version.content_hash,
                    "engine_version": decision.engine_version,
                },
                indent=2,
            )
        )
