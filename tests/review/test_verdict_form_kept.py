"""The decision page's verdict form keeps its layout's markup in memory (ReviewForm.fragment_key,
nhsuk.form_body.KeptLayoutHelper): what it writes is what crispy writes for the same form, with
the form's own one-time submission key; nothing kept holds a real key."""

import uuid

import pytest
from crispy_forms.helper import FormHelper
from django.template import engines
from django.urls import reverse

from nhsuk import form_body
from nhsuk.form_body import KeptLayoutHelper
from review.forms.review import ReviewForm

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
OUTCOMES = [
    [("urgent_pathway", "Follow the urgent pathway")],
    [("urgent_pathway", "Follow the urgent pathway"), ("outside_statement", "Outside")],
]


def crispy_writes(form) -> str:
    return CRISPY.render({"form": form})


@pytest.mark.parametrize("outcomes", OUTCOMES)
def test_the_kept_verdict_form_is_what_crispy_writes(outcomes, monkeypatch):
    form_body.form_body_clear()
    forms = [ReviewForm(action="/review/decisions/FT-AAAA-AAAA/review/", outcomes=outcomes)]
    forms.append(ReviewForm(action="/review/decisions/FT-BBBB-BBBB/review/", outcomes=outcomes))
    kept = [crispy_writes(form) for form in forms]  # the first made, the second from memory
    monkeypatch.setattr(KeptLayoutHelper, "render_layout", FormHelper.render_layout)
    assert kept == [crispy_writes(form) for form in forms]
    for form, html in zip(forms, kept, strict=True):
        assert f'value="{form.initial["submission_key"]}"' in html
        assert form.action in html


def test_forms_for_other_outcomes_are_kept_apart():
    form_body.form_body_clear()
    one, two = (ReviewForm(action="/a/", outcomes=outcomes) for outcomes in OUTCOMES)
    assert "Outside" not in crispy_writes(one)
    assert "Outside" in crispy_writes(two)


def test_nothing_kept_holds_a_forms_submission_key():
    form_body.form_body_clear()
    form = ReviewForm(action="/a/", outcomes=OUTCOMES[0])
    crispy_writes(form)
    assert str(form.initial["submission_key"]) not in repr(form_body._kept)
    assert str(ReviewForm.SUBMISSION_KEY_STAND_IN) in repr(form_body._kept)


def test_a_bound_verdict_form_is_written_every_time():
    data = {"verdict": "disagree", "submission_key": str(uuid.uuid4())}
    form = ReviewForm(data, action="/a/", outcomes=OUTCOMES[0])
    assert not form.is_valid()
    assert form.fragment_key() is None


def test_the_decision_page_gives_each_view_its_own_submission_key(reviewer_client, make_decision):
    url = reverse("review:detail", args=[make_decision().reference])
    keys = [reviewer_client.get(url).context["form"].initial["submission_key"] for _ in range(2)]
    pages = [reviewer_client.get(url) for _ in range(2)]
    for page in pages:
        assert f'value="{page.context["form"].initial["submission_key"]}"' in page.content.decode()
    assert len(set(keys)) == 2
