"""Reads of policies and their versions, and the one rule for the version in effect on a date."""

import copy
import datetime
import functools
import threading
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import rows
from policy.models import SECTION_FIELDS, Policy, PolicyEditEvent, PolicyScenario, PolicyVersion

POLICY_SLUG = "lumbar-spinal-fusion"

# Shown on the manage page: the rule policy_version_in_effect implements, in words.
IN_EFFECT_RULE = (
    "On any date, the version in effect is the published version with the latest "
    "'takes effect' date on or before that date, leaving out withdrawn versions. "
    "If two versions take effect on the same date, the one published later (the higher "
    "number) applies. A scheduled version therefore takes over on its date, even from a "
    "version published after it, unless it is withdrawn."
)


def policy_get() -> Policy:
    """The fusion policy; 404 until `manage.py seed_policy` has loaded it."""
    return get_object_or_404(Policy, slug=POLICY_SLUG)


def policy_version_published_list(*, policy: Policy | None = None) -> QuerySet[PolicyVersion]:
    """Every published version, withdrawn ones included (they are part of the record)."""
    policy = policy or policy_get()
    return policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).order_by("-number")


def _live(versions: QuerySet[PolicyVersion]) -> QuerySet[PolicyVersion]:
    return versions.filter(status=PolicyVersion.Status.PUBLISHED, withdrawal__isnull=True)


def policy_version_live_list(*, policy: Policy) -> QuerySet[PolicyVersion]:
    """Published versions that have not been withdrawn: the candidates for being in effect."""
    return _live(policy.versions.all()).order_by("-number")


def policy_version_in_effect(
    *, policy: Policy | None = None, on: datetime.date | None = None, from_memory: bool = False
) -> PolicyVersion | None:
    """The version in effect on `on` (default today); see IN_EFFECT_RULE.

    This is the only place the rule is written: the questionnaire, the timeline and the
    publish checks all ask here. `from_memory`, for pages that only read the version: the row
    is read without its large fields and the whole version comes from policy_version_whole.
    """
    on = on or timezone.localdate()
    if from_memory:
        compiled, values = (
            (_in_effect_compiled(), {"on": on})
            if policy is None
            else (_in_effect_of_policy_compiled(), {"on": on, "policy": policy.pk})
        )
        found = compiled.instances(policy_version_light_fields(), **values)
        return policy_version_whole(found[0]) if found else None
    version = _in_effect(policy, on, from_memory=from_memory).first()
    return policy_version_whole(version) if from_memory and version is not None else version


@dataclass(frozen=True)
class InEffectQuery:
    """policy_version_in_effect(from_memory=True) as SQL and parameters, for a caller that sends
    it with its own statements in one round trip; `version` reads the rows it returned."""

    sql: str
    params: list

    @staticmethod
    def version(found: list[tuple]) -> PolicyVersion | None:
        versions = _in_effect_compiled().instances_of(found, policy_version_light_fields())
        return policy_version_whole(versions[0]) if versions else None


def policy_version_in_effect_query(on: datetime.date | None = None) -> InEffectQuery:
    """The version in effect on `on` (default today), by the same rule and compiled query as
    policy_version_in_effect(from_memory=True), to be sent with other statements."""
    compiled = _in_effect_compiled()
    return InEffectQuery(compiled.sql, compiled.params_for(on=on or timezone.localdate()))


def _in_effect(policy: Policy | None, on: datetime.date, *, from_memory: bool) -> QuerySet:
    """The rule itself: live versions taking effect on or before `on`, latest date first, then
    the higher number."""
    if policy is not None:
        versions = policy.versions.all()
    else:
        # One query with the policy joined, not one for the policy and one for the version.
        versions = PolicyVersion.objects.filter(policy__slug=POLICY_SLUG)
    if from_memory:
        versions = versions.defer(*policy_version_heavy_fields())
    return _live(versions).filter(effective_from__lte=on).order_by("-effective_from", "-number")


_PLACEHOLDER_DATE = datetime.date(1901, 2, 3)


@functools.cache
def _in_effect_compiled() -> rows.Compiled:
    """_in_effect's SQL compiled once (core.rows.Compiled): every GP page that starts or submits
    a check asks which version is in effect, and compiling cost more CPU than running it."""
    query = _in_effect(None, _PLACEHOLDER_DATE, from_memory=True)[:1]
    return rows.Compiled(query, on=_PLACEHOLDER_DATE)


_PLACEHOLDER_POLICY_ID = -190102040


@functools.cache
def _in_effect_of_policy_compiled() -> rows.Compiled:
    """_in_effect for a given policy, compiled once: the reviewer's decision page asks which
    version of the decision's policy is in effect today."""
    policy = Policy(pk=_PLACEHOLDER_POLICY_ID)
    query = _in_effect(policy, _PLACEHOLDER_DATE, from_memory=True)[:1]
    return rows.Compiled(query, on=_PLACEHOLDER_DATE, policy=_PLACEHOLDER_POLICY_ID)


# Published versions kept whole in this process's memory ------------------------------------
#
# A published version can never change: the trigger published_version_immutable refuses every
# UPDATE and DELETE of its row (withdrawal is a row of its own). So once read, a published
# version can be kept and handed out again instead of re-reading and decoding its ~20 KB of
# policy text and JSON on every page of a referral check. The key carries the content hash and
# the publication time as well as the id, so even an id reused after a test database is reset
# cannot return another version. Drafts are never kept.

# The large fields: left out of the row a page joins, then taken from memory.
VERSION_HEAVY_FIELDS = (*SECTION_FIELDS, "rules", "questions", "wording")
_FROZEN_SIZE = 16
_frozen: dict[tuple, PolicyVersion] = {}
_frozen_lock = threading.Lock()


def policy_version_heavy_fields(prefix: str = "") -> tuple[str, ...]:
    """The version's large fields, for .defer() on a query that joins the version (`prefix`
    is the relation path, e.g. "policy_version__")."""
    return tuple(prefix + field for field in VERSION_HEAVY_FIELDS)


@functools.cache
def policy_version_light_fields() -> tuple[str, ...]:
    """Every field but the large ones: what a hand-written join selects (core.rows) before the
    whole version is taken from memory."""
    heavy = set(VERSION_HEAVY_FIELDS)
    return tuple(f.attname for f in PolicyVersion._meta.concrete_fields if f.name not in heavy)


def policy_version_whole(version: PolicyVersion) -> PolicyVersion:
    """`version` with every field loaded: a published one from this process's memory (read
    once), a draft or discarded one read again. Use after deferring the heavy fields."""
    if version.status != PolicyVersion.Status.PUBLISHED:
        return PolicyVersion.objects.get(pk=version.pk)
    key = (version.pk, version.content_hash, version.published_at)
    whole = _frozen.get(key)
    if whole is None:
        whole = PolicyVersion.objects.get(
            pk=version.pk, status=PolicyVersion.Status.PUBLISHED, content_hash=version.content_hash
        )
        with _frozen_lock:
            if len(_frozen) >= _FROZEN_SIZE:
                _frozen.clear()
            _frozen[key] = whole
    # A copy for each caller: a related object cached on it (version.policy, whose title may
    # change) then lives as long as the request, not as long as the process. The policy the
    # caller's query already joined is kept.
    whole = copy.copy(whole)
    if PolicyVersion.policy.is_cached(version):
        whole.policy = version.policy
    return whole


def policy_version_frozen_clear() -> None:
    with _frozen_lock:
        _frozen.clear()


def policy_version_scheduled_list(
    *, policy: Policy, after: datetime.date | None = None
) -> list[PolicyVersion]:
    """Live versions that take effect after `after` (default today), soonest first."""
    after = after or timezone.localdate()
    return list(
        policy_version_live_list(policy=policy)
        .filter(effective_from__gt=after)
        .order_by("effective_from", "number")
    )


def policy_version_get_published(*, number: int, policy: Policy | None = None) -> PolicyVersion:
    return get_object_or_404(policy_version_published_list(policy=policy), number=number)


def policy_version_get(*, pk: int, policy: Policy | None = None) -> PolicyVersion:
    """Any version of the policy by its id (drafts have no number until published)."""
    policy = policy or policy_get()
    return get_object_or_404(
        policy.versions.select_related("based_on", "created_by", "ready_by"), pk=pk
    )


def policy_version_draft(*, policy: Policy | None = None) -> PolicyVersion | None:
    """The open draft (being edited or waiting for approval), if there is one."""
    policy = policy or policy_get()
    return policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first()


@dataclass(frozen=True)
class TimelineEntry:
    """One version on the timeline, with where it stands today and what happens next."""

    version: PolicyVersion
    state: str  # in_effect, scheduled, superseded, withdrawn, draft, ready, discarded
    until: datetime.date | None = None  # in effect: the date a scheduled version takes over
    next_number: int | None = None  # ... and which version that is

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


STATE_LABELS = {
    "in_effect": "In effect now",
    "scheduled": "Scheduled",
    "superseded": "Superseded",
    "withdrawn": "Withdrawn",
    "draft": "Draft",
    "ready": "Ready for approval",
    "discarded": "Discarded",
}


def policy_version_state(
    version: PolicyVersion, *, current: PolicyVersion | None, today: datetime.date | None = None
) -> str:
    """How a version stands today: one of STATE_LABELS' keys."""
    today = today or timezone.localdate()
    if version.status != PolicyVersion.Status.PUBLISHED:
        return version.status
    if hasattr(version, "withdrawal"):
        return "withdrawn"
    if current is not None and version.pk == current.pk:
        return "in_effect"
    if version.effective_from > today:
        return "scheduled"
    return "superseded"


def policy_timeline(*, policy: Policy, today: datetime.date | None = None) -> list[TimelineEntry]:
    """Every version, open draft first, then published ones newest first, with its state."""
    today = today or timezone.localdate()
    current = policy_version_in_effect(policy=policy, on=today)
    scheduled = policy_version_scheduled_list(policy=policy, after=today)
    versions = policy.versions.select_related(
        "created_by", "published_by", "approved_by", "ready_by", "discarded_by", "withdrawal__user"
    ).order_by("-number", "-id")
    entries = []
    for version in versions:
        state = policy_version_state(version, current=current, today=today)
        until = next_number = None
        if state == "in_effect" and scheduled:
            until, next_number = scheduled[0].effective_from, scheduled[0].number
        entries.append(TimelineEntry(version, state, until, next_number))
    order = {"draft": 0, "ready": 0}
    return sorted(entries, key=lambda entry: order.get(entry.state, 1))


def policy_edit_events(
    *, policy: Policy | None = None, version: PolicyVersion | None = None
) -> QuerySet[PolicyEditEvent]:
    policy = policy or policy_get()
    events = PolicyEditEvent.objects.filter(policy=policy).select_related("user", "version")
    if version is not None:
        events = events.filter(version=version)
    return events


def policy_edit_events_since(*, version: PolicyVersion, revision: int) -> list[PolicyEditEvent]:
    """The edits to a draft after `revision`, oldest first: "who changed what since"."""
    return list(
        PolicyEditEvent.objects.filter(
            version=version, action=PolicyEditEvent.Action.EDITED, revision__gt=revision
        )
        .select_related("user")
        .order_by("id")
    )


def policy_version_people(version: PolicyVersion) -> dict[str, list]:
    """Author, editors, approver and publisher of a version, for its history."""
    editors = []
    for event in policy_edit_events(policy=version.policy, version=version).filter(
        action=PolicyEditEvent.Action.EDITED
    ):
        if event.user not in editors:
            editors.append(event.user)
    return {
        "author": version.created_by,
        "editors": editors,
        "sent_for_approval_by": version.ready_by,
        "approver": version.approved_by,
        "publisher": version.published_by,
    }


def policy_scenario_list(*, policy: Policy) -> QuerySet[PolicyScenario]:
    return policy.scenarios.all()


def policy_version_review_reminders(
    *, policy: Policy, today: datetime.date | None = None, within_days: int = 30
) -> list[PolicyVersion]:
    """Live versions (in effect or scheduled) whose review date is past or within 30 days."""
    today = today or timezone.localdate()
    current = policy_version_in_effect(policy=policy, on=today)
    candidates = policy_version_scheduled_list(policy=policy, after=today)
    if current is not None:
        candidates.insert(0, current)
    horizon = today + datetime.timedelta(days=within_days)
    return [v for v in candidates if v.review_due is not None and v.review_due <= horizon]


def policy_version_review_reminders_all(
    *, today: datetime.date | None = None
) -> list[PolicyVersion]:
    """Review reminders for the fusion policy, or none before it is loaded."""
    policy = Policy.objects.filter(slug=POLICY_SLUG).first()
    if policy is None:
        return []
    return policy_version_review_reminders(policy=policy, today=today)
