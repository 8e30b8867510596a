"""Hostile values in every path parameter and query string of every URL, as every persona.

The URLs come from the resolver, so a new page is walked the day it is added. Any 5xx fails.
"""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.security.test_access_matrix import allowed_for
from tests.security.urlconf import routes

HOSTILE = [
    "\x00",
    "x" * 10_000,
    "../../../../etc/passwd",
    "ünïcødé ✓ 😀 \u202e",
    "' OR '1'='1'; --",
    "99999999999999999999",
    "-1",
    "%",
]
# Query and form keys the pages read, plus one they never read.
KEYS = ("q", "page", "cursor", "sort", "outcome", "practice", "policy_version", "reviewed",
        "date_from_day", "date_from_month", "date_from_year", "month", "size", "next",
        "change", "submission_key", "verdict", "effective_from_year", "nonsense")  # fmt: skip
PERSONAS = ("anonymous", "gp", "reviewer", "policy_admin", "no_role_user", "superuser")
# The access matrix's name for each persona.
MATRIX_NAME = {"no_role_user": "no_role"}


def _client(persona: str, request) -> Client:
    client = Client(raise_request_exception=False)
    if persona == "anonymous":
        return client
    if persona == "superuser":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username="root").first()
        return client_for(user or get_user_model().objects.create_superuser("root", "", "x" * 20))
    return client_for(request.getfixturevalue(persona))


def _rotation(shift: int) -> dict[str, str]:
    """Every key gets a hostile value (no NUL: a NUL anywhere answers 400 before anything else)."""
    values = HOSTILE[1:]
    return {key: values[(i + shift) % len(values)] for i, key in enumerate(KEYS)}


def _requests(route) -> list[tuple[str, str, dict]]:
    """(method, url, data): each hostile value in every path parameter, then in every key."""
    base = route.url(**dict.fromkeys(route.params, "1"))
    planned = [
        ("GET", base, {"q": "\x00"}),
        ("GET", base, _rotation(0)),
        ("POST", base, _rotation(1)),
    ]
    for value in HOSTILE if route.params else ():
        url = route.url(**dict.fromkeys(route.params, quote(value, safe="")))
        planned.append(("GET", url, {}))
        planned.append(("POST", url, {}))
    return planned


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_url_gives_a_server_error_for_hostile_input(persona, request, policy_v1, practice):
    client = _client(persona, request)
    failures = []
    for route in routes():
        if route.name.startswith("admin:") and persona not in ("superuser", "anonymous"):
            # Non-staff personas get the admin's sign-in redirect for every admin URL; the
            # access-matrix test proves that, so walking them all again adds only time.
            continue
        planned = _requests(route)
        reaches = MATRIX_NAME.get(persona, persona) in (allowed_for(route.name) or ())
        if persona != "anonymous" and not reaches:
            # Refused before the view reads anything (the access matrix proves the refusal):
            # hostile query and form values once, not every hostile path value again. The
            # anonymous walk still sends every value to every URL.
            planned = planned[:3]
        for method, url, data in planned:
            if method == "GET":
                status = client.get(url + ("?" + urlencode(data) if data else "")).status_code
            else:
                status = client.post(url, data).status_code
            if status >= 500:
                shown = next(iter(data.values()), "")[:20] if data else ""
                failures.append(f"{method} {url[:80]} {shown!r}: {status}")
            if persona != "anonymous" and "_auth_user_id" not in client.session:
                client = _client(persona, request)  # a POST to sign-out signed us out
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])
