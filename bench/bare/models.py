"""The bare view's own table: the columns of a decision, without the chain or any trigger."""

import uuid

from django.db import models


class BareDecision(models.Model):
    reference = models.CharField(max_length=12)
    submission_key = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)
    nhs_number = models.CharField(max_length=10)
    answers = models.JSONField()
    outcome = models.CharField(max_length=40)
    findings = models.JSONField()
    advice = models.JSONField()
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)

    class Meta:
        app_label = "bare"
        db_table = "bench_bare_decision"

    def __str__(self) -> str:
        return self.reference
