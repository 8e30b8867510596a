"""Who may reach each URL, as one table; the URLs come from the resolver, so a new URL without
a row here fails the test until its permissions are decided and proven."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from policy.services import policy_version_draft_start
from tests.conftest import answers_for, client_for
from tests.security.urlconf import routes
from triage.services.decisions import decision_record

ALL = frozenset({"anonymous", "gp", "reviewer", "policy_admin", "no_role", "superuser"})
GP, REVIEWER, ADMIN = frozenset({"gp"}), frozenset({"reviewer"}), frozenset({"policy_admin"})
SUPERUSER = frozenset({"superuser"})

# URL name (or "namespace:" for a whole namespace) -> the personas who get past the checks.
ACCESS: dict[str, frozenset[str]] = {
    "home": GP | REVIEWER | ADMIN,
    "login": ALL,
    "logout": ALL,
    "healthz": ALL,
    "accessibility": ALL,
    "transparency": ALL,
    "policy:current": ALL,
    "policy:versions": ALL,
    "policy:version": ALL,
    "policy:manage": ADMIN,
    "policy:draft_start": ADMIN,
    "policy:draft_edit": ADMIN,
    "policy:draft_preview": ADMIN,
    "policy:draft_diff": ADMIN,
    "policy:draft_publish": ADMIN,
    "policy:draft_discard": ADMIN,
    "review:": REVIEWER,
    "triage:": GP,
    "otp:": ALL - {"anonymous"},
    "admin:login": ALL,
    "admin:logout": ALL,
    # Needs app_label, model_name and field_name in the query; without them, refused for all.
    "admin:autocomplete": frozenset(),
    # No model in the admin has get_absolute_url, so "view on site" is a 404 for everyone.
    "admin:view_on_site": frozenset(),
    "admin:": SUPERUSER,
}
# Audit tables and axes' records are read-only in the admin, even for a superuser.
READ_ONLY_ADMIN = ("axes_", "otp_totp_", "policy_policyversion", "policy_policyeditevent",
                   "triage_decision", "triage_accessevent", "review_review",
                   "review_chainverification")  # fmt: skip
# (axes' and the TOTP admin refuse add but let a superuser delete: to unlock a user, or to
# reset a lost second factor.)
# Signing out ends at the sign-in page: that redirect is success, not a refusal.
ENDS_AT_SIGN_IN = {"logout", "admin:logout"}


def allowed_for(name: str) -> frozenset[str] | None:
    if name in ACCESS:
        return ACCESS[name]
    for prefix in READ_ONLY_ADMIN:
        refused = ("_add",) if prefix in ("axes_", "otp_totp_") else ("_add", "_delete")
        if name.startswith(f"admin:{prefix}") and name.endswith(refused):
            return frozenset()
    namespace = name.split(":")[0] + ":" if ":" in name else None
    return ACCESS.get(namespace) if namespace else None


def test_every_url_has_a_row_in_the_access_table():
    unmapped = sorted({r.template for r in routes() if allowed_for(r.name) is None})
    assert not unmapped, f"URLs with no access rule: {unmapped}"


def _denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.get("Location", "").split("?")[0]
    return response.status_code == 302 and location in (reverse("login"), reverse("admin:login"))


@pytest.fixture
def personas(request, gp, reviewer, policy_admin, no_role_user) -> dict[str, object]:
    superuser = get_user_model().objects.create_superuser("root", "", "x" * 20)
    return {
        "anonymous": None,
        "gp": gp,
        "reviewer": reviewer,
        "policy_admin": policy_admin,
        "no_role": no_role_user,
        "superuser": superuser,
    }


def test_access_matrix_from_the_urlconf(personas, gp, practice, policy_v1, policy_admin):
    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(),
        submission_key=uuid.uuid4(),
    )
    draft = policy_version_draft_start(user=policy_admin)
    values = {
        "reference": decision.reference,
        "step": "patient",
        "object_id": str(personas["superuser"].pk),
        "content_type_id": str(ContentType.objects.get_for_model(get_user_model()).pk),
        "id": str(personas["superuser"].pk),
        "app_label": "triage",
        "url": "auth/",  # the admin's catch-all: an app index
    }
    wrong = []
    for route in routes():
        expected = allowed_for(route.name)
        params = {name: values.get(name, "1") for name in route.params}
        if "number" in route.params:
            params["number"] = str(draft.number if "draft" in route.name else policy_v1.number)
        url = route.url(**params)
        for persona, user in personas.items():
            client = client_for(user) if user else Client()
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
            got = route.name in ENDS_AT_SIGN_IN or not _denied(response)
            if got != (persona in expected):
                verb = "reached" if got else "was refused"
                wrong.append(f"{persona} {verb} {url} ({response.status_code})")
    assert not wrong, "\n".join(wrong)
