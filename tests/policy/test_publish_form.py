"""The publish form places each of the publish check's problems where the admin can fix it."""

from policy.forms import PublishForm
from policy.services import Problem

PROBLEMS = [
    Problem("The review date must be after the date this version takes effect", "review_due"),
    Problem("Criterion 'sij' has no wording", "criterion_sij_label"),
    Problem("Another version was published meanwhile"),
]


def test_problems_go_next_to_their_field_form_wide_or_back_to_the_edit_page():
    form = PublishForm(
        data={"effective_from_day": "1", "effective_from_month": "4", "effective_from_year": "2030"}
    )
    form.is_valid()
    elsewhere = form.add_problems(PROBLEMS)
    assert form.errors["review_due"] == [PROBLEMS[0].message]
    assert form.non_field_errors() == [PROBLEMS[2].message]
    assert elsewhere == [PROBLEMS[1]]
    assert "criterion_sij_label" not in form.errors


def test_an_unbound_form_takes_form_wide_problems_without_failing():
    form = PublishForm()
    elsewhere = form.add_problems([PROBLEMS[2], PROBLEMS[1]])
    assert form.non_field_errors() == [PROBLEMS[2].message]
    assert elsewhere == [PROBLEMS[1]]


def test_no_problems_leave_an_unbound_form_untouched():
    form = PublishForm()
    assert form.add_problems([]) == []
    assert not form.is_bound
    assert not hasattr(form, "cleaned_data")
