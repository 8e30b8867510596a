"""Signed checkpoints kept outside the database: Ed25519 keys, signatures and an append-only folder.

A checkpoint is a JSON document whose `checkpoint` object (what the chains looked like at one
moment; built by review.services.checkpoints) is signed with an Ed25519 key the database never
holds. The signed bytes are that object as canonical JSON (keys sorted, no spaces: what
`jq -cjS .checkpoint` prints), so anyone with the public key can check a file without this code.
Files are only ever added to the folder, each under the next serial number, never overwritten.

Keys: CHECKPOINT_SIGNING_KEY (the text of the key) or CHECKPOINT_SIGNING_KEY_FILE (a path), either
a PEM "PRIVATE KEY" (PKCS#8, as `openssl genpkey -algorithm ed25519` writes) or the 32 raw bytes
in base64. A verifier that must not hold the private key reads CHECKPOINT_PUBLIC_KEY_FILE (PEM
"PUBLIC KEY" or 32 raw bytes in base64); without it the public key is derived from the signing key.
"""

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from core.chain import canonical_json

FORMAT = "fusion-triage-checkpoint/1"
ALGORITHM = "Ed25519"
FILE_PREFIX = "checkpoint-"
FILE_SUFFIX = ".json"


class CheckpointError(Exception):
    """A key or a checkpoint that cannot be used; the message says why, for the operator."""


@dataclass(frozen=True)
class SignedCheckpoint:
    """One checkpoint file whose signature verified."""

    path: Path
    body: dict
    signature: str

    @property
    def serial(self) -> int:
        return int(self.body["serial"])

    @property
    def digest(self) -> str:
        """SHA-256 of the signed bytes: what the next checkpoint names as its predecessor."""
        return hashlib.sha256(signed_bytes(self.body)).hexdigest()


def signed_bytes(body: dict) -> bytes:
    return canonical_json(body).encode()


# Keys ---------------------------------------------------------------------------------------


def signing_key_parse(text: str, origin: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CheckpointError(f"{origin} is not an Ed25519 private key ({error})") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{origin} is a {type(key).__name__}, not an Ed25519 key")
    return key


def public_key_parse(text: str, origin: str) -> Ed25519PublicKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CheckpointError(f"{origin} is not an Ed25519 public key ({error})") from error
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{origin} is a {type(key).__name__}, not an Ed25519 key")
    return key


def _read(path: str | Path, setting: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as error:
        raise CheckpointError(f"{setting} {path} cannot be read: {error.strerror}") from error


def signing_key_load() -> Ed25519PrivateKey:
    """The signing key from CHECKPOINT_SIGNING_KEY or CHECKPOINT_SIGNING_KEY_FILE."""
    if settings.CHECKPOINT_SIGNING_KEY:
        return signing_key_parse(settings.CHECKPOINT_SIGNING_KEY, "CHECKPOINT_SIGNING_KEY")
    if settings.CHECKPOINT_SIGNING_KEY_FILE:
        path = settings.CHECKPOINT_SIGNING_KEY_FILE
        return signing_key_parse(
            _read(path, "CHECKPOINT_SIGNING_KEY_FILE"), f"CHECKPOINT_SIGNING_KEY_FILE {path}"
        )
    raise CheckpointError(
        "No checkpoint signing key: set CHECKPOINT_SIGNING_KEY_FILE (a path) or "
        "CHECKPOINT_SIGNING_KEY"
    )


def signing_key_configured() -> bool:
    return bool(settings.CHECKPOINT_SIGNING_KEY or settings.CHECKPOINT_SIGNING_KEY_FILE)


def public_key_load() -> Ed25519PublicKey:
    """The key checkpoints are checked with: CHECKPOINT_PUBLIC_KEY_FILE, else the signing key's."""
    if settings.CHECKPOINT_PUBLIC_KEY_FILE:
        path = settings.CHECKPOINT_PUBLIC_KEY_FILE
        return public_key_parse(
            _read(path, "CHECKPOINT_PUBLIC_KEY_FILE"), f"CHECKPOINT_PUBLIC_KEY_FILE {path}"
        )
    return signing_key_load().public_key()


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signing_key_generate(path: str | Path) -> bool:
    """Write a new key to `path` (PEM, readable by its owner only) unless one is there; True if
    one was written."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    return True


# Signing and checking ----------------------------------------------------------------------


def checkpoint_sign(body: dict, key: Ed25519PrivateKey) -> dict:
    """The document written to the folder: the body, its signature and which key made it."""
    return {
        "checkpoint": body,
        "algorithm": ALGORITHM,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(key.sign(signed_bytes(body))).decode(),
    }


def checkpoint_check(
    document: object, public_key: Ed25519PublicKey, *, path: Path
) -> SignedCheckpoint:
    """The checkpoint in `document` if its signature verifies with `public_key`; otherwise
    CheckpointError saying what is wrong with it."""
    if not isinstance(document, dict) or not isinstance(document.get("checkpoint"), dict):
        raise CheckpointError(f'{path.name} is not a checkpoint (no "checkpoint" object)')
    body = document["checkpoint"]
    if body.get("format") != FORMAT or not isinstance(body.get("serial"), int):
        raise CheckpointError(f"{path.name} is not a {FORMAT} checkpoint")
    if document.get("algorithm") != ALGORITHM:
        raise CheckpointError(f"{path.name} is not signed with {ALGORITHM}")
    try:
        signature = base64.b64decode(str(document.get("signature", "")), validate=True)
        public_key.verify(signature, signed_bytes(body))
    except (InvalidSignature, binascii.Error, ValueError) as error:
        raise CheckpointError(
            f"{path.name}: the signature does not verify with the checkpoint public key "
            f"{key_id(public_key)} — the file was forged, altered or signed with another key"
        ) from error
    return SignedCheckpoint(path=path, body=body, signature=document["signature"])


def checkpoint_read(path: Path, public_key: Ed25519PublicKey) -> SignedCheckpoint:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{path.name} cannot be read as JSON: {error}") from error
    return checkpoint_check(document, public_key, path=path)


# The folder ---------------------------------------------------------------------------------


def checkpoint_dir() -> Path | None:
    return Path(settings.CHECKPOINT_DIR) if settings.CHECKPOINT_DIR else None


def checkpoint_paths(directory: Path) -> list[Path]:
    """Every checkpoint file in the folder, oldest (lowest serial) first."""
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.name.startswith(FILE_PREFIX) and p.name.endswith(FILE_SUFFIX)
    )


def serial_of(path: Path) -> int:
    try:
        return int(path.name[len(FILE_PREFIX) : -len(FILE_SUFFIX)])
    except ValueError:
        return 0


@dataclass(frozen=True)
class FolderState:
    """The latest checkpoint whose signature verifies, and every file that did not."""

    latest: SignedCheckpoint | None
    rejected: list[str]
    files: int


def checkpoint_latest(directory: Path, public_key: Ed25519PublicKey) -> FolderState:
    """Read the folder newest first: stop at the first file that verifies; every file newer than
    it that does not verify is reported (a forged or damaged checkpoint is itself a finding)."""
    paths = checkpoint_paths(directory)
    rejected = []
    for path in reversed(paths):
        try:
            checkpoint = checkpoint_read(path, public_key)
        except CheckpointError as error:
            rejected.append(str(error))
            continue
        if checkpoint.serial != serial_of(path):
            rejected.append(
                f"{path.name} holds checkpoint serial {checkpoint.serial}: the file was renamed"
            )
            continue
        return FolderState(checkpoint, rejected, len(paths))
    return FolderState(None, rejected, len(paths))


def checkpoint_path(directory: Path, serial: int) -> Path:
    return directory / f"{FILE_PREFIX}{serial:08d}{FILE_SUFFIX}"


def checkpoint_store(document: dict, directory: Path) -> Path:
    """Add the document under its serial; never overwrites (the file must not exist yet)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = checkpoint_path(directory, document["checkpoint"]["serial"])
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError as error:
        raise CheckpointError(
            f"{path.name} already exists: checkpoints are never overwritten"
        ) from error
    with os.fdopen(fd, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    return path


def next_serial(directory: Path) -> int:
    """One more than the highest serial in the folder, whether or not that file verifies."""
    paths = checkpoint_paths(directory)
    return max((serial_of(p) for p in paths), default=0) + 1


def checkpoint_log_problems(
    directory: Path, public_key: Ed25519PublicKey, since: SignedCheckpoint
) -> list[str]:
    """Whether the folder's checkpoints from `since` on form one growing line: the folder holds
    the very checkpoint `since` is (not another one signed under its number), each later valid
    checkpoint names the one before it, and no chain ever has fewer rows than before."""
    problems = []
    previous: SignedCheckpoint | None = None
    for path in checkpoint_paths(directory):
        if serial_of(path) < since.serial:
            continue
        try:
            current = checkpoint_read(path, public_key)
        except CheckpointError as error:
            problems.append(f"A checkpoint file was rejected: {error}")
            continue
        if previous is None:
            if current.serial != since.serial:
                problems.append(f"The folder has no checkpoint {since.serial}: it was removed.")
            elif current.digest != since.digest:
                problems.append(
                    f"The folder's checkpoint {since.serial} is not the one you hold: two "
                    "different histories were signed under the same number."
                )
                return problems
            previous = current if current.serial == since.serial else since
            if current.serial == since.serial:
                continue
        link = current.body.get("previous") or {}
        if link.get("sha256") != previous.digest:
            problems.append(
                f"Checkpoint {current.serial} does not name checkpoint {previous.serial} as the "
                "one before it: a checkpoint was removed or the line was forked."
            )
        for key, head in (previous.body.get("chains") or {}).items():
            now = (current.body.get("chains") or {}).get(key)
            if now is None or now["count"] < head["count"] or now["sequence"] < head["sequence"]:
                problems.append(
                    f"Checkpoint {current.serial} records fewer {key} rows than checkpoint "
                    f"{previous.serial}: that chain shrank."
                )
        previous = current
    if previous is None:
        problems.append(f"The folder has no checkpoint {since.serial} or later.")
    return problems
