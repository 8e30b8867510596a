"""Who may reach each URL, as one table; the URLs come from the resolver, so a new URL without
a row here fails the test until its permissions are decided and proven."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fhir_api.resources import QUESTIONNAIRE_SLUG
from policy.models import PolicyScenario
from policy.services import policy_version_draft_start
from review.services.jobs import chain_verify_job_queue
from tests.conftest import answers_for, client_for
from tests.security.urlconf import routes
from triage.services.checks import check_start
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
    "transparency_checkpoint": ALL,
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
    "policy:draft_ready": ADMIN,
    "policy:draft_wording": ADMIN,
    "policy:draft_scenarios": ADMIN,
    "policy:version_withdraw": ADMIN,
    "policy:scenarios": ADMIN,
    "policy:scenario_add": ADMIN,
    "policy:scenario_edit": ADMIN,
    "policy:scenario_delete": ADMIN,
    "policy:scenario_import": ADMIN,
    "policy:scenario_export": ADMIN,
    "impact:": ADMIN,
    # A GP of the decision's practice replies to a request for more information.
    "review:practice_reply": GP,
    # Only the reviewer who asked for an export downloads it (tests/review/test_jobs.py); the job
    # here is a chain verification, which has no file, so every persona gets 404.
    "review:job_download": frozenset(),
    "preview:": ADMIN,
    "privacy": ALL,
    # POST only; a signed-out browser gets 401 rather than a redirect to sign-in.
    "keep_alive": ALL - {"anonymous"},
    # Public: a published policy version as a FHIR Questionnaire, and the API's description.
    "fhir_api:questionnaire_search": ALL,
    "fhir_api:questionnaire": ALL,
    "fhir_api:openapi": ALL,
    # Bearer tokens only: a browser session (cookie) never reaches these.
    "fhir_api:response_submit": frozenset(),
    "fhir_api:response_evaluate": frozenset(),
    "fhir_api:guidance_response": frozenset(),
    # NHS CIS2 sign-in is off in the test settings (AUTH_METHODS=local).
    "nhs_login:": frozenset(),
    # A practice's own figures: its GPs only (tests/review/test_dashboard.py).
    "review:practice_dashboard": GP,
    "review:practice_dashboard_csv": GP,
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
                   "review_chainverification", "django_tasks_database_")  # fmt: skip
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


def _denied(response, *, posted: bool = False) -> bool:
    # 401: no bearer token. 400 to a GET: a request the view refuses (a sign-in callback without
    # its state); 400 to an empty POST is the form's validation, so the persona got through.
    if response.status_code in (401, 403, 404) or (response.status_code == 400 and not posted):
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


def test_access_matrix_from_the_urlconf(
    personas, gp, practice, policy_v1, policy_admin, checkpoints
):
    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(),
        submission_key=uuid.uuid4(),
    )
    draft = policy_version_draft_start(user=policy_admin)
    scenario = PolicyScenario.objects.create(
        policy=policy_v1.policy,
        name="Isolated back pain",
        answers=answers_for(),
        expected_outcome="not_routinely_commissioned",
        updated_by=policy_admin,
    )
    check = check_start(user=gp, practice=practice)
    job = chain_verify_job_queue(user=personas["reviewer"])
    call_command("chain_checkpoint")  # checkpoint 1, public like the page that lists it
    values = {
        "reference": decision.reference,
        "step": "patient",
        "object_id": str(personas["superuser"].pk),
        "content_type_id": str(ContentType.objects.get_for_model(get_user_model()).pk),
        "id": str(personas["superuser"].pk),
        "app_label": "triage",
        "url": "auth/",  # the admin's catch-all: an app index
        "table": "outcomes",  # one of the dashboard's tables, as CSV
    }
    # One signed-in client per persona, signed in again only when a route signed it out:
    # signing in afresh for each of the ~1,000 requests was most of this test's time.
    clients = {
        persona: client_for(user) if user else Client() for persona, user in personas.items()
    }
    wrong = []
    for route in routes():
        expected = allowed_for(route.name)
        params = {name: values.get(name, "1") for name in route.params}
        if route.name.startswith("preview:"):
            params["step"] = "red-flags"
        if "resource_id" in route.params:
            params["resource_id"] = f"{QUESTIONNAIRE_SLUG}-v{policy_v1.number}"
        if "job_id" in route.params:
            params["job_id"] = str(job.pk)
        if "check_id" in route.params:
            params["check_id"] = str(check.pk)
        if "pk" in route.params:
            params["pk"] = str(
                scenario.pk if route.name.startswith("policy:scenario") else draft.pk
            )
        if "number" in route.params:
            params["number"] = str(draft.number if "draft" in route.name else policy_v1.number)
        url = route.url(**params)
        for persona, user in personas.items():
            client = clients[persona]
            if user and "_auth_user_id" not in client.session:
                client = clients[persona] = client_for(user)
            response, posted = client.get(url), False
            if response.status_code == 405:
                response, posted = client.post(url, {}), True
            got = route.name in ENDS_AT_SIGN_IN or not _denied(response, posted=posted)
            if got != (persona in expected):
                verb = "reached" if got else "was refused"
                wrong.append(f"{persona} {verb} {url} ({response.status_code})")
    assert not wrong, "\n".join(wrong)
