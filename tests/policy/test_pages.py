"""The policy pages: public versions with stable anchors, and the admin's draft-to-publish flow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policy.models import PolicyVersion
from tests.conftest import client_for


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


def test_draft_is_not_public(client, policy_v1, policy_admin_client):
    policy_admin_client.post(reverse("policy:draft_start"))
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
    body = admin_client.get(reverse("policy:draft_preview", args=[2])).content.decode()
    assert "<script>alert(1)" not in body
    assert "javascript:alert" not in body


@pytest.mark.parametrize("persona", ["gp_client", "reviewer_client", "no_role_client"])
@pytest.mark.parametrize("name", ["policy:manage", "policy:draft_edit", "policy:draft_publish"])
def test_policy_admin_pages_are_for_policy_admins_only(request, policy_v1, persona, name):
    client = request.getfixturevalue(persona)
    args = [] if name == "policy:manage" else [1]
    assert client.get(reverse(name, args=args)).status_code == 403


def test_policy_admin_pages_need_sign_in(client, policy_v1):
    response = client.get(reverse("policy:manage"))
    assert response["Location"].startswith(reverse("login"))


def test_start_draft_needs_post(policy_admin_client, policy_v1):
    assert policy_admin_client.get(reverse("policy:draft_start")).status_code == 405


def test_admin_drafts_diffs_and_publishes_through_the_pages(policy_admin_client, policy_v1):
    response = policy_admin_client.post(reverse("policy:draft_start"))
    assert response["Location"] == reverse("policy:draft_edit", args=[2])
    draft = PolicyVersion.objects.get(number=2)

    data = draft_form_data(draft)
    data["criterion_sacroiliac_joint_dysfunction_category"] = "exception"
    data["section_exceptions"] = data["section_exceptions"] + "\n- Sacroiliac joint dysfunction"
    data["section_statement"] = data["section_statement"] + "\n\nThis sentence is new."
    response = policy_admin_client.post(reverse("policy:draft_edit", args=[2]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "This sentence is new." in draft.statement

    diff = policy_admin_client.get(reverse("policy:draft_diff", args=[2])).content.decode()
    assert "This sentence is new." in diff
    assert "sacroiliac_joint_dysfunction [exception]" in diff
    assert "sacroiliac_joint_dysfunction [excluded]" in diff

    preview = policy_admin_client.get(reverse("policy:draft_preview", args=[2])).content.decode()
    assert "This sentence is new." in preview

    today = timezone.localdate()
    response = policy_admin_client.post(
        reverse("policy:draft_publish", args=[2]),
        {
            "effective_from_day": today.day,
            "effective_from_month": today.month,
            "effective_from_year": today.year,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at is not None
    assert len(draft.content_hash) == 64
    assert (
        "This sentence is new."
        in policy_admin_client.get(reverse("policy:current")).content.decode()
    )
    # Published: the edit page is gone for it.
    assert policy_admin_client.get(reverse("policy:draft_edit", args=[2])).status_code == 404


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date this version takes effect"),
        (("1", "", "2030"), "must include a month"),
        (("31", "2", "2030"), "must be a real date"),
        (("x", "2", "2030"), "must be a real date"),
    ],
)
def test_publish_date_errors_are_specific(policy_admin_client, policy_v1, parts, message):
    policy_admin_client.post(reverse("policy:draft_start"))
    data = dict(
        zip(
            ("effective_from_day", "effective_from_month", "effective_from_year"),
            parts,
            strict=True,
        )
    )
    response = policy_admin_client.post(reverse("policy:draft_publish", args=[2]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'href="#id_effective_from_0"' in body
    assert PolicyVersion.objects.get(number=2).status == "draft"


def test_publish_in_the_past_is_refused_with_the_reason(policy_admin_client, policy_v1):
    policy_admin_client.post(reverse("policy:draft_start"))
    past = timezone.localdate() - datetime.timedelta(days=3)
    response = policy_admin_client.post(
        reverse("policy:draft_publish", args=[2]),
        {
            "effective_from_day": past.day,
            "effective_from_month": past.month,
            "effective_from_year": past.year,
        },
    )
    assert "must be today or in the future" in response.content.decode()
    assert PolicyVersion.objects.get(number=2).status == "draft"


def test_empty_criterion_wording_is_refused_on_save(policy_admin_client, policy_v1):
    policy_admin_client.post(reverse("policy:draft_start"))
    draft = PolicyVersion.objects.get(number=2)
    data = draft_form_data(draft)
    data["criterion_scoliosis_label"] = ""
    response = policy_admin_client.post(reverse("policy:draft_edit", args=[2]), data)
    assert response.status_code == 200
    assert "Enter the wording of criterion &#x27;scoliosis&#x27;" in response.content.decode()


def test_discarding_a_draft(policy_admin_client, policy_v1):
    policy_admin_client.post(reverse("policy:draft_start"))
    response = policy_admin_client.post(reverse("policy:draft_discard", args=[2]))
    assert response.status_code == 302
    assert not PolicyVersion.objects.filter(number=2).exists()
    assert policy_admin_client.post(reverse("policy:draft_discard", args=[1])).status_code == 404


def test_manage_page_shows_history(policy_admin_client, policy_v1):
    policy_admin_client.post(reverse("policy:draft_start"))
    body = policy_admin_client.get(reverse("policy:manage")).content.decode()
    assert "Draft started" in body
    assert "Draft" in body
