"""Every reviewer URL: ICB reviewers only (403 for others, sign-in for anonymous), right methods."""

import pytest
from django.urls import reverse

REFERENCE = "FT-AAAA-AAAA"
GET_URLS = [
    ("review:list", []),
    ("review:detail", [REFERENCE]),
    ("review:next", []),
    ("review:sample", []),
    ("review:dashboard", []),
    ("review:dashboard_csv", ["outcomes"]),
    ("review:export", []),
]
POST_URLS = [("review:review", [REFERENCE]), ("review:verify", [])]
ALL_URLS = [(name, args, "get") for name, args in GET_URLS] + [
    (name, args, "post") for name, args in POST_URLS
]


@pytest.mark.parametrize(("name", "args", "method"), ALL_URLS)
def test_anonymous_user_is_sent_to_sign_in(client, db, name, args, method):
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["gp_client", "policy_admin_client", "no_role_client"])
@pytest.mark.parametrize(("name", "args", "method"), ALL_URLS)
def test_other_roles_are_refused_with_403(request, db, persona, name, args, method):
    client = request.getfixturevalue(persona)
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args"), GET_URLS)
def test_read_pages_refuse_post(reviewer_client, policy_v1, name, args):
    assert reviewer_client.post(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize(("name", "args"), POST_URLS)
def test_actions_refuse_get(reviewer_client, policy_v1, name, args):
    assert reviewer_client.get(reverse(name, args=args)).status_code == 405


def test_gp_cannot_reach_a_decision_through_the_reviewer_url(gp_client, make_decision):
    decision = make_decision()
    assert gp_client.get(reverse("review:detail", args=[decision.reference])).status_code == 403
