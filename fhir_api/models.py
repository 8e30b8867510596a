"""Which decisions came through the FHIR API, from which client. Append-only.

Kept beside the decision rather than in it, so the decision table, its hash and its chain are
unchanged: a decision made through the API is a decision like any other.
"""

import pgtrigger
from django.db import models

from core.triggers import protect_truncate


class ApiSubmission(models.Model):
    """A decision recorded from a QuestionnaireResponse posted by an API client."""

    decision = models.OneToOneField(
        "triage.Decision", on_delete=models.PROTECT, related_name="api_submission"
    )
    client_id = models.CharField(max_length=200)
    client_name = models.CharField(max_length=200)
    response_system = models.CharField(max_length=500, blank=True)
    response_identifier = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_id", "response_system", "response_identifier"],
                name="apisubmission_one_per_response",
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="api_submission_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("api_submission_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.response_identifier} from {self.client_name}"
