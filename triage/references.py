"""Decision reference numbers: short, unguessable, and easy to read aloud over the phone."""

import re
import secrets
from collections.abc import Iterable

from django.urls import reverse

# Crockford-style alphabet without 0, 1, I, L, O and U, which are misread or misheard.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "FT"


def reference_generate() -> str:
    """For example FT-7K3Q-9M2D: 30^8 (about 6.6e11) possibilities, drawn with `secrets`."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def reference_normalise(raw: str) -> str:
    """Accept what people type: any case, spaces, missing hyphens."""
    compact = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != 8:
        return (raw or "").strip().upper()
    return f"{PREFIX}-{compact[:4]}-{compact[4:]}"


SHAPE = re.compile(rf"{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}\Z")
_SAMPLE = f"{PREFIX}-2222-2222"


def reference_urls(viewname: str, references: Iterable[str]) -> list[str]:
    """`reverse(viewname, args=[reference])` for each reference, reversing once: a reference
    of the generated shape needs no quoting, so each URL is the sample's with the reference in
    its place (twenty reversals were a tenth of the start page). Any other string is reversed.
    """
    head, _, tail = reverse(viewname, args=[_SAMPLE]).rpartition(_SAMPLE)
    return [
        f"{head}{reference}{tail}"
        if SHAPE.match(reference)
        else reverse(viewname, args=[reference])
        for reference in references
    ]
