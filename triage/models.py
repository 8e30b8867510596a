"""Who refers (practices, clinicians) and the append-only records of decisions and reviews."""

import uuid

import pgtrigger
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from core.triggers import chain_extends, protect_truncate
from policy.engine.vocabulary import OUTCOME_CHOICES, OUTCOME_CODES

ods_code_validator = RegexValidator(
    r"^[A-Z][0-9A-Z]{2,5}$",
    "Enter an ODS code in the correct format, like C81001",
)


class Practice(models.Model):
    """A GP practice, identified by its Organisation Data Service (ODS) code."""

    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[ods_code_validator]
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class Clinician(models.Model):
    """Links a GP's user account to the practice they refer from."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinician"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clinicians")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} at {self.practice}"


class Decision(models.Model):
    """One triage decision: the answers, what the engine made of them, and under which policy.

    Append-only (PostgreSQL trigger) and hash-chained: each row stores the
    SHA-256 of its canonical content and the hash of the row before it.
    """

    reference = models.CharField(max_length=12, unique=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    submission_key = models.UUIDField(unique=True)
    created_at = models.DateTimeField()
    nhs_number = models.CharField("NHS number", max_length=10)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="decisions")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="decisions"
    )
    policy_hash = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    answers = models.JSONField()
    outcome = models.CharField(max_length=40, choices=OUTCOME_CHOICES)
    findings = models.JSONField()
    advice = models.JSONField(default=list, blank=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["practice", "-sequence"], name="decision_practice_idx"),
            models.Index(fields=["outcome", "-sequence"], name="decision_outcome_idx"),
            models.Index(fields=["nhs_number"], name="decision_nhs_number_idx"),
            # Covers the dashboards (counts by month, practice, outcome, policy version and, for
            # a practice's own page, clinician; the backlog; agreement) with index-only scans
            # instead of reading every row of the period.
            models.Index(
                fields=["created_at"],
                include=["id", "outcome", "practice", "policy_version", "clinician"],
                name="decision_period_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="decision_nhs_number_10_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=OUTCOME_CODES),
                name="decision_outcome_known",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="decision_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("decision_no_truncate"),
            chain_extends("decision_chain_extends"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def marked_entered_in_error(self) -> bool:
        """Whether a correction marks this decision entered in error. For templates: a missing
        one-to-one raises, and a template's failed lookup costs a `dir()` of the instance."""
        related = Decision.correction.related
        if related.is_cached(self):  # read with the decision (None: it stands)
            return related.get_cached_value(self) is not None
        try:
            return self.correction is not None
        except ObjectDoesNotExist:
            return False


class AccessEvent(models.Model):
    """Who looked at which decision, or exported what. Append-only and hash-chained, like the
    decisions (rows logged before the chain existed were linked, in id order, by migration 0015).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed decision"
        EXPORT = "export", "Exported decisions"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    query = models.TextField(blank=True)
    # Set before the row is hashed (auto_now_add would only set it at save, after the hash).
    at = models.DateTimeField(default=timezone.now)
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["decision", "-at"], name="accessevent_decision_idx")]
        triggers = [
            pgtrigger.Protect(
                name="access_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("access_event_no_truncate"),
            chain_extends("access_event_chain_extends"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


class ReferralCheck(models.Model):
    """A GP's referral check in progress (a draft), then the link to the decision it made.

    Not an audit record: a draft may be deleted, and old unsubmitted drafts are purged. Its
    random id is both its address (/referrals/checks/<id>/...) and the submission key of the
    decision it makes, so every page and every POST applies to this check only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_checks"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    last_step = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="referral_check"
    )
    # Set when this check was started to replace a decision entered in error.
    corrects = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="correcting_checks"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["clinician", "-updated_at"],
                condition=models.Q(decision__isnull=True),
                name="check_in_progress_idx",
            ),
            models.Index(
                fields=["updated_at"],
                condition=models.Q(decision__isnull=True),
                name="check_stale_draft_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nhs_number="") | models.Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="check_nhs_number_10_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral check {self.pk}"


class DecisionCorrection(models.Model):
    """A decision marked "entered in error": who, when and why. Append-only and hash-chained.

    The decision itself is never changed. A replacement, if one is made, is the decision of
    the ReferralCheck whose `corrects` points at the original.
    """

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="correction")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    reason = models.CharField(max_length=1000)
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="correction_reason_required"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="correction_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("correction_no_truncate"),
            chain_extends("correction_chain_extends"),
        ]

    def __str__(self) -> str:
        return f"Correction of decision {self.decision_id}"


class StartBackScore(models.Model):
    """A STarT Back score added to a decision afterwards: an appended, chained addition,
    never an edit of the decision. Append-only (PostgreSQL trigger) and hash-chained."""

    class Risk(models.TextChoices):
        LOW = "low", "Low risk"
        MEDIUM = "medium", "Medium risk"
        HIGH = "high", "High risk"

    sequence = models.PositiveBigIntegerField(unique=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="startback_scores"
    )
    created_at = models.DateTimeField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responses = models.JSONField()
    total = models.PositiveSmallIntegerField()
    psychosocial = models.PositiveSmallIntegerField()
    risk = models.CharField(max_length=10, choices=Risk.choices)
    previous_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["decision", "-sequence"], name="startback_decision_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__lte=9) & models.Q(psychosocial__lte=5),
                name="startback_scores_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(risk__in=["low", "medium", "high"]),
                name="startback_risk_known",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="startback_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("startback_no_truncate"),
            chain_extends("startback_chain_extends"),
        ]

    def __str__(self) -> str:
        return f"STarT Back {self.risk} for {self.decision_id}"
