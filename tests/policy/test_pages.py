"""The policy pages: public versions with stable anchors, and the admin's draft-to-publish flow."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from policy.models import PolicyVersion
from tests.conftest import client_for, publish_draft


def draft_form_data(version) -> dict:
    """What the edit page would post back unchanged."""
    from policy.forms import DraftForm

    form = DraftForm(version=version)
    data = {}
    for name, field in form.fields.items():
        data[name] = field.initial if field.initial is not None else ""
    return data


def test_current_policy_page_is_public_with_section_anchors(client, policy_v1):
    body = client.get(reverse("policy:current")).content.decode()
    for anchor in ("statement", "exclusions", "exceptions", "decompression", "background",
                   "primary-care-management", "rationale", "references"):  # fmt: skip
        assert f'id="{anchor}"' in body
    assert "criterion-sacroiliac_joint_dysfunction" in body
    assert policy_v1.content_hash in body


def test_version_list_and_unknown_version(client, policy_v1):
    assert "Version 1" in client.get(reverse("policy:versions")).content.decode()
    assert client.get(reverse("policy:version", args=[99])).status_code == 404


def publish_data(day: datetime.date, **extra) -> dict:
    """The publish form filled in: takes effect on `day`, approved by CPAG today."""
    today = timezone.localdate()
    data = {
        "effective_from_day": day.day,
        "effective_from_month": day.month,
        "effective_from_year": day.year,
        "approval_body": "CPAG",
        "approval_date_day": today.day,
        "approval_date_month": today.month,
        "approval_date_year": today.year,
        "approval_reference": "CPAG/2026/07",
    }
    data.update(extra)
    return data


def start_draft(client) -> PolicyVersion:
    client.post(reverse("policy:draft_start"))
    return PolicyVersion.objects.get(status="draft")


def test_draft_is_not_public(client, policy_v1, policy_admin_client):
    start_draft(policy_admin_client)
    assert client.get(reverse("policy:version", args=[2])).status_code == 404


def test_policy_markdown_is_sanitised(policy_v1, policy_admin, client):
    from policy.services import (
        DraftChanges,
        policy_version_draft_start,
        policy_version_draft_update,
    )

    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={"background": "Text <script>alert(1)</script> [x](javascript:alert(1))"},
            criteria={},
            questions={},
        ),
    )
    admin_client = client_for(policy_admin)
    body = admin_client.get(reverse("policy:draft_preview", args=[draft.pk])).content.decode()
    assert "<script>alert(1)" not in body
    assert "javascript:alert" not in body


@pytest.mark.parametrize("persona", ["gp_client", "reviewer_client", "no_role_client"])
@pytest.mark.parametrize(
    "name",
    [
        "policy:manage",
        "policy:draft_edit",
        "policy:draft_publish",
        "policy:draft_discard",
        "policy:version_withdraw",
        "policy:scenarios",
        "impact:draft",
    ],
)
def test_policy_admin_pages_are_for_policy_admins_only(request, policy_v1, persona, name):
    client = request.getfixturevalue(persona)
    args = {"policy:manage": [], "policy:scenarios": [], "policy:version_withdraw": [1]}
    response = client.get(reverse(name, args=args.get(name, [policy_v1.pk])))
    assert response.status_code == 403


def test_policy_admin_pages_need_sign_in(client, policy_v1):
    response = client.get(reverse("policy:manage"))
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["policy:draft_start", "policy:draft_ready"])
def test_draft_actions_need_post(policy_admin_client, policy_v1, name):
    args = [] if name == "policy:draft_start" else [policy_v1.pk]
    assert policy_admin_client.get(reverse(name, args=args)).status_code == 405


def test_admin_drafts_diffs_and_a_second_admin_publishes_through_the_pages(
    policy_admin_client, second_policy_admin_client, policy_v1
):
    response = policy_admin_client.post(reverse("policy:draft_start"))
    draft = PolicyVersion.objects.get(status="draft")
    assert response["Location"] == reverse("policy:draft_edit", args=[draft.pk])

    data = draft_form_data(draft)
    data["criterion_sacroiliac_joint_dysfunction_category"] = "exception"
    data["section_exceptions"] = data["section_exceptions"] + "\n- Sacroiliac joint dysfunction"
    data["section_statement"] = data["section_statement"] + "\n\nThis sentence is new."
    response = policy_admin_client.post(reverse("policy:draft_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "This sentence is new." in draft.statement

    diff = policy_admin_client.get(reverse("policy:draft_diff", args=[draft.pk])).content.decode()
    assert "Compare with version 1 (in effect now)" in diff
    assert "This sentence is new." in diff
    assert "sacroiliac_joint_dysfunction [exception]" in diff
    assert "sacroiliac_joint_dysfunction [excluded]" in diff

    preview = policy_admin_client.get(
        reverse("policy:draft_preview", args=[draft.pk])
    ).content.decode()
    assert "This sentence is new." in preview

    ready = policy_admin_client.post(
        reverse("policy:draft_ready", args=[draft.pk]), {"revision": draft.revision}
    )
    assert ready.status_code == 302
    today = timezone.localdate()
    response = second_policy_admin_client.post(
        reverse("policy:draft_publish", args=[draft.pk]),
        publish_data(today, warnings_read="on"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("published", 2)
    assert draft.approval_body == "CPAG"
    assert draft.approval_reference == "CPAG/2026/07"
    assert draft.published_at is not None
    assert len(draft.content_hash) == 64
    assert (
        "This sentence is new."
        in policy_admin_client.get(reverse("policy:current")).content.decode()
    )
    # Published: the edit page says so instead of a bare "Page not found".
    closed = policy_admin_client.get(reverse("policy:draft_edit", args=[draft.pk]))
    assert closed.status_code == 409
    assert "was published as version 2" in closed.content.decode()


@pytest.mark.parametrize(
    ("parts", "message", "first_wrong"),
    [
        (("", "", ""), "Enter the date this version takes effect", "day"),
        (("1", "", "2030"), "must include a month", "month"),
        (("31", "2", "2030"), "must be a real date", "day"),
        (("x", "2", "2030"), "must be a real date", "day"),
        (("1", "2", "30"), "must be between", "year"),
    ],
)
def test_publish_date_errors_are_next_to_the_field_and_linked_on_the_same_page(
    policy_admin_client, policy_v1, parts, message, first_wrong
):
    # The summary links to the first box in error; the boxes keep what was typed.
    draft = start_draft(policy_admin_client)
    data = dict(
        zip(
            ("effective_from_day", "effective_from_month", "effective_from_year"),
            parts,
            strict=True,
        )
    )
    response = policy_admin_client.post(reverse("policy:draft_publish", args=[draft.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_effective_from-{first_wrong}"' in body
    assert message in body.split('id="id_effective_from-error"')[1][:300]
    for part, typed in zip(("day", "month", "year"), parts, strict=True):
        box = re.search(rf'<input [^>]*id="id_effective_from-{part}"[^>]*>', body)[0]
        assert (f'value="{typed}"' in box) if typed else ("value=" not in box)
        assert ("nhsuk-input--error" in box) is (part == first_wrong or parts == ("", "", ""))
    assert PolicyVersion.objects.get(pk=draft.pk).status == "draft"


def test_publish_in_the_past_is_refused_next_to_the_date_field(
    policy_admin_client, policy_v1, policy_admin
):
    draft = start_draft(policy_admin_client)
    past = timezone.localdate() - datetime.timedelta(days=3)
    response = policy_admin_client.post(
        reverse("policy:draft_publish", args=[draft.pk]), publish_data(past)
    )
    body = response.content.decode()
    assert 'href="#id_effective_from-day">The date this version takes effect must be today' in body
    assert "must be today or in the future" in body.split('id="id_effective_from-error"')[1][:300]
    assert PolicyVersion.objects.get(pk=draft.pk).status == "draft"


def test_empty_criterion_wording_is_refused_on_save(policy_admin_client, policy_v1):
    draft = start_draft(policy_admin_client)
    data = draft_form_data(draft)
    data["criterion_scoliosis_label"] = ""
    response = policy_admin_client.post(reverse("policy:draft_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "Enter the wording of criterion &#x27;scoliosis&#x27;" in response.content.decode()


def test_discard_asks_for_confirmation_and_keeps_the_draft_read_only(
    policy_admin_client, policy_v1
):
    draft = start_draft(policy_admin_client)
    url = reverse("policy:draft_discard", args=[draft.pk])
    confirm = policy_admin_client.get(url)
    assert "Are you sure you want to discard this draft?" in confirm.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).status == "draft"

    assert policy_admin_client.post(url).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("discarded", None)
    preview = policy_admin_client.get(reverse("policy:draft_preview", args=[draft.pk]))
    assert "discarded draft, read-only" in preview.content.decode()
    # A second discard (another tab) is told what happened.
    again = policy_admin_client.post(url)
    assert again.status_code == 409
    assert "was discarded by" in again.content.decode()


def test_a_discarded_draft_never_uses_up_a_version_number(
    policy_admin, second_policy_admin, policy_v1
):
    from policy.services import policy_version_discard, policy_version_draft_start
    from tests.policy.test_timeline import edited_draft

    discarded = policy_version_draft_start(user=policy_admin)
    policy_version_discard(version=discarded, user=policy_admin)
    published = publish_draft(
        edited_draft(policy_admin, "Next."),
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
    )
    assert published.number == 2
    numbers = list(PolicyVersion.objects.exclude(number=None).values_list("number", flat=True))
    assert sorted(numbers) == [1, 2]


def test_manage_page_shows_history(policy_admin_client, policy_v1):
    start_draft(policy_admin_client)
    body = policy_admin_client.get(reverse("policy:manage")).content.decode()
    assert "Draft started" in body
    assert "Being edited" in body


def test_preview_shows_the_drafts_wording_grouped_like_the_editor(
    policy_v1, policy_admin, policy_admin_client
):
    from policy.services import policy_version_draft_start
    from policy.wording import policy_version_wording_update

    draft = policy_version_draft_start(user=policy_admin)
    policy_version_wording_update(
        version=draft,
        user=policy_admin,
        texts={
            ("outcomes", "surgeon_to_assess", "headline"): "<b>The surgeon judges</b>",
            ("questions", "pain_location", "options", "back_only", "label"): "Low back only",
            ("outcomes", "urgent_pathway", "next_steps"): "- Call 999 now",
        },
    )
    html = policy_admin_client.get(reverse("policy:draft_preview", args=[draft.pk])).content
    html = html.decode()
    for group in ("Questions", "Outcomes and next steps", "Pages", "Policy sections"):
        assert group in html
    assert "&lt;b&gt;The surgeon judges&lt;/b&gt;" in html
    assert "Low back only" in html
    assert "<li>Call 999 now</li>" in html  # next steps rendered as the GP sees them
    assert draft.questions["red_flags"]["legend"] in html


def test_compare_highlights_changed_wording_against_the_version_in_effect_and_a_scheduled_one(
    policy_v1, policy_admin, second_policy_admin, policy_admin_client
):
    import datetime

    from django.utils import timezone

    from policy.services import policy_version_draft_start
    from policy.wording import policy_version_wording_update, version_wording

    scheduled = policy_version_draft_start(user=policy_admin)
    policy_version_wording_update(
        version=scheduled,
        user=policy_admin,
        texts={("start", "title"): "Scheduled start title"},
    )
    scheduled = publish_draft(
        scheduled,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate() + datetime.timedelta(days=60),
    )
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_wording_update(
        version=draft,
        user=policy_admin,
        texts={("outcomes", "surgeon_to_assess", "headline"): "The surgeon judges"},
    )
    url = reverse("policy:draft_diff", args=[draft.pk])
    old_headline = version_wording(policy_v1)["outcomes"]["surgeon_to_assess"]["headline"]

    against_in_effect = policy_admin_client.get(url).content.decode()
    assert 'Outcomes and next steps <strong class="nhsuk-tag nhsuk-tag--yellow">Changed' in (
        against_in_effect
    )
    assert '<ins><span class="nhsuk-u-visually-hidden">Added: </span>The surgeon judges</ins>' in (
        against_in_effect
    )
    assert f"Removed: </span>{old_headline}</del>" in against_in_effect
    # The draft was started from the scheduled version, so its start title differs from v1's.
    assert "Scheduled start title</ins>" in against_in_effect

    against_scheduled = policy_admin_client.get(url, {"against": scheduled.number}).content
    against_scheduled = against_scheduled.decode()
    assert "The surgeon judges</ins>" in against_scheduled
    assert "Scheduled start title</ins>" not in against_scheduled
    assert 'Pages <strong class="nhsuk-tag nhsuk-tag--grey">No change' in against_scheduled
