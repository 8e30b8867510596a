"""Sign the head of every chain and every published policy version's hash into CHECKPOINT_DIR;
or check that the history only grew since a checkpoint you hold."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.checkpoints import (
    CheckpointError,
    checkpoint_dir,
    checkpoint_log_problems,
    checkpoint_read,
    public_key_load,
    public_key_parse,
    signing_key_generate,
)
from review.services.checkpoints import checkpoint_name, checkpoint_take
from review.services.verify import chain_consistency


class Command(BaseCommand):
    help = (
        "Add a signed checkpoint (head, hash and row count of every chain; hash of every "
        "published policy version) to CHECKPOINT_DIR. Refused, exit 1, when the database no "
        "longer extends the latest checkpoint. --verify-consistency FILE checks instead that "
        "today's chains extend the ones FILE recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write a checkpoint even when nothing changed since the last one.",
        )
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Write a new signing key to CHECKPOINT_SIGNING_KEY_FILE unless it exists, then "
            "stop (`make run` does this for development).",
        )
        parser.add_argument(
            "--verify-consistency",
            metavar="FILE",
            help="A checkpoint you kept: check its signature, that the database's chains still "
            "hold its heads and grew from them, and that the folder's checkpoints since then "
            "form one growing line.",
        )
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            help="With --verify-consistency: the public key to check signatures with (PEM or "
            "base64), e.g. the one published on /transparency/. Default: the configured key.",
        )

    def handle(self, *args, **options):
        try:
            if options["generate_key"]:
                return self._generate_key()
            if options["verify_consistency"]:
                return self._verify(Path(options["verify_consistency"]), options["public_key"])
            taken = checkpoint_take(force=options["force"])
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        for reason in taken.rejected:
            self.stderr.write(f"Warning: a checkpoint file was rejected: {reason}")
        if taken.path is None:
            self.stdout.write(f"Nothing changed since checkpoint {taken.serial}; none written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Checkpoint {taken.serial} written: {taken.path}")
            )

    def _generate_key(self) -> None:
        path = settings.CHECKPOINT_SIGNING_KEY_FILE
        if not path:
            raise CommandError("CHECKPOINT_SIGNING_KEY_FILE is not set")
        if signing_key_generate(path):
            self.stdout.write(f"Wrote a new checkpoint signing key to {path}")
        else:
            self.stdout.write(f"Checkpoint signing key {path} already exists; kept")

    def _verify(self, path: Path, public_key_file: str | None) -> None:
        if public_key_file:
            try:
                text = Path(public_key_file).read_text()
            except OSError as error:
                raise CommandError(f"{public_key_file} cannot be read: {error.strerror}") from error
            public = public_key_parse(text, public_key_file)
        else:
            public = public_key_load()
        held = checkpoint_read(path, public)
        problems, grown = chain_consistency(held)
        directory = checkpoint_dir()
        if directory is not None:
            problems += checkpoint_log_problems(directory, public, held)
        if problems:
            raise CommandError(
                f"The history did not only grow since {checkpoint_name(held)}:\n"
                + "\n".join(f"- {p}" for p in problems)
            )
        growth = ", ".join(f"{key} +{n}" for key, n in grown.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Consistent: every chain extends {checkpoint_name(held)} ({growth} rows since); "
                "its policy versions are unchanged."
            )
        )
