"""Walking a referral check through Django's test client, page by page, at its own address."""

import uuid

from django.urls import reverse

PAGES = {
    "patient": {"nhs_number": "9434765919"},
    "red-flags": {"red_flags": ["none"]},
    "pain": {"pain_location": "back_only"},
    "conditions": {"conditions": ["none"]},
    "decompression": {"decompression_planned": "no"},
}


def begin(client) -> uuid.UUID:
    """Start a referral check; returns its id (from the address of its first page)."""
    response = client.post(reverse("triage:begin"))
    assert response.status_code == 302, response
    return uuid.UUID(response["Location"].split("/")[3])


def step_url(check_id, step: str, *, change: bool = False) -> str:
    url = reverse("triage:step", args=[check_id, step])
    return f"{url}?change=1" if change else url


def check_url(check_id) -> str:
    return reverse("triage:check", args=[check_id])


def answer(client, check_id, step: str, data: dict | None = None, *, change: bool = False):
    return client.post(
        step_url(check_id, step, change=change), PAGES[step] if data is None else data
    )


def answer_all(client, check_id=None, **pages) -> uuid.UUID:
    """Answer every page (overriding any with `pages`, keyed by step with _ for -) so the
    check page is next; returns the check's id."""
    check_id = check_id or begin(client)
    for step in PAGES:
        response = answer(client, check_id, step, pages.get(step.replace("-", "_")))
        assert response.status_code == 302, response.content.decode()[:2000]
    return check_id


def answer_every_question(client, conditions=("none",)) -> uuid.UUID:
    """Walk a GP through every page to the check page; returns the check's id."""
    return answer_all(client, conditions={"conditions": list(conditions)})


def submit(client, check_id):
    return client.post(check_url(check_id))


def warm_session(client) -> str:
    """Two pages, so this process holds the session's hint (triage.session_store); returns the
    session key."""
    start = reverse("triage:start")
    assert client.get(start).status_code == 200
    assert client.get(start).status_code == 200
    return client.session.session_key
