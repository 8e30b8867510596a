"""The practice's side of a request for more information: read it and reply (GPs only)."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nhsuk.layout import Field, Layout, Submit
from review.selectors.practice import review_and_reply_history
from review.services.replies import (
    REPLY_MAX_LENGTH,
    information_request_latest,
    practice_reply_record,
)
from triage.selectors.practice import decision_get_for_practice
from triage.views.questionnaire import gp_view


class PracticeReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        help_text="Answer the reviewer's question. Your reply is added to the decision's review "
        "history and cannot be changed afterwards.",
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter your reply",
            "max_length": f"Your reply must be {REPLY_MAX_LENGTH} characters or fewer",
        },
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, action: str = "", **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "practice-reply"
        self.helper.show_error_summary = False
        self.helper.layout = Layout(
            Field("text"),
            "submission_key",
            Submit("send", "Send reply", prevent_double_click=True),
        )


@gp_view
def practice_reply(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    """GET: the request and the history; POST: append the practice's reply."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
    action = reverse("review:practice_reply", args=[decision.reference])
    form = PracticeReplyForm(request.POST if request.method == "POST" else None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = practice_reply_record(
                decision=decision,
                author=request.user,
                text=form.cleaned_data["text"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, "Your reply was sent to the ICB reviewer.")
            return redirect("review:practice_reply", reference=decision.reference)
    return render(
        request,
        "review/practice_reply.html",
        {
            "decision": decision,
            "request_open": information_request_latest(decision=decision),
            "history": review_and_reply_history(decision=decision),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
