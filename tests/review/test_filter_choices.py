"""The list's select filters (practice, policy version, reviewer, clinician): read fresh on every
request in one query, with the options, errors and selections the ModelChoiceFilters gave."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import GP, POLICY_ADMIN, REVIEWER
from policy.models import PolicyVersion
from policy.services import policy_version_draft_start
from review.selectors.filter_choices import filter_choice_lists
from tests.conftest import make_user
from triage.models import Practice

LIST = reverse("review:list")
EMPTY_LABELS = {
    "practice": "Any practice",
    "policy_version": "Any version",
    "reviewer": "Any reviewer",
    "clinician": "Any clinician",
}


def options(response, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the select named `name`."""
    body = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select named {name}"
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1]
        )
    ]


def user_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.username})"


def expected_lists() -> dict[str, list[tuple[str, str]]]:
    """What the ModelChoiceFilters listed: their querysets, in order, with their labels."""
    users = get_user_model().objects.order_by("username")
    versions = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
    return {
        "practice": [(p.ods_code, str(p)) for p in Practice.objects.order_by("name")],
        "policy_version": [
            (str(v.number), f"Version {v.number}") for v in versions.order_by("-number")
        ],
        "reviewer": [(u.username, user_label(u)) for u in users.filter(groups__name=REVIEWER)],
        "clinician": [(u.username, user_label(u)) for u in users.filter(groups__name=GP)],
    }


@pytest.fixture
def listed_rows(policy_v1, practice, other_practice, gp, other_gp, reviewer):
    """Rows each list must show or leave out: a nameless GP, a policy admin, a draft."""
    nameless = make_user("zz-nameless", GP, practice)
    nameless.first_name = nameless.last_name = ""
    nameless.save()
    policy_version_draft_start(user=make_user("admin", POLICY_ADMIN), policy=policy_v1.policy)
    make_user("second-reviewer", REVIEWER)


def test_filter_lists_every_practice_published_version_reviewer_and_gp_in_order(
    reviewer_client, listed_rows
):
    response = reviewer_client.get(LIST)
    for name, expected in expected_lists().items():
        assert options(response, name) == [
            ("", EMPTY_LABELS[name], True),
            *((value, label, False) for value, label in expected),
        ]
    assert [value for value, _, _ in options(response, "policy_version")] == ["", "1"]
    assert [value for value, _, _ in options(response, "clinician")][-1] == "zz-nameless"


def test_a_practice_or_gp_added_just_before_the_request_is_listed(reviewer_client, listed_rows):
    reviewer_client.get(LIST)
    added = Practice.objects.create(ods_code="C81009", name="Aardvark Lane Surgery")
    make_user("aaa-new-gp", GP, added)
    response = reviewer_client.get(LIST)
    assert options(response, "practice")[1] == ("C81009", "Aardvark Lane Surgery (C81009)", False)
    assert options(response, "clinician")[1] == (
        "aaa-new-gp",
        "Aaa-New-Gp Tester (aaa-new-gp)",
        False,
    )


def test_the_four_lists_are_one_query(reviewer_client, listed_rows):
    with CaptureQueriesContext(connection) as captured:
        lists = filter_choice_lists()
    assert len(captured.captured_queries) == 1
    assert {name: [(o.value, o.label) for o in found] for name, found in lists.items()} == (
        expected_lists()
    )


def test_chosen_options_stay_selected_and_filter(
    reviewer_client, make_decision, make_review, other_gp, other_practice, policy_v1, listed_rows
):
    mine = make_decision(user=other_gp)
    make_review(mine, "agree")
    make_decision()
    chosen = {
        "practice": other_practice.ods_code,
        "policy_version": str(policy_v1.number),
        "reviewer": "reviewer",
        "clinician": other_gp.username,
    }
    response = reviewer_client.get(LIST, chosen)
    assert [d.reference for d in response.context["page"].rows] == [mine.reference]
    for name, value in chosen.items():
        assert [v for v, _, selected in options(response, name) if selected] == [value]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("practice", "C81001"),
        ("policy_version", "1"),
        ("reviewer", "reviewer"),
        ("clinician", "gp"),
    ],
)
def test_each_filter_on_its_own_keeps_only_matching_decisions(
    reviewer_client, make_decision, make_review, other_gp, listed_rows, name, value
):
    matching = make_decision()
    make_review(matching, "agree")
    other = make_decision(user=other_gp)
    response = reviewer_client.get(LIST, {name: value})
    shown = [d.reference for d in response.context["page"].rows]
    assert matching.reference in shown
    if name != "policy_version":
        assert other.reference not in shown


def test_a_version_number_with_a_leading_zero_is_that_version(
    reviewer_client, make_decision, listed_rows
):
    decision = make_decision()
    response = reviewer_client.get(LIST, {"policy_version": "01"})
    assert [d.reference for d in response.context["page"].rows] == [decision.reference]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("practice", "ZZZ", "Select a practice from the list"),
        ("practice", "c81001", "Select a practice from the list"),
        ("policy_version", "2", "Select a policy version from the list"),
        ("policy_version", "abc", "Select a policy version from the list"),
        ("policy_version", "99999999999999999999", "Select a policy version from the list"),
        ("reviewer", "gp", "Select a reviewer from the list"),
        ("clinician", "reviewer", "Select a clinician from the list"),
        ("clinician", "admin", "Select a clinician from the list"),
    ],
)
def test_a_value_not_in_a_list_gives_its_own_error_and_keeps_what_was_typed(
    reviewer_client, listed_rows, name, value, message
):
    response = reviewer_client.get(LIST, {name: value, "q": "FT-AAAA-AAAA"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<a href="#id_{name}">{message}</a>' in body
    assert f'<span class="nhsuk-u-visually-hidden">Error: </span>{message}' in body
    assert 'value="FT-AAAA-AAAA"' in body
    assert not [v for v, _, selected in options(response, name) if selected]
    assert response.context["page"] is None


def test_a_renamed_practice_or_gp_shows_its_new_name_at_once(
    reviewer_client, listed_rows, practice, gp
):
    reviewer_client.get(LIST)  # the unbound form's markup is kept for these lists
    Practice.objects.filter(pk=practice.pk).update(name="Peak View Health Centre")
    get_user_model().objects.filter(pk=gp.pk).update(first_name="Asha", last_name="Patel")
    response = reviewer_client.get(LIST)
    assert ("C81001", "Peak View Health Centre (C81001)", False) in options(response, "practice")
    assert ("gp", "Asha Patel (gp)", False) in options(response, "clinician")


def test_the_unbound_filter_form_is_kept_and_a_search_only_with_a_stand_in(
    reviewer_client, listed_rows
):
    from nhsuk import form_body

    form_body.form_body_clear()
    reviewer_client.get(LIST)
    kept = dict(form_body._kept)
    assert [key[0] for key in kept] == ["review-filters"]
    reviewer_client.get(LIST, {"q": "9434765919"})  # tests/review/test_filter_form_kept.py
    assert "9434765919" not in repr(form_body._kept)


def test_a_request_changes_nothing_the_next_request_starts_from(
    listed_rows, make_decision, make_review
):
    from review.filters import DecisionFilter

    reviewed, unreviewed = make_decision(), make_decision()
    make_review(reviewed, "agree")
    first = DecisionFilter({"reviewed": "yes", "reviewer": "reviewer"})
    second = DecisionFilter({"reviewed": "no"})
    assert first.is_valid() and second.is_valid()
    assert [d.pk for d in first.qs] == [reviewed.pk]
    assert [d.pk for d in second.qs] == [unreviewed.pk]
    for name, base in DecisionFilter.base_filters.items():
        assert "listed" not in base.extra
        for filterset in (first, second):
            copied = filterset.filters[name]
            assert copied is not base and copied.extra is not base.extra
            assert copied.parent is filterset
            if base.method is not None:
                assert copied.filter.f is copied  # the method runs on this request's filterset


def test_the_form_class_is_made_again_only_when_a_list_changes(listed_rows):
    from review.filters import DecisionFilter

    made = DecisionFilter(None).get_form_class()
    assert DecisionFilter({"outcome": "urgent_pathway"}).get_form_class() is made
    Practice.objects.create(ods_code="Y12345", name="Newly Opened Surgery")
    remade = DecisionFilter(None).get_form_class()
    assert remade is not made
    assert ("Y12345", "Newly Opened Surgery (Y12345)") in remade.base_fields["practice"].choices
