"""A question's form markup is kept in memory per version and per answers shown (nhsuk.form_body):
each check still shows its own ticked answers, errors are never served from memory, nothing
per-user (the CSRF token, patient details) is ever kept, a patient's NHS number is kept only as a
stand-in put back on each request, and a new version's words show at once."""

import re

import pytest

from nhsuk.form_body import form_body, form_body_clear, form_body_render
from policy.services import policy_version_draft_start
from policy.wording import policy_version_wording_update
from tests.conftest import publish_now
from tests.triage.support import answer, begin, step_url
from triage.forms.questionnaire import ConditionsForm, PatientForm


@pytest.fixture(autouse=True)
def empty_memory():
    form_body_clear()
    yield
    form_body_clear()


def ticked(html: str) -> set[str]:
    return set(re.findall(r'value="([a-z_]+)"[^>]*\bchecked\b', html))


def to_conditions(client, conditions: list[str]):
    check_id = begin(client)
    for step in ("patient", "red-flags", "pain"):
        answer(client, check_id, step)
    if conditions:
        answer(client, check_id, "conditions", {"conditions": conditions})
    return check_id


def test_each_check_shows_its_own_ticked_answers(gp_client, policy_v1):
    scoliosis = to_conditions(gp_client, ["scoliosis"])
    other = to_conditions(gp_client, ["inflammatory", "pregnancy_related"])
    unanswered = to_conditions(gp_client, [])
    for _ in range(2):  # the second round comes from memory
        assert ticked(gp_client.get(step_url(scoliosis, "conditions")).content.decode()) == {
            "scoliosis"
        }
        assert ticked(gp_client.get(step_url(other, "conditions")).content.decode()) == {
            "inflammatory",
            "pregnancy_related",
        }
        assert ticked(gp_client.get(step_url(unanswered, "conditions")).content.decode()) == set()


def test_kept_markup_is_exactly_what_rendering_makes_and_holds_no_csrf_token(policy_v1):
    form = ConditionsForm(initial={"conditions": ["scoliosis"]}, version=policy_v1)
    kept = form_body(form)
    again = ConditionsForm(initial={"conditions": ["scoliosis"]}, version=policy_v1)
    assert form_body(again) is kept
    assert kept == form_body_render(
        ConditionsForm(initial={"conditions": ["scoliosis"]}, version=policy_v1)
    )
    assert "csrfmiddlewaretoken" not in kept and "<form" not in kept


def test_the_page_still_has_its_form_and_csrf_token(gp_client, policy_v1):
    check_id = to_conditions(gp_client, [])
    body = gp_client.get(step_url(check_id, "conditions")).content.decode()
    form = body[body.index('<form method="post" novalidate>') :]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]
    assert 'name="conditions"' in form[: form.index("</form>")]


def test_an_answer_refused_shows_its_error_and_the_next_visit_does_not(gp_client, policy_v1):
    check_id = to_conditions(gp_client, [])
    gp_client.get(step_url(check_id, "conditions"))
    refused = gp_client.post(step_url(check_id, "conditions"), {})
    assert refused.status_code == 200 and "nhsuk-error-summary" in refused.content.decode()
    assert (
        "nhsuk-error-summary"
        not in gp_client.get(step_url(check_id, "conditions")).content.decode()
    )


def test_bound_forms_are_never_kept(policy_v1):
    assert ConditionsForm({"conditions": ["none"]}, version=policy_v1).fragment_key() is None
    assert PatientForm({"nhs_number": "943 476 5919"}, version=policy_v1).fragment_key() is None


def kept_memory() -> str:
    from nhsuk import form_body as memory

    return repr(list(memory._kept.items()))


@pytest.mark.parametrize("shown", ["943 476 5919", "943 476 5870"])
def test_a_patients_nhs_number_is_shown_but_kept_only_as_a_stand_in(policy_v1, shown):
    others = ("401 023 2137", "")  # another patient's page first, then a new check's
    for other in others:
        form_body(PatientForm(initial={"nhs_number": other} if other else {}, version=policy_v1))
    form = PatientForm(initial={"nhs_number": shown}, version=policy_v1)
    html = form_body(form)
    assert html == form_body_render(PatientForm(initial={"nhs_number": shown}, version=policy_v1))
    assert f'value="{shown}"' in html and "401 023 2137" not in html
    assert PatientForm.PERSONAL_STAND_IN not in html
    memory = kept_memory()
    for number in (shown, *others):
        if number:
            assert number not in memory and number.replace(" ", "") not in memory
    assert shown not in repr(form.fragment_key())


def test_each_check_shows_its_own_patient_from_kept_markup(gp_client, policy_v1):
    checks = {}
    for number in ("9434765919", "9434765870"):
        check_id = begin(gp_client)
        answer(gp_client, check_id, "patient", {"nhs_number": number})
        checks[check_id] = f"{number[:3]} {number[3:6]} {number[6:]}"
    fresh = begin(gp_client)
    for _ in range(2):  # the second round comes from memory
        for check_id, shown in checks.items():
            page = gp_client.get(step_url(check_id, "patient")).content.decode()
            assert f'value="{shown}"' in page
            assert all(other not in page for other in checks.values() if other != shown)
        page = gp_client.get(step_url(fresh, "patient")).content.decode()
        assert 'name="nhs_number"' in page and not re.search(r'name="nhs_number"[^>]*value=', page)
    memory = kept_memory()
    assert all(shown not in memory for shown in checks.values())


def test_a_draft_is_never_kept(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin, policy=policy_v1.policy)
    assert ConditionsForm(initial={}, version=draft).fragment_key() is None


def test_a_new_versions_words_show_at_once(gp_client, policy_v1, policy_admin):
    before = to_conditions(gp_client, [])
    legend = policy_v1.questions["conditions"]["legend"]
    assert legend in gp_client.get(step_url(before, "conditions")).content.decode()
    draft = policy_version_draft_start(user=policy_admin, policy=policy_v1.policy)
    policy_version_wording_update(
        version=draft,
        user=policy_admin,
        texts={("questions", "conditions", "legend"): "Which of these has the patient got?"},
    )
    draft.refresh_from_db()
    publish_now(draft, author=policy_admin)
    after = to_conditions(gp_client, [])
    body = gp_client.get(step_url(after, "conditions")).content.decode()
    assert "Which of these has the patient got?" in body and legend not in body
    # A check started under version 1 keeps version 1's words.
    assert legend in gp_client.get(step_url(before, "conditions")).content.decode()


def test_the_start_back_form_is_kept_per_version_and_posts_to_its_own_decision(
    gp, gp_client, practice, policy_v1
):
    import uuid

    from django.urls import reverse

    from tests.conftest import VALID_NHS_NUMBERS, answers_for
    from triage.services.decisions import decision_record

    made = [
        decision_record(
            user=gp, practice=practice, nhs_number=VALID_NHS_NUMBERS[0],
            answers=answers_for(), submission_key=uuid.uuid4(),
        )[0]
        for _ in range(2)
    ]  # fmt: skip
    for decision in made * 2:  # the second round comes from memory
        page = gp_client.get(reverse("triage:decision", args=[decision.reference])).content
        action = reverse("triage:decision_startback", args=[decision.reference])
        assert f'<form action="{action}" method="post" novalidate>' in page.decode()
        assert page.decode().count('name="item_1"') == 2  # two radios: agree, disagree
    refused = gp_client.post(
        reverse("triage:decision_startback", args=[made[0].reference]), {"item_1": "agree"}
    )
    assert "Select an answer for statement 2" in refused.content.decode()
    page = gp_client.get(reverse("triage:decision", args=[made[0].reference])).content.decode()
    assert "Select an answer for statement 2" not in page
