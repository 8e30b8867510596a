"""The start page's rows written in Python (triage.decision_rows) are the markup the Django
template wrote for them, byte for byte, with every value escaped."""

import uuid

import pytest
from django.template import engines
from django.urls import reverse

from tests.conftest import VALID_NHS_NUMBERS, answers_for
from triage.decision_rows import decision_rows
from triage.notices import DecisionTag
from triage.presentation import decisions_linked
from triage.selectors.practice import decision_page_for_practice
from triage.services.corrections import decision_correct
from triage.services.decisions import decision_record

# The loop templates/triage/start.html ran before the rows were written in Python.
TEMPLATE_ROWS = """{% load nhsuk triage_tags %}{% for decision, tags in rows %}
    <tr class="nhsuk-table__row">
      <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">Reference </span><a href="{{ decision.url }}">{{ decision.reference }}</a>{% for tag in tags %} <a class="nhsuk-tag nhsuk-tag--yellow app-tag-link" href="{{ tag.url }}">{{ tag.text }}</a>{% endfor %}</td>
      <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">Date </span>{{ decision.created_at|uk_date:"j M Y, H:i" }}</td>
      <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">NHS number </span>{{ decision.nhs_number|nhs_number }}</td>
      <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">Outcome </span>{% if decision.marked_entered_in_error %}<strong class="nhsuk-tag nhsuk-tag--red">Entered in error</strong> <del>{{ decision.outcome|outcome_label }}</del>{% else %}{{ decision.outcome|outcome_label }}{% endif %}</td>
      <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">Clinician </span>{{ decision.clinician.get_full_name|default:decision.clinician.username }}</td>
    </tr>
    {% endfor %}"""  # noqa: E501


@pytest.fixture
def listed(gp, practice, policy_v1):
    """The practice's page of decisions: outcomes that differ, one entered in error, one by a
    GP whose name needs escaping and one by a GP with no name."""
    gp.first_name, gp.last_name = "Ann <b>&", "O'Neil"
    gp.save()
    made = []
    for number, answers in zip(
        VALID_NHS_NUMBERS,
        (answers_for(), answers_for(pain_location="back_and_leg"), answers_for()),
        strict=True,
    ):
        made.append(
            decision_record(
                user=gp, practice=practice, nhs_number=number, answers=answers,
                submission_key=uuid.uuid4(),
            )[0]
        )  # fmt: skip
    decision_correct(decision=made[0], user=gp, reason="Wrong patient")
    decisions = decision_page_for_practice(practice=practice).object_list
    return decisions_linked(decisions, "triage:decision")


def test_rows_are_the_templates_markup_byte_for_byte(listed):
    tags = {
        listed[0].pk: [DecisionTag(text="More <information> requested", url="/r/?a=1&b=2")],
        listed[1].pk: [
            DecisionTag(text="One", url="/one/"),
            DecisionTag(text="<em>Two</em>", url="/2/"),
        ],
    }
    reference = engines["django"].from_string(TEMPLATE_ROWS)
    expected = reference.render({"rows": [(d, tags.get(d.pk, [])) for d in listed]})
    assert decision_rows(listed, tags) == expected
    assert "Ann &lt;b&gt;&amp; O&#x27;Neil" in expected
    assert "More &lt;information&gt; requested" in expected and "a=1&amp;b=2" in expected
    assert expected.count("Entered in error") == 1 and "&lt;em&gt;Two&lt;/em&gt;" in expected


def test_a_gp_without_a_name_is_shown_by_username(listed, gp):
    gp.first_name = gp.last_name = ""
    gp.save()
    for decision in listed:
        decision.clinician.first_name = decision.clinician.last_name = ""
    html = decision_rows(listed, {})
    assert html.count(f"</span>{gp.username}</td>") == len(listed)


def test_the_start_page_shows_the_rows_with_their_tags(gp_client, listed, monkeypatch):
    from triage import notices

    monkeypatch.setattr(
        notices,
        "_sources",
        {
            "test": notices.NoticeSource(
                tags=lambda decisions: {decisions[0].pk: DecisionTag("Look <here>", "/look/")},
                banner=lambda decision: "",
            )
        },
    )
    page = gp_client.get(reverse("triage:start")).content.decode()
    for decision in listed:
        assert f'<a href="{decision.url}">{decision.reference}</a>' in page
    tag = '<a class="nhsuk-tag nhsuk-tag--yellow app-tag-link" href="/look/">Look &lt;here&gt;</a>'
    assert f"{listed[0].reference}</a> {tag}" in page
