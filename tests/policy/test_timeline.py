"""The timeline: which version is in effect on a date, scheduled versions, withdrawals."""

import datetime

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from policy.models import PolicyEditEvent, PolicyVersion, PolicyVersionWithdrawal
from policy.selectors import (
    IN_EFFECT_RULE,
    policy_timeline,
    policy_version_in_effect,
    policy_version_in_effect_query,
)
from policy.services import (
    DraftChanges,
    PolicyError,
    PublishConfirmations,
    content_hash_compute,
    policy_version_draft_start,
    policy_version_draft_update,
    policy_version_withdraw,
)
from tests.conftest import publish_draft

TODAY = datetime.date(2026, 6, 1)


def published(
    policy_v1, number: int, effective_from: datetime.date, review_due=None, rules=None
) -> PolicyVersion:
    """A published version row with a given date (the service refuses past dates)."""
    version = PolicyVersion(
        policy=policy_v1.policy,
        number=number,
        status="published",
        effective_from=effective_from,
        review_due=review_due,
        published_at=timezone.now(),
        rules=rules or policy_v1.rules,
        questions=policy_v1.questions,
        **{f: getattr(policy_v1, f) for f in ("statement", "exclusions", "decompression")},
        **{f: getattr(policy_v1, f) for f in ("exceptions", "background", "rationale")},
        primary_care_management=policy_v1.primary_care_management,
        references=policy_v1.references,
    )
    version.content_hash = content_hash_compute(version)
    version.save()
    return version


def edited_draft(admin, text: str):
    draft = policy_version_draft_start(user=admin)
    policy_version_draft_update(
        version=draft,
        user=admin,
        changes=DraftChanges(sections={"rationale": text}, criteria={}, questions={}),
    )
    draft.refresh_from_db()
    return draft


# The rule, on its own -------------------------------------------------------------------


def test_in_effect_is_the_latest_effective_date_on_or_before_the_day(policy_v1):
    v2 = published(policy_v1, 2, datetime.date(2026, 3, 1))
    v3 = published(policy_v1, 3, datetime.date(2026, 9, 1))
    assert policy_version_in_effect(on=datetime.date(2024, 12, 31)) is None
    assert policy_version_in_effect(on=datetime.date(2025, 1, 1)) == policy_v1
    assert policy_version_in_effect(on=datetime.date(2026, 2, 28)) == policy_v1
    assert policy_version_in_effect(on=datetime.date(2026, 3, 1)) == v2
    assert policy_version_in_effect(on=datetime.date(2026, 8, 31)) == v2
    assert policy_version_in_effect(on=datetime.date(2026, 9, 1)) == v3


def test_a_scheduled_version_takes_over_even_from_a_version_published_after_it(policy_v1):
    v2 = published(policy_v1, 2, datetime.date(2027, 1, 1))
    v3 = published(policy_v1, 3, datetime.date(2026, 6, 1))
    assert policy_version_in_effect(on=datetime.date(2026, 6, 1)) == v3
    assert policy_version_in_effect(on=datetime.date(2027, 1, 1)) == v2


def test_on_the_same_effective_date_the_higher_number_wins(policy_v1):
    published(policy_v1, 2, datetime.date(2026, 3, 1))
    v3 = published(policy_v1, 3, datetime.date(2026, 3, 1))
    assert policy_version_in_effect(on=datetime.date(2026, 3, 1)) == v3


def test_a_withdrawn_version_is_never_in_effect(policy_v1, policy_admin):
    v2 = published(policy_v1, 2, datetime.date(2027, 1, 1))
    PolicyVersionWithdrawal.objects.create(version=v2, user=policy_admin, reason="Replaced")
    assert policy_version_in_effect(on=datetime.date(2027, 6, 1)) == policy_v1


def test_the_pages_compiled_once_query_agrees_with_the_rule_on_every_day(policy_v1, policy_admin):
    """Pages ask through a query compiled once per process (from_memory): same answers."""
    published(policy_v1, 2, datetime.date(2026, 3, 1))
    published(policy_v1, 3, datetime.date(2026, 3, 1))
    published(policy_v1, 4, datetime.date(2027, 1, 1))
    v5 = published(policy_v1, 5, datetime.date(2026, 6, 1))
    v6 = published(policy_v1, 6, datetime.date(2026, 8, 1))
    PolicyVersionWithdrawal.objects.create(version=v6, user=policy_admin, reason="Replaced")
    day, seen = datetime.date(2024, 12, 1), set()
    while day < datetime.date(2027, 3, 1):
        by_rule = policy_version_in_effect(on=day)
        compiled = policy_version_in_effect(on=day, from_memory=True)
        assert (compiled and compiled.pk) == (by_rule and by_rule.pk), day
        # and as sent with a submit's lock in one round trip (triage.services.checks)
        query = policy_version_in_effect_query(day)
        with connection.cursor() as cursor:
            cursor.execute(query.sql, query.params)
            sent = query.version(cursor.fetchall())
        assert (sent and sent.pk) == (by_rule and by_rule.pk), day
        # and for the policy given (the reviewer's "what would today's policy decide?")
        of_policy = policy_version_in_effect(policy=policy_v1.policy, on=day, from_memory=True)
        assert (of_policy and of_policy.pk) == (by_rule and by_rule.pk), day
        seen.add(by_rule and by_rule.number)
        day += datetime.timedelta(days=7)
    assert seen == {None, 1, 3, 4, 5} and v5.number in seen


def test_a_policy_without_a_published_version_has_none_in_effect(policy_v1):
    from policy.models import Policy

    other = Policy.objects.create(slug="another-statement", title="Another statement")
    assert policy_version_in_effect(policy=other, from_memory=True) is None
    assert policy_version_in_effect(policy=policy_v1.policy, from_memory=True).pk == policy_v1.pk


def test_timeline_states_in_effect_scheduled_superseded_withdrawn(policy_v1, policy_admin):
    v2 = published(policy_v1, 2, datetime.date(2026, 3, 1))
    v3 = published(policy_v1, 3, datetime.date(2026, 9, 1))
    v4 = published(policy_v1, 4, datetime.date(2026, 10, 1))
    PolicyVersionWithdrawal.objects.create(version=v4, user=policy_admin, reason="Replaced")
    states = {e.version.number: e for e in policy_timeline(policy=v2.policy, today=TODAY)}
    assert states[1].state == "superseded"
    assert states[2].state == "in_effect"
    assert (states[2].until, states[2].next_number) == (v3.effective_from, 3)
    assert states[3].state == "scheduled"
    assert states[4].state == "withdrawn"


# The critical defect: a scheduled version silently overriding a newer correction ---------


def test_publishing_before_a_scheduled_version_is_refused_until_the_publisher_chooses(
    policy_v1, policy_admin, second_policy_admin
):
    """Version 2 is scheduled for next year; a correction (version 3) effective today must
    say that version 2 would take over on its date, and publish nothing until answered."""
    today = timezone.localdate()
    next_year = datetime.date(today.year + 1, 1, 1)
    publish_draft(
        edited_draft(policy_admin, "Scheduled."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=next_year,
    )
    correction = edited_draft(policy_admin, "Correction.")
    with pytest.raises(PolicyError) as caught:
        publish_draft(
            correction,
            author=policy_admin,
            approver=second_policy_admin,
            effective_from=today,
            confirm=PublishConfirmations(warnings_read=True),
        )
    assert (
        f"Version 2 is scheduled to take effect on {next_year:%-d %B %Y} and will replace "
        "this version on that date"
    ) in caught.value.problems[0]
    correction.refresh_from_db()
    assert correction.status == "ready"
    assert correction.number is None


def test_withdrawing_the_scheduled_version_in_the_same_step_keeps_the_correction(
    policy_v1, policy_admin, second_policy_admin
):
    today = timezone.localdate()
    next_year = datetime.date(today.year + 1, 1, 1)
    v2 = publish_draft(
        edited_draft(policy_admin, "Scheduled."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=next_year,
    )
    hash_before = v2.content_hash
    v3 = publish_draft(
        edited_draft(policy_admin, "Correction."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=today,
        confirm=PublishConfirmations(
            withdraw_scheduled=True,
            withdraw_reason="Superseded by the correction",
            warnings_read=True,
        ),
    )
    assert policy_version_in_effect(on=today) == v3
    assert policy_version_in_effect(on=next_year) == v3
    withdrawal = PolicyVersionWithdrawal.objects.get(version=v2)
    assert withdrawal.user == second_policy_admin
    assert "Superseded by the correction" in withdrawal.reason
    v2.refresh_from_db()
    assert (v2.status, v2.content_hash) == ("published", hash_before)
    assert content_hash_compute(v2) == hash_before
    assert PolicyEditEvent.objects.filter(version=v2, action="withdrawn").exists()


def test_keeping_the_scheduled_version_is_recorded_and_it_takes_over_on_its_date(
    policy_v1, policy_admin, second_policy_admin
):
    today = timezone.localdate()
    next_year = datetime.date(today.year + 1, 1, 1)
    v2 = publish_draft(
        edited_draft(policy_admin, "Scheduled."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=next_year,
    )
    v3 = publish_draft(
        edited_draft(policy_admin, "Interim."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=today,
        confirm=PublishConfirmations(keep_scheduled=True, warnings_read=True),
    )
    assert policy_version_in_effect(on=today) == v3
    assert policy_version_in_effect(on=next_year) == v2
    event = PolicyEditEvent.objects.get(version=v3, action="published")
    assert any("confirmed version 2 takes over" in line for line in event.changed)


def test_withdrawing_needs_a_reason_and_the_withdrawn_version_row_stays_frozen(
    policy_v1, policy_admin, second_policy_admin
):
    later = timezone.localdate() + datetime.timedelta(days=40)
    v2 = publish_draft(
        edited_draft(policy_admin, "Scheduled."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=later,
    )
    with pytest.raises(PolicyError, match="Enter why"):
        policy_version_withdraw(version=v2, user=policy_admin, reason="  ")
    policy_version_withdraw(version=v2, user=policy_admin, reason="Wrong date")
    with pytest.raises(PolicyError, match="already been withdrawn"):
        policy_version_withdraw(version=v2, user=policy_admin, reason="Again")
    assert policy_version_in_effect(on=later) == policy_v1


def test_withdrawing_a_version_already_in_effect_is_refused(policy_v1, policy_admin):
    with pytest.raises(PolicyError, match="took effect on 1 January 2025 and cannot be withdrawn"):
        policy_version_withdraw(version=policy_v1, user=policy_admin, reason="Oops")
    assert not PolicyVersionWithdrawal.objects.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE policy_policyversionwithdrawal SET reason = 'edited'",
        "DELETE FROM policy_policyversionwithdrawal",
    ],
)
def test_raw_sql_cannot_change_or_remove_a_withdrawal(policy_v1, policy_admin, sql):
    v2 = published(policy_v1, 2, datetime.date(2030, 1, 1))
    PolicyVersionWithdrawal.objects.create(version=v2, user=policy_admin, reason="Replaced")
    with pytest.raises(DatabaseError, match="withdrawals_append_only"):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_an_effective_date_before_the_version_in_effect_is_refused(
    policy_v1, policy_admin, second_policy_admin
):
    with pytest.raises(PolicyError) as caught:
        publish_draft(
            edited_draft(policy_admin, "Backdated."),
            author=policy_admin,
            approver=second_policy_admin,
            effective_from=policy_v1.effective_from - datetime.timedelta(days=1),
        )
    assert "must be today or in the future" in " ".join(caught.value.problems)


# Pages ----------------------------------------------------------------------------------


def test_manage_page_shows_the_timeline_and_the_rule_in_words(
    policy_v1, policy_admin, policy_admin_client
):
    v2 = published(policy_v1, 2, timezone.localdate() + datetime.timedelta(days=60))
    body = policy_admin_client.get(reverse("policy:manage")).content.decode()
    assert escape(IN_EFFECT_RULE) in body
    assert "In effect now" in body
    assert f"Version 2 takes over on {v2.effective_from:%-d %b %Y}" in body
    assert reverse("policy:version_withdraw", args=[2]) in body


def test_publish_page_offers_to_withdraw_the_scheduled_version_in_the_same_step(
    policy_v1, policy_admin, second_policy_admin, second_policy_admin_client
):
    today = timezone.localdate()
    published(policy_v1, 2, today + datetime.timedelta(days=60))
    draft = edited_draft(policy_admin, "Correction.")
    from policy.services import policy_version_mark_ready

    policy_version_mark_ready(version=draft, user=policy_admin)
    url = reverse("policy:draft_publish", args=[draft.pk])
    data = {
        "effective_from_day": today.day,
        "effective_from_month": today.month,
        "effective_from_year": today.year,
        "approval_body": "CPAG",
        "approval_date_day": today.day,
        "approval_date_month": today.month,
        "approval_date_year": today.year,
        "warnings_read": "on",
    }
    response = second_policy_admin_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "will replace this version on that date" in body
    assert 'href="#id_scheduled' in body
    assert 'name="scheduled" type="radio" value="withdraw"' in body

    data.update(scheduled="withdraw", withdraw_reason="Correction replaces it")
    response = second_policy_admin_client.post(url, data)
    assert response.status_code == 302
    assert PolicyVersionWithdrawal.objects.get(version__number=2).reason.endswith(
        "Correction replaces it"
    )
    assert policy_version_in_effect(on=today + datetime.timedelta(days=90)).number == 3


def test_withdraw_page_refuses_a_version_in_effect_with_the_reason(policy_v1, policy_admin_client):
    response = policy_admin_client.post(
        reverse("policy:version_withdraw", args=[1]), {"reason": "Mistake"}
    )
    assert response.status_code == 400
    assert "cannot be withdrawn" in response.content.decode()
    assert not PolicyVersionWithdrawal.objects.exists()


def test_review_reminders_list_live_versions_past_or_within_30_days_of_review(
    policy_v1, policy_admin, policy_admin_client
):
    from policy.selectors import policy_version_review_reminders

    policy = policy_v1.policy
    # Version 1's review is due on 1 January 2027.
    assert policy_version_review_reminders(policy=policy, today=datetime.date(2026, 12, 1)) == []
    assert policy_version_review_reminders(policy=policy, today=datetime.date(2026, 12, 2)) == [
        policy_v1
    ]
    assert policy_version_review_reminders(policy=policy, today=datetime.date(2027, 3, 1)) == [
        policy_v1
    ]
