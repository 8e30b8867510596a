"""The ICB reviewer's records: verdicts on decisions and runs of the chain verifier."""

import pgtrigger
from django.conf import settings
from django.db import models

from core.triggers import chain_extends, protect_truncate
from triage.models import Decision


class Review(models.Model):
    """An ICB reviewer's verdict on a decision. Append-only and hash-chained; the latest counts."""

    class Verdict(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"
        REFER_IFR = "refer_ifr", "Refer to individual funding request panel"
        MORE_INFORMATION = "more_information", "More information needed"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # The one-time token of the form that recorded it, so a double submit records one review.
    submission_key = models.UUIDField(unique=True, null=True, blank=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "triage_review"
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["decision", "-sequence"], name="review_decision_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verdict="disagree") | ~models.Q(reason=""),
                name="review_disagree_needs_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    verdict__in=["agree", "disagree", "refer_ifr", "more_information"]
                ),
                name="review_verdict_known",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="review_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("review_no_truncate"),
            chain_extends("review_chain_extends"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} on {self.decision_id}"


class ChainVerification(models.Model):
    """One run of the chain verifier and what it found. Append-only."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    decisions_checked = models.PositiveBigIntegerField()
    reviews_checked = models.PositiveBigIntegerField()
    first_problem = models.TextField(blank=True)
    run_by = models.CharField(max_length=150)

    class Meta:
        db_table = "triage_chainverification"
        ordering = ["-finished_at", "-id"]
        triggers = [
            pgtrigger.Protect(
                name="chain_verification_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
            protect_truncate("chain_verification_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{'OK' if self.ok else 'FAILED'} at {self.finished_at:%Y-%m-%d %H:%M}"
