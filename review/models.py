"""The ICB reviewer's records: verdicts on decisions and runs of the chain verifier."""

import pgtrigger
from django.conf import settings
from django.db import models

from core.triggers import chain_extends, protect_truncate
from policy.engine import OUTCOME_CHOICES, OUTCOME_CODES
from triage.models import Decision, Practice


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
    # With a disagree verdict: the outcome the reviewer believes correct (a code valid in the
    # decision's policy version). Null, not "", for other verdicts: the review chain hashes the
    # column only when it is set, so reviews made before it existed keep their hashes.
    correct_outcome = models.CharField(  # noqa: DJ001
        max_length=40, null=True, blank=True, choices=OUTCOME_CHOICES
    )
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
            models.CheckConstraint(
                condition=models.Q(correct_outcome__isnull=True)
                | models.Q(verdict="disagree", correct_outcome__in=OUTCOME_CODES),
                name="review_correct_outcome_only_on_disagree",
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
    replies_checked = models.PositiveBigIntegerField(default=0)
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


class PracticeReply(models.Model):
    """A practice's reply to a request for more information. Append-only and hash-chained."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="practice_replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practice_replies"
    )
    # The request (a "more information" review) it answers.
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="replies")
    text = models.TextField()
    created_at = models.DateTimeField()
    submission_key = models.UUIDField(unique=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["decision", "-sequence"], name="reply_decision_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="reply_text_not_empty"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="reply_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("reply_no_truncate"),
            chain_extends("reply_chain_extends"),
        ]

    def __str__(self) -> str:
        return f"Reply on {self.decision_id} by {self.author_id}"


class PracticeContact(models.Model):
    """Where the service emails a practice (requests for more information)."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField("Email address")

    def __str__(self) -> str:
        return f"{self.practice}: {self.email}"


class PracticeNotification(models.Model):
    """An email telling a practice that a reviewer needs more information; its delivery state.

    Operational, not audit: the worker updates it as it tries, fails and retries.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        GAVE_UP = "gave_up", "Failed, not retrying"
        NO_ADDRESS = "no_address", "No email address for the practice"

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="notification")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    to_address = models.EmailField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sent", "failed", "gave_up", "no_address"]
                ),
                name="notification_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} to {self.to_address or self.practice}"


class BackgroundJob(models.Model):
    """Work a reviewer asked for that runs in the worker: its progress and result.

    The task queue (django-tasks) runs it; this row is what the reviewer's page shows.
    """

    class Kind(models.TextChoices):
        VERIFY = "verify", "Chain verification"
        EXPORT = "export", "CSV export"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    # An export's filters (the list's query string) and the file the worker wrote.
    query = models.TextField(blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    verification = models.ForeignKey(
        ChainVerification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="job_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["verify", "export"]), name="job_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="job_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}: {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
