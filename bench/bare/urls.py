"""`/insert/` stores one decision-sized row; `/healthz` answers without touching the database."""

import hashlib
import secrets

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bench.bare.models import BareDecision

ANSWERS = {
    "pain_location": "back_only",
    "red_flags": [],
    "conditions": ["sacroiliac_joint_dysfunction"],
    "decompression_planned": False,
    "decompression_destabilising": None,
}
FINDINGS = [
    {
        "code": "EXCLUDED_SACROILIAC",
        "clause": "excluded-indications",
        "text": "Sacroiliac joint dysfunction is outside the scope of this statement.",
    },
    {
        "code": "OUTSIDE_STATEMENT",
        "clause": "scope",
        "text": "Refer through the usual pathway for the condition the patient has.",
    },
]
ADVICE = [{"code": "USUAL_PATHWAY", "text": "Refer through the usual pathway."}]


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    reference = "FT-" + secrets.token_hex(4).upper()[:4] + "-" + secrets.token_hex(2).upper()
    digest = hashlib.sha256(reference.encode()).hexdigest()
    BareDecision.objects.create(
        reference=reference,
        nhs_number="9434765919",
        answers=ANSWERS,
        outcome="outside_statement",
        findings=FINDINGS,
        advice=ADVICE,
        content_hash=digest,
        previous_hash=digest,
    )
    return HttpResponse(reference, content_type="text/plain")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("insert/", insert), path("healthz", healthz)]
