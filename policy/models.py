"""A commissioning policy and its versions: drafts the admin edits, published versions nobody can.

Published rows are frozen by a PostgreSQL trigger, so neither the ORM, a bulk
update, a data migration nor raw SQL can change or delete them.
"""

import pgtrigger
from django.conf import settings
from django.db import models

from core.triggers import protect_truncate

SECTIONS = (
    ("statement", "Statement"),
    ("exclusions", "Exclusion criteria"),
    ("decompression", "Fusion with decompression"),
    ("exceptions", "Exceptions"),
    ("background", "Background information"),
    ("primary_care_management", "Primary care management"),
    ("rationale", "Rationale"),
    ("references", "References"),
)
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
        PUBLISHED = "published", "Published"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
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

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="policyversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status="draft"),
                name="policyversion_one_draft_per_policy",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(effective_from__isnull=False, published_at__isnull=False)
                    & ~models.Q(content_hash="")
                ),
                name="policyversion_published_is_complete",
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
                condition=pgtrigger.Q(old__status="published"),
            ),
            protect_truncate("policyversion_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title}, version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PolicyEditEvent(models.Model):
    """Who changed what in a policy version, and when. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", "Draft started"
        EDITED = "edited", "Draft edited"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Draft discarded"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="edit_events")
    version_number = models.PositiveIntegerField()
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
