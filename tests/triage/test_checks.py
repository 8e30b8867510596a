"""Referral checks are rows with their own addresses: two at once never mix, only their
clinician can open them, a submitted one is recorded once, and bad addresses are 404s."""

import datetime
import threading

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import GP
from tests.conftest import PASSWORD, client_for, make_user
from tests.triage.support import answer, answer_all, begin, check_url, step_url, submit
from triage.models import Decision, ReferralCheck
from triage.services.checks import check_purge, check_submit

PATIENT_A = "9434765919"  # 943 476 5919: back pain only
PATIENT_B = "4010232137"  # 401 023 2137: back and leg, spondylolisthesis


@pytest.fixture
def colleague(practice):
    """Another GP at Peak View Surgery, the same practice as `gp`."""
    return make_user("colleague", GP, practice)


def two_tabs(gp) -> tuple[Client, Client]:
    """Two tabs of one browser: two clients that share one session cookie."""
    tab_a = client_for(gp)
    tab_b = Client()
    tab_b.cookies = tab_a.cookies
    return tab_a, tab_b


def test_two_tabs_each_decision_carries_its_own_patient_and_answers(gp, policy_v1):
    tab_a, tab_b = two_tabs(gp)
    check_a = answer_all(tab_a, patient={"nhs_number": PATIENT_A})
    check_b = answer_all(
        tab_b,
        patient={"nhs_number": PATIENT_B},
        pain={"pain_location": "back_and_leg"},
        conditions={"conditions": ["spondylolisthesis"]},
    )
    # The defect this guards: submitting tab A recorded tab B's patient and answers.
    reference_a = submit(tab_a, check_a)["Location"].split("/")[-2]
    reference_b = submit(tab_b, check_b)["Location"].split("/")[-2]
    a = Decision.objects.get(reference=reference_a)
    b = Decision.objects.get(reference=reference_b)
    assert (a.nhs_number, a.answers["pain_location"], a.answers["conditions"]) == (
        PATIENT_A,
        "back_only",
        [],
    )
    assert (b.nhs_number, b.answers["pain_location"], b.answers["conditions"]) == (
        PATIENT_B,
        "back_and_leg",
        ["spondylolisthesis"],
    )
    assert a.submission_key == check_a and b.submission_key == check_b


def test_a_page_posted_in_one_tab_never_changes_the_other_tabs_check(gp, policy_v1):
    tab_a, tab_b = two_tabs(gp)
    check_a = answer_all(tab_a, patient={"nhs_number": PATIENT_A})
    check_b = begin(tab_b)
    answer(tab_b, check_b, "patient", {"nhs_number": PATIENT_B})
    answer(tab_b, check_b, "red-flags")
    answer(tab_b, check_b, "pain", {"pain_location": "back_and_leg"})
    body = tab_a.get(check_url(check_a)).content.decode()
    assert "943 476 5919" in body and "401 023 2137" not in body
    assert "Low back only" in body
    assert ReferralCheck.objects.get(pk=check_a).answers["pain_location"] == "back_only"


def test_red_flag_in_one_tab_records_that_tabs_patient_only(gp, policy_v1):
    tab_a, tab_b = two_tabs(gp)
    check_a = begin(tab_a)
    answer(tab_a, check_a, "patient", {"nhs_number": PATIENT_A})
    check_b = answer_all(tab_b, patient={"nhs_number": PATIENT_B})
    response = answer(tab_a, check_a, "red-flags", {"red_flags": ["cauda_equina"]})
    decision = Decision.objects.get()
    assert response["Location"] == reverse("triage:decision", args=[decision.reference])
    assert decision.nhs_number == PATIENT_A
    assert decision.outcome == "urgent_pathway"
    assert ReferralCheck.objects.get(pk=check_b).decision is None


def test_several_checks_in_progress_are_listed_for_their_clinician_only(
    gp, gp_client, colleague, policy_v1
):
    first = begin(gp_client)
    answer(gp_client, first, "patient", {"nhs_number": PATIENT_A})
    answer(gp_client, first, "red-flags")
    second = begin(gp_client)
    done = answer_all(gp_client, patient={"nhs_number": PATIENT_B})
    submit(gp_client, done)
    theirs = begin(client_for(colleague))
    body = gp_client.get(reverse("triage:start")).content.decode()
    assert "Checks in progress" in body
    assert "943 476 5919" in body and "Red flags" in body
    assert "Not entered yet" in body
    assert step_url(first, "pain") in body
    assert step_url(second, "patient") in body
    assert reverse("triage:check_delete", args=[first]) in body
    assert str(done) not in body
    assert str(theirs) not in body


@pytest.mark.parametrize("page", ["patient", "check", "delete"])
def test_another_gp_at_the_same_practice_gets_404_for_a_check(
    gp_client, colleague, policy_v1, page
):
    check_id = answer_all(gp_client)
    url = {
        "patient": step_url(check_id, "patient"),
        "check": check_url(check_id),
        "delete": reverse("triage:check_delete", args=[check_id]),
    }[page]
    other = client_for(colleague)
    assert other.get(url).status_code == 404
    assert other.post(url, {"nhs_number": PATIENT_B}).status_code == 404
    check = ReferralCheck.objects.get(pk=check_id)
    assert check.nhs_number == PATIENT_A and check.decision is None


def test_another_practices_gp_gets_404_for_a_check(gp_client, other_gp_client, policy_v1):
    check_id = answer_all(gp_client)
    assert other_gp_client.get(check_url(check_id)).status_code == 404
    assert other_gp_client.post(check_url(check_id)).status_code == 404
    assert Decision.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        # Fixed ids: parallel test workers must collect the same test names.
        "/referrals/checks/3f0c1f7e-8a53-4d0e-9b1a-5c2e7d4a6b90/patient/",
        "/referrals/checks/8d2b6e4a-1c7f-4a3e-b5d9-0e6f2a8c4b17/check/",
        "/referrals/checks/not-a-uuid/patient/",
        "/referrals/checks/1/check/",
        "/referrals/checks/00000000-0000-0000-0000-00000000000g/check/",
    ],
)
def test_unknown_or_malformed_check_id_is_404_with_nothing_leaked(gp_client, policy_v1, path):
    response = gp_client.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_post_to_a_submitted_check_redirects_to_its_decision_and_stores_nothing(
    gp_client, policy_v1
):
    check_id = answer_all(gp_client)
    submit(gp_client, check_id)
    decision = Decision.objects.get()
    for url, data in [
        (check_url(check_id), {}),
        (step_url(check_id, "patient"), {"nhs_number": PATIENT_B}),
        (step_url(check_id, "red-flags"), {"red_flags": ["cauda_equina"]}),
    ]:
        response = gp_client.post(url, data)
        assert response["Location"] == reverse("triage:decision", args=[decision.reference])
    assert Decision.objects.count() == 1
    assert ReferralCheck.objects.get(pk=check_id).nhs_number == PATIENT_A


def test_back_button_after_submit_shows_the_recorded_reference(gp_client, policy_v1):
    check_id = answer_all(gp_client)
    submit(gp_client, check_id)
    reference = Decision.objects.get().reference
    for url in (check_url(check_id), step_url(check_id, "decompression")):
        body = gp_client.get(url).content.decode()
        assert f"This check was recorded as {reference}" in body
        assert reverse("triage:decision", args=[reference]) in body


def test_post_for_a_page_not_reached_goes_to_the_first_unanswered_page(gp_client, policy_v1):
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    response = answer(gp_client, check_id, "conditions", {"conditions": ["scoliosis"]})
    assert response["Location"] == step_url(check_id, "red-flags")
    assert submit(gp_client, check_id)["Location"] == step_url(check_id, "red-flags")
    assert "conditions" not in ReferralCheck.objects.get(pk=check_id).answers
    assert Decision.objects.count() == 0


def test_check_deleted_in_another_tab_gives_a_clear_message_not_a_500(gp, policy_v1):
    tab_a, tab_b = two_tabs(gp)
    check_id = begin(tab_a)
    answer(tab_a, check_id, "patient")
    tab_b.post(reverse("triage:check_delete", args=[check_id]))
    for response in (
        tab_a.post(step_url(check_id, "red-flags"), {"red_flags": ["none"]}),
        tab_a.get(step_url(check_id, "red-flags")),
        tab_a.post(check_url(check_id)),
    ):
        assert response.status_code == 404
        assert "Referral check not found" in response.content.decode()
        assert "It may have been deleted, for example in another tab" in response.content.decode()
    assert not ReferralCheck.objects.exists()


def test_delete_asks_for_confirmation_then_deletes(gp_client, policy_v1):
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    url = reverse("triage:check_delete", args=[check_id])
    page = gp_client.get(url).content.decode()
    assert "Delete this referral check?" in page and "943 476 5919" in page
    assert ReferralCheck.objects.filter(pk=check_id).exists()
    response = gp_client.post(url, follow=True)
    assert "The referral check for NHS number 943 476 5919 was deleted" in response.content.decode()
    assert not ReferralCheck.objects.filter(pk=check_id).exists()


def test_a_submitted_check_cannot_be_deleted(gp_client, policy_v1):
    check_id = answer_all(gp_client)
    submit(gp_client, check_id)
    gp_client.post(reverse("triage:check_delete", args=[check_id]))
    assert ReferralCheck.objects.get(pk=check_id).decision is not None


def test_session_expiry_then_sign_in_returns_to_the_page_with_every_answer(gp, policy_v1):
    browser = Client()
    assert (
        browser.post(reverse("login"), {"username": "gp", "password": PASSWORD}).status_code == 302
    )
    check_id = begin(browser)
    answer(browser, check_id, "patient")
    answer(browser, check_id, "red-flags")
    answer(browser, check_id, "pain", {"pain_location": "back_and_leg"})
    # Idle past SESSION_IDLE_MINUTES: the server-side session has expired.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    page = step_url(check_id, "conditions")
    response = browser.get(page)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("login")) and "next=" in login_url
    signed_in = browser.post(
        login_url, {"username": "gp", "password": PASSWORD, "next": page}, follow=False
    )
    assert signed_in["Location"] == page
    answer(browser, check_id, "conditions")
    answer(browser, check_id, "decompression")
    body = browser.get(check_url(check_id)).content.decode()
    assert "943 476 5919" in body and "Low back and one or both legs" in body
    submit(browser, check_id)
    decision = Decision.objects.get()
    assert decision.nhs_number == PATIENT_A
    assert decision.answers["pain_location"] == "back_and_leg"


def test_purge_deletes_only_old_unsubmitted_drafts(gp, gp_client, policy_v1, settings):
    settings.REFERRAL_DRAFT_DAYS = 30
    old_draft = begin(gp_client)
    fresh_draft = begin(gp_client)
    old_submitted = answer_all(gp_client)
    submit(gp_client, old_submitted)
    long_ago = timezone.now() - datetime.timedelta(days=31)
    ReferralCheck.objects.filter(pk__in=[old_draft, old_submitted]).update(updated_at=long_ago)
    call_command("referral_drafts_purge")
    assert set(ReferralCheck.objects.values_list("pk", flat=True)) == {fresh_draft, old_submitted}
    assert Decision.objects.count() == 1


def test_purge_counts_what_it_deleted(gp_client, policy_v1):
    begin(gp_client)
    ReferralCheck.objects.update(updated_at=timezone.now() - datetime.timedelta(days=8))
    assert check_purge(days=10) == 0
    assert check_purge(days=7) == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submits_of_one_check_make_exactly_one_decision(gp, policy_v1):
    client = client_for(gp)
    check_id = answer_all(client)
    results, errors = [], []
    barrier = threading.Barrier(50)

    def press_submit():
        try:
            barrier.wait()
            results.append(check_submit(check_id=check_id, user=gp))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Decision.objects.count() == 1
    decision = Decision.objects.get()
    assert [r.created for r in results].count(True) == 1
    assert {r.decision.pk for r in results} == {decision.pk}
    assert ReferralCheck.objects.get(pk=check_id).decision == decision
