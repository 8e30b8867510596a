"""The "entered in error" form: a required reason, length-limited. The rules live in
triage.services.corrections; this only validates and normalises what was typed."""

from crispy_forms.helper import FormHelper
from django import forms

from nhsuk.layout import Field, Layout, Submit
from triage.services.corrections import REASON_MAX_LENGTH


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why was this decision entered in error?",
        help_text=(
            "For example, the wrong patient's NHS number, or a red flag ticked by mistake. "
            f"Up to {REASON_MAX_LENGTH} characters."
        ),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter why the decision was entered in error",
            "max_length": (
                f"The reason must be {REASON_MAX_LENGTH} characters or fewer "
                "(it has %(show_value)d)"
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("reason", size="m"),
            Submit("mark", "Mark as entered in error", prevent_double_click=True),
        )
