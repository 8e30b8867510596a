"""Published policy versions as FHIR Questionnaires."""

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from policy import engine
from tests.fhir_api.conftest import QUESTIONNAIRE


def test_search_by_url_returns_each_published_version(client, policy_v1):
    response = client.get("/fhir/Questionnaire", {"url": QUESTIONNAIRE})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate(response.json())
    assert bundle.total == 1
    questionnaire = bundle.entry[0].resource
    assert (questionnaire.url, questionnaire.version) == (QUESTIONNAIRE, "1")


def test_search_for_another_url_is_empty(client, policy_v1):
    assert client.get("/fhir/Questionnaire", {"url": "https://x.example/Q"}).json()["total"] == 0


def test_answer_option_codes_are_exactly_the_answers_contract_codes(client, policy_v1):
    q = client.get("/fhir/Questionnaire/lumbar-spinal-fusion-v1").json()
    items = {item["linkId"]: item for item in q["item"]}
    codes = {
        key: tuple(o["valueCoding"]["code"] for o in item.get("answerOption", []))
        for key, item in items.items()
    }
    assert codes["red_flags"] == engine.RED_FLAG_CODES
    assert codes["conditions"] == engine.CONDITION_CODES
    assert codes["pain_location"] == engine.PAIN_LOCATIONS
    assert items["decompression_planned"]["type"] == "boolean"
    assert list(items) == list(engine.ANSWER_KEYS[1:2] + engine.ANSWER_KEYS[:1]) + list(
        engine.ANSWER_KEYS[2:]
    )


def test_follow_up_question_is_enabled_only_when_decompression_is_planned(client, policy_v1):
    q = client.get("/fhir/Questionnaire/lumbar-spinal-fusion-v1").json()
    item = next(i for i in q["item"] if i["linkId"] == "decompression_destabilising")
    assert item["enableWhen"] == [
        {"question": "decompression_planned", "operator": "=", "answerBoolean": True}
    ]


def test_questionnaire_uses_the_versions_own_wording(client, policy_v1):
    q = Questionnaire.model_validate(
        client.get("/fhir/Questionnaire/lumbar-spinal-fusion-v1").json()
    )
    for item in q.item:
        assert item.text == policy_v1.questions[item.linkId]["legend"]
    labels = {c["code"]: c["label"] for c in policy_v1.rules["criteria"]}
    red_flags = next(i for i in q.item if i.linkId == "red_flags")
    assert [o.valueCoding.display for o in red_flags.answerOption] == [
        labels[c] for c in engine.RED_FLAG_CODES
    ]


def test_a_draft_version_is_not_served(client, policy_v1, policy_admin):
    from policy.services import policy_version_draft_start

    draft = policy_version_draft_start(user=policy_admin)
    response = client.get(f"/fhir/Questionnaire/lumbar-spinal-fusion-v{draft.number}")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert client.get("/fhir/Questionnaire").json()["total"] == 1


def test_unknown_questionnaire_is_404_operation_outcome(client, policy_v1):
    response = client.get("/fhir/Questionnaire/nonsense")
    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"


def test_questionnaire_rejects_post(client, policy_v1):
    response = client.post("/fhir/Questionnaire/lumbar-spinal-fusion-v1")
    assert response.status_code == 405
    assert response.json()["resourceType"] == "OperationOutcome"
