"""The NHS.UK date input: one specific message per mistake, only the wrong boxes marked, and
nothing the user typed lost."""

import datetime

import pytest
from django import forms
from django.template import Context, Template

from nhsuk.dates import DateField
from tests.nhsuk.test_pack import only


class ReviewDateForm(forms.Form):
    review_due = DateField(
        label="When is this version due for review?",
        label_lower="the review date",
        help_text="For example, 1 4 2028",
        min_year=2000,
        max_year=2100,
    )


def bound(day: str, month: str, year: str) -> ReviewDateForm:
    return ReviewDateForm(
        data={"review_due_day": day, "review_due_month": month, "review_due_year": year}
    )


def render(form: forms.Form) -> str:
    template = Template(
        '{% load crispy_forms_tags %}{% include "includes/error_summary.html" %}'
        "{{ form.review_due|as_crispy_field }}"
    )
    return template.render(Context({"form": form}))


def error_boxes(html: str) -> list[str]:
    return [
        part
        for part in ("day", "month", "year")
        if "nhsuk-input--error" in only(html, "input", id=f"id_review_due-{part}")["class"].split()
    ]


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("", "", ""), "Enter the review date", ["day", "month", "year"]),
        (("1", "", "2030"), "The review date must include a month", ["month"]),
        (("", "", "2030"), "The review date must include a day and month", ["day", "month"]),
        (("1", "4", ""), "The review date must include a year", ["year"]),
        (("31", "2", "2030"), "The review date must be a real date", ["day"]),
        (("1", "13", "2030"), "The review date must be a real date", ["month"]),
        (("x", "4", "twenty"), "The review date must be a real date", ["day", "year"]),
        (("1", "4", "30"), "The review date must be between 2000 and 2100", ["year"]),
        (("1", "4", "99999"), "The review date must be between 2000 and 2100", ["year"]),
    ],
)
def test_each_mistake_gets_its_own_message_marks_only_its_boxes_and_keeps_what_was_typed(
    typed, message, wrong
):
    form = bound(*typed)
    assert not form.is_valid()
    assert form.errors["review_due"] == [message]
    html = render(form)
    assert error_boxes(html) == wrong
    for part, value in zip(("day", "month", "year"), typed, strict=True):
        assert only(html, "input", id=f"id_review_due-{part}").get("value", "") == value
    # The summary jumps to the first box in error, the message sits in the fieldset.
    assert f'<a href="#id_review_due-{wrong[0]}">{message}</a>' in html
    assert only(html, "fieldset", role="group")["aria-describedby"] == (
        "id_review_due-hint id_review_due-error"
    )


def test_a_real_date_becomes_a_date_with_spaces_and_leading_zeros_allowed():
    form = bound(" 01 ", "04", "2030")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["review_due"] == datetime.date(2030, 4, 1)


def test_an_optional_date_left_empty_is_none():
    class Optional(forms.Form):
        review_due = DateField(label="Review date", required=False)

    form = Optional(data={"review_due_day": "", "review_due_month": "", "review_due_year": ""})
    assert form.is_valid()
    assert form.cleaned_data["review_due"] is None


def test_an_initial_date_fills_the_three_boxes():
    html = render(ReviewDateForm(initial={"review_due": datetime.date(2028, 4, 1)}))
    boxes = [only(html, "input", id=f"id_review_due-{part}") for part in ("day", "month", "year")]
    assert [box["value"] for box in boxes] == ["1", "4", "2028"]
    assert error_boxes(html) == []


def test_the_date_input_follows_the_nhsuk_markup():
    html = render(ReviewDateForm())
    fieldset = only(html, "fieldset", role="group")
    assert fieldset["class"] == "nhsuk-fieldset"
    assert only(html, "div", class_="nhsuk-date-input")["id"] == "id_review_due"
    assert only(html, "div", id="id_review_due-hint")["class"] == "nhsuk-hint"
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        box = only(html, "input", id=f"id_review_due-{part}")
        assert box["name"] == f"review_due_{part}"
        assert box["inputmode"] == "numeric"
        assert f"nhsuk-input--width-{width}" in box["class"].split()
        assert only(html, "label", for_=f"id_review_due-{part}")["class"] == (
            "nhsuk-label nhsuk-date-input__label"
        )
