"""Text a policy admin writes is shown to every GP: it must never become markup."""

import pytest
from django.urls import reverse

from policy.services import (
    DraftChanges,
    policy_version_draft_start,
    policy_version_draft_update,
)
from tests.conftest import publish_now

HOSTILE = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'


@pytest.fixture
def hostile_version(policy_v1, policy_admin):
    """A published version whose question and criterion hints carry an HTML payload."""
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={},
            criteria={"cauda_equina": {"hint": HOSTILE}},
            questions={"red_flags": {"hint": HOSTILE, "legend": f"Red flags {HOSTILE}"}},
        ),
    )
    return publish_now(draft, author=policy_admin)


def test_question_and_criterion_hints_from_the_policy_are_escaped(gp_client, hostile_version):
    patient_url = gp_client.post(reverse("triage:begin"))["Location"]
    red_flags_url = gp_client.post(patient_url, {"nhs_number": "9434765919"})["Location"]
    body = gp_client.get(red_flags_url).content.decode()
    assert "<meta http-equiv" not in body
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in body


def test_developer_help_text_marked_safe_still_renders_as_markup():
    from django import forms
    from django.utils.safestring import mark_safe

    from nhsuk.templatetags.nhsuk import build_field_view

    class F(forms.Form):
        plain = forms.CharField(help_text="<b>plain</b>")
        trusted = forms.CharField(help_text=mark_safe("<b>trusted</b>"))  # noqa: S308

    form = F()
    from django.template import Context, Template

    rendered = Template("{{ plain.hint }}|{{ trusted.hint }}").render(
        Context(
            {
                "plain": build_field_view(form["plain"], {}),
                "trusted": build_field_view(form["trusted"], {}),
            }
        )
    )
    assert rendered == "&lt;b&gt;plain&lt;/b&gt;|<b>trusted</b>"
