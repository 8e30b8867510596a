"""Publishing refuses missing wording and quotes that are not in their section; older
versions are upgraded only through drafts, never by changing a frozen row."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from policy.models import PolicyVersion
from policy.seed_upgrade import needs_upgrade, upgrade_content
from policy.services import PolicyError, policy_version_draft_start
from policy.wording import policy_version_wording_update, seed_wording
from tests.conftest import publish_now

SEED = __import__("pathlib").Path(__file__).resolve().parents[2] / "policy" / "seed"


def _publish(draft, user):
    return publish_now(draft, author=user)


def test_publish_refuses_a_quote_no_longer_in_its_section(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    draft.primary_care_management = "Primary care management is described elsewhere."
    draft.exclusions = draft.exclusions.replace("- Spondylolisthesis\n", "")
    draft.save()
    with pytest.raises(PolicyError) as refused:
        _publish(draft, policy_admin)
    problems = "\n".join(refused.value.problems)
    assert "The primary care management advice quotes the 'Primary care management' section" in (
        problems
    )
    assert "The criterion spondylolisthesis quotes the 'Exclusion criteria' section" in problems


def test_publish_lists_every_empty_text_and_outcome_without_next_steps(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    wording = copy.deepcopy(draft.wording)
    wording["outcomes"]["surgeon_to_assess"]["next_steps"] = " "
    del wording["urgent"]["red_flags"]["cauda_equina"]
    draft.wording = wording
    del draft.questions["decompression_destabilising"]["options"]["unknown"]
    draft.save()
    with pytest.raises(PolicyError) as refused:
        _publish(draft, policy_admin)
    assert refused.value.problems == [
        "Enter the text 'Operating surgeon to assess the exposure: what to do next'",
        "Enter the text 'Urgent advice for the red flag cauda equina'",
        "Enter a label for the answer 'unknown' of question 'decompression_destabilising'",
    ]


def test_admin_wording_edit_changes_the_draft_and_is_logged(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    changed = policy_version_wording_update(
        version=draft,
        user=policy_admin,
        texts={
            ("outcomes", "not_routinely_commissioned", "headline"): "New headline",
            ("questions", "pain_location", "options", "back_only", "label"): "Back",
        },
    )
    draft.refresh_from_db()
    assert draft.wording["outcomes"]["not_routinely_commissioned"]["headline"] == "New headline"
    assert draft.questions["pain_location"]["options"]["back_only"]["label"] == "Back"
    assert len(changed) == 2
    assert draft.wording != policy_v1.wording


def test_wording_of_a_published_version_cannot_be_edited(policy_v1, policy_admin):
    with pytest.raises(PolicyError):
        policy_version_wording_update(
            version=policy_v1, user=policy_admin, texts={("start", "title"): "x"}
        )


def test_published_wording_is_frozen_by_the_database(policy_v1):
    from django.db import ProgrammingError, connection, transaction

    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE policy_policyversion SET wording = '{}'::jsonb WHERE id = %s", [policy_v1.pk]
        )


def test_wording_is_part_of_the_published_content_hash(policy_v1, policy_admin):
    from policy.services import content_hash_compute

    before = content_hash_compute(policy_v1)
    policy_v1.wording = {**policy_v1.wording, "start": {"title": "changed"}}
    assert content_hash_compute(policy_v1) != before


def test_upgrade_of_engine_1_0_content_keeps_admin_edits_and_adds_what_is_new():
    old_rules = json.loads((SEED / "previous" / "rules_v1_engine_1_0.json").read_text())
    old_questions = json.loads((SEED / "previous" / "questions_v1_engine_1_0.json").read_text())
    for criterion in old_rules["criteria"]:
        if criterion["code"] == "pregnancy_related":
            criterion["label"] = "Back pain in pregnancy (admin's words)"
    sections = {
        field: (SEED / "v1" / f"{field}.md").read_text().strip()
        for field in ("exclusions", "exceptions")
    }
    assert needs_upgrade(old_rules, {})
    rules, questions, wording = upgrade_content(
        rules=old_rules, questions=old_questions, wording={}, sections=sections
    )
    labels = {c["code"]: c for c in rules["criteria"]}
    assert labels["pregnancy_related"]["label"] == "Back pain in pregnancy (admin's words)"
    assert labels["scoliosis"]["label"].startswith("Scoliosis, where the back pain")
    assert labels["scoliosis"]["quote"] == "scoliosis"
    assert "decompression_exposure_unknown" in rules["rules"]
    assert "individual_funding_request" not in rules["advice"]
    assert questions["decompression_destabilising"]["options"]["unknown"]["label"] == (
        "Not known yet"
    )
    assert wording == seed_wording()
    assert not needs_upgrade(rules, wording)


def test_upgrade_migration_starts_a_draft_rather_than_touch_a_frozen_version(
    policy_v1, policy_admin
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("policy.migrations.0006_wording_for_drafts")
    legacy = policy_version_draft_start(user=policy_admin)
    legacy.rules = json.loads((SEED / "previous" / "rules_v1_engine_1_0.json").read_text())
    legacy.wording = {}
    legacy.save()
    legacy = _force_publish(legacy)
    migration.upgrade(apps, None)
    draft = PolicyVersion.objects.get(status="draft")
    assert draft.number is None  # numbered when published
    assert draft.based_on_id == legacy.pk
    assert draft.wording == seed_wording()
    assert "decompression_exposure_unknown" in draft.rules["rules"]
    legacy.refresh_from_db()
    assert legacy.wording == {}


def _force_publish(version):
    """Publish as engine 1.0 would have (no wording, old rules), skipping today's checks."""
    from policy.services import content_hash_compute

    previous = PolicyVersion.objects.filter(number__isnull=False).order_by("-number").first()
    version.number = previous.number + 1 if previous else 1
    version.status = PolicyVersion.Status.PUBLISHED
    version.effective_from = timezone.localdate()
    version.published_at = timezone.now()
    version.content_hash = content_hash_compute(version)
    version.save()
    return version


def test_evaluate_command_accepts_not_known_yet(policy_v1, monkeypatch):
    answers = {
        "pain_location": "back_only",
        "red_flags": [],
        "conditions": [],
        "decompression_planned": True,
        "decompression_destabilising": "unknown",
    }
    monkeypatch.setattr("sys.stdin", StringIO(json.dumps(answers)))
    out = StringIO()
    call_command("evaluate", stdout=out)
    assert json.loads(out.getvalue())["outcome"] == "surgeon_to_assess"


def test_admin_edits_outcome_wording_on_the_draft_page_and_sees_the_change(
    policy_v1, policy_admin, policy_admin_client
):
    from django.urls import reverse

    from policy.wording_forms import WordingForm

    draft = policy_version_draft_start(user=policy_admin)
    url = reverse("policy:draft_wording", args=[draft.pk])
    page = policy_admin_client.get(url)
    assert page.status_code == 200
    assert "Outcomes and next steps" in page.content.decode()
    form = WordingForm(version=draft)
    data = {name: field.initial for name, field in form.fields.items()}
    data["w__outcomes__surgeon_to_assess__headline"] = "<b>Surgeon decides</b>"
    response = policy_admin_client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.wording["outcomes"]["surgeon_to_assess"]["headline"] == "<b>Surgeon decides</b>"
    html = policy_admin_client.get(url).content.decode()
    assert "<ins>&lt;b&gt;Surgeon decides&lt;/b&gt;</ins>" in html


def test_wording_page_refuses_an_emptied_text_and_keeps_what_was_typed(
    policy_v1, policy_admin, policy_admin_client
):
    from django.urls import reverse

    from policy.wording_forms import WordingForm

    draft = policy_version_draft_start(user=policy_admin)
    url = reverse("policy:draft_wording", args=[draft.pk])
    data = {name: field.initial for name, field in WordingForm(version=draft).fields.items()}
    data["w__outcomes__urgent_pathway__next_steps"] = ""
    data["w__start__title"] = "Typed title"
    response = policy_admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the text &#x27;Follow the urgent pathway: what to do next&#x27;" in html
    assert 'value="Typed title"' in html


def test_wording_page_is_for_policy_admins_only(policy_v1, policy_admin, gp_client):
    from django.urls import reverse

    draft = policy_version_draft_start(user=policy_admin)
    response = gp_client.get(reverse("policy:draft_wording", args=[draft.pk]))
    assert response.status_code in (403, 404)


def test_wording_page_of_a_published_version_sends_the_admin_back_saying_why(
    policy_v1, policy_admin_client
):
    from django.urls import reverse

    response = policy_admin_client.get(
        reverse("policy:draft_wording", args=[policy_v1.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("policy:manage")
    assert "no longer a draft" in response.content.decode()


def _wording_form_data(version) -> dict:
    from policy.wording_forms import WordingForm

    return {name: field.initial for name, field in WordingForm(version=version).fields.items()}


def test_wording_save_from_an_older_revision_is_refused_naming_the_other_change_and_keeping_text(
    policy_v1, policy_admin, policy_admin_client, second_policy_admin_client
):
    from django.urls import reverse

    draft = policy_version_draft_start(user=policy_admin)
    url = reverse("policy:draft_wording", args=[draft.pk])
    opened_by_a = _wording_form_data(draft)  # both admins open the page at revision 1
    opened_by_b = dict(opened_by_a)
    opened_by_b["w__outcomes__surgeon_to_assess__headline"] = "B's headline"
    assert second_policy_admin_client.post(url, opened_by_b).status_code == 302

    opened_by_a["w__outcomes__surgeon_to_assess__headline"] = "A's headline"
    opened_by_a["w__start__title"] = "A's start title"
    response = policy_admin_client.post(url, opened_by_a)
    body = response.content.decode()

    assert response.status_code == 409
    assert "Your changes were not saved" in body
    assert "Secondadmin Tester changed outcomes surgeon to assess headline" in body
    assert 'href="#id_w__outcomes__surgeon_to_assess__headline"' in body
    assert "Saved text: “B&#x27;s headline”" in body
    assert 'value="A&#x27;s headline"' in body and 'value="A&#x27;s start title"' in body
    assert 'name="revision" value="2"' in body
    draft.refresh_from_db()
    assert draft.revision == 2
    assert draft.wording["outcomes"]["surgeon_to_assess"]["headline"] == "B's headline"
    assert draft.wording["start"]["title"] != "A's start title"


def test_wording_save_again_after_a_stale_refusal_applies_the_admins_text(
    policy_v1, policy_admin, policy_admin_client, second_policy_admin_client
):
    from django.urls import reverse

    draft = policy_version_draft_start(user=policy_admin)
    url = reverse("policy:draft_wording", args=[draft.pk])
    opened = _wording_form_data(draft)
    other = dict(opened, w__start__title="B's title")
    assert second_policy_admin_client.post(url, other).status_code == 302
    opened["w__outcomes__surgeon_to_assess__headline"] = "A's headline"
    assert policy_admin_client.post(url, opened).status_code == 409
    resubmitted = dict(opened, revision=2, w__start__title="B's title")
    assert policy_admin_client.post(url, resubmitted).status_code == 302
    draft.refresh_from_db()
    assert draft.wording["outcomes"]["surgeon_to_assess"]["headline"] == "A's headline"
    assert draft.wording["start"]["title"] == "B's title"
    assert draft.revision == 3


def test_wording_save_into_a_draft_discarded_meanwhile_shows_the_unsaved_text(
    policy_v1, policy_admin, policy_admin_client
):
    from django.urls import reverse

    from policy.services import policy_version_discard

    draft = policy_version_draft_start(user=policy_admin)
    data = _wording_form_data(draft)
    policy_version_discard(version=draft, user=policy_admin)
    data["w__start__title"] = "Typed before the discard"
    response = policy_admin_client.post(reverse("policy:draft_wording", args=[draft.pk]), data)
    assert response.status_code == 409
    assert "Typed before the discard" in response.content.decode()
