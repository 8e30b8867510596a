"""A commissioning policy and its versions: drafts the admin edits, published versions nobody can.

Published (and discarded) rows are frozen by a PostgreSQL trigger, so neither the ORM, a bulk
update, a data migration nor raw SQL can change or delete them. A scheduled version that should
not take effect is withdrawn by appending a PolicyVersionWithdrawal, never by editing the version.
"""

import pgtrigger
from django.conf import settings
from django.db import models

from core.triggers import protect_truncate
from policy import engine
from policy.engine.vocabulary import SECTION_TITLES

# (model field, heading) for each section, in page order; the field is the slug with underscores.
SECTIONS = tuple((slug.replace("-", "_"), title) for slug, title in SECTION_TITLES.items())
SECTION_FIELDS = tuple(field for field, _ in SECTIONS)


def section_anchor(field: str) -> str:
    """The stable #anchor (and the engine's clause slug) of a section."""
    return field.replace("_", "-")


class Policy(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready for approval"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    OPEN_STATUSES = (Status.DRAFT, Status.READY)

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    # Given at publish, so a discarded draft never uses up (or reuses) a number.
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)

    statement = models.TextField(blank=True)
    exclusions = models.TextField(blank=True)
    decompression = models.TextField(blank=True)
    exceptions = models.TextField(blank=True)
    background = models.TextField(blank=True)
    primary_care_management = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    references = models.TextField(blank=True)

    # Machine-readable part, read by policy.engine: criteria with their
    # categories, rule and advice wording.
    rules = models.JSONField()
    # Wording of the questionnaire's questions for this version.
    questions = models.JSONField()
    # Every other word a GP reads: outcome headlines, summaries and next steps, finding lead-ins,
    # urgent advice per red flag, the start page and the decision page (policy.wording). Empty
    # in versions published before it existed: those read the seed wording (ADR 0070).
    wording = models.JSONField(default=dict, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    # Optimistic concurrency: every save of a draft adds one; a save must name the revision
    # it was edited from.
    revision = models.PositiveIntegerField(default=1)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_body = models.CharField(max_length=200, blank=True)
    approval_date = models.DateField(null=True, blank=True)
    approval_reference = models.CharField(max_length=200, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="policyversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status__in=["draft", "ready"]),
                name="policyversion_one_open_draft_per_policy",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (
                    models.Q(
                        number__isnull=False,
                        effective_from__isnull=False,
                        published_at__isnull=False,
                    )
                    & ~models.Q(content_hash="")
                ),
                name="policyversion_published_is_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(status="published") | models.Q(number__isnull=True),
                name="policyversion_number_only_when_published",
            ),
        ]
        indexes = [
            models.Index(
                fields=["policy", "status", "effective_from"], name="policyversion_current_idx"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="published_version_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published")
                | pgtrigger.Q(old__status="discarded"),
            ),
            protect_truncate("policyversion_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title}, {self.label} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        """Open for editing: a draft, or a draft sent for approval."""
        return self.status in self.OPEN_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def label(self) -> str:
        """'version 4' once published; a draft has no number yet."""
        if self.number is not None:
            return f"version {self.number}"
        return f"draft {self.pk}"


class PolicyEditEvent(models.Model):
    """Who changed what in a policy version, and when. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", "Draft started"
        EDITED = "edited", "Draft edited"
        READY = "ready", "Sent for approval"
        RETURNED = "returned", "Returned to draft"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Draft discarded"
        WITHDRAWN = "withdrawn", "Scheduled version withdrawn"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="edit_events")
    version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    # The published number, when the version had one at the time of the event.
    version_number = models.PositiveIntegerField(null=True, blank=True)
    # The draft's revision after this event (edits), for "who changed what since".
    revision = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    changed = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        triggers = [
            pgtrigger.Protect(
                name="edit_events_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("edit_events_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: version {self.version_number} by {self.user}"


class PolicyVersionWithdrawal(models.Model):
    """A scheduled version that will not take effect: who withdrew it, when and why. Append-only.

    The version row itself stays frozen; the "in effect on a date" rule skips withdrawn versions.
    """

    version = models.OneToOneField(
        PolicyVersion, on_delete=models.PROTECT, related_name="withdrawal"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="policyversionwithdrawal_reason_given"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="withdrawals_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            protect_truncate("withdrawals_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"Withdrawal of {self.version.label} by {self.user}"


class PolicyScenario(models.Model):
    """A named clinical scenario with the outcome the policy should give: a test case for drafts.

    `answers` is in the answers contract (the same JSON a decision stores).
    """

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="scenarios")
    name = models.CharField(max_length=200)
    answers = models.JSONField()
    expected_outcome = models.CharField(max_length=40)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "name"], name="policyscenario_unique_name"),
            models.CheckConstraint(
                condition=models.Q(expected_outcome__in=[o.value for o in engine.Outcome]),
                name="policyscenario_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name
