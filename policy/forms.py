"""Forms for the policy admin: edit a draft, publish it with dates."""

from collections.abc import Iterable

from django import forms

from nhsuk.dates import DateField
from policy import engine
from policy.engine import CONDITION_CATEGORY_CHOICES
from policy.models import SECTIONS, PolicyVersion
from policy.services import DraftChanges, Problem


class NhsukErrorClassMixin:
    """Marks each input with an error with the NHS.UK error class."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if not isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                    widget.attrs["class"] = "nhsuk-input--error"


SCHEDULED_CHOICES = (
    ("withdraw", "Withdraw it now, so this version stays in effect"),
    ("keep", "Keep it: it takes over from this version on its date"),
)


class PublishForm(NhsukErrorClassMixin, forms.Form):
    """Dates, the approval, and the confirmations the publish check asks for.

    `scheduled`, `warnings` and `failing` come from policy.checks.publish_check: a field is
    only on the form when there is something to confirm.
    """

    effective_from = DateField(
        label="When does this version take effect?",
        label_lower="the date this version takes effect",
        help_text="Today or later. For example, 1 4 2027",
    )
    review_due = DateField(
        label="When is this version due for review?",
        label_lower="the review date",
        help_text="Optional, but a missing review date is a warning. For example, 1 4 2028",
        required=False,
    )
    approval_body = forms.CharField(
        label="Who approved this version?",
        help_text="For example, Clinical Policy Advisory Group (CPAG)",
        max_length=200,
        required=False,
    )
    approval_date = DateField(
        label="When was it approved?",
        label_lower="the approval date",
        help_text="For example, 12 3 2027",
        required=False,
    )
    approval_reference = forms.CharField(
        label="Approval reference (optional)",
        help_text="For example, the meeting's minute number",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, scheduled=(), warnings=(), failing=(), **kwargs):
        super().__init__(*args, **kwargs)
        if scheduled:
            self.fields["scheduled"] = forms.ChoiceField(
                label="A later version is already scheduled",
                choices=SCHEDULED_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["withdraw_reason"] = forms.CharField(
                label="Why is the scheduled version being withdrawn?",
                help_text="Recorded with the withdrawal. Needed only if you withdraw it.",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if warnings:
            self.fields["warnings_read"] = forms.BooleanField(
                label="I have read the warnings and want to publish this version anyway",
                required=False,
            )
        if failing:
            self.fields["failing_scenarios"] = forms.BooleanField(
                label="I confirm these test cases are expected to change outcome "
                "(recorded with the publication)",
                required=False,
            )

    def add_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """Show the publish check's problems: next to this form's field, or form-wide when they
        name none. Returns those about a part of the draft (fixed on the edit page instead)."""
        elsewhere = []
        for problem in problems:
            if problem.field and problem.field not in self.fields:
                elsewhere.append(problem)
                continue
            if not hasattr(self, "cleaned_data"):
                # An unbound form has no cleaned_data, which add_error needs (a 500 before).
                self.full_clean()
                self.cleaned_data = {}
            self.add_error(problem.field or None, problem.message)
        return elsewhere


class WithdrawForm(NhsukErrorClassMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this version being withdrawn?",
        help_text="Recorded with your name and the time. For example, replaced by a correction.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why this version is being withdrawn"},
    )


class ScenarioForm(NhsukErrorClassMixin, forms.Form):
    """A test case: its name, the answers (JSON in the answers contract), the expected outcome."""

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name for the test case"}
    )
    answers = forms.CharField(
        label="Answers (JSON)",
        help_text="In the answers contract, for example "
        '{"pain_location": "back_only", "red_flags": [], "conditions": [], '
        '"decompression_planned": false, "decompression_destabilising": null}',
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the answers as JSON"},
    )
    expected_outcome = forms.ChoiceField(
        label="Expected outcome",
        choices=[(o.value, o.value) for o in engine.Outcome],
        error_messages={"required": "Choose the expected outcome"},
    )


class ScenarioImportForm(forms.Form):
    file = forms.FileField(
        label="JSON file of test cases",
        help_text="A list of objects with name, answers and expected_outcome, as exported.",
        error_messages={"required": "Choose a JSON file to import"},
    )


class DraftForm(forms.Form):
    """Every editable part of a draft: text sections, criteria wording and category, questions."""

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        # The revision this form was loaded from: a save from an older one is refused.
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=version.revision, min_value=1
        )
        for field, title in SECTIONS:
            self.fields[f"section_{field}"] = forms.CharField(
                label=title,
                required=False,
                initial=getattr(version, field),
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text="Markdown: blank line between paragraphs, '- ' for list items.",
            )
        self.criteria_codes = []
        for criterion in version.rules.get("criteria", []):
            code = criterion["code"]
            self.criteria_codes.append(code)
            self.fields[f"criterion_{code}_label"] = forms.CharField(
                label=f"Wording of '{code}'",
                initial=criterion.get("label", ""),
                error_messages={"required": f"Enter the wording of criterion '{code}'"},
                max_length=500,
            )
            self.fields[f"criterion_{code}_hint"] = forms.CharField(
                label=f"Hint for '{code}'",
                initial=criterion.get("hint", ""),
                required=False,
                max_length=500,
            )
            if criterion.get("group") == "condition":
                self.fields[f"criterion_{code}_category"] = forms.ChoiceField(
                    label=f"Category of '{code}'",
                    choices=CONDITION_CATEGORY_CHOICES,
                    initial=criterion.get("category"),
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Choose the category of '{code}'"},
                )
        self.question_keys = list(version.questions)
        for key, question in version.questions.items():
            self.fields[f"question_{key}_legend"] = forms.CharField(
                label=f"Question '{key}'",
                initial=question.get("legend", ""),
                error_messages={"required": f"Enter the wording of question '{key}'"},
                max_length=500,
            )
            self.fields[f"question_{key}_hint"] = forms.CharField(
                label=f"Hint for question '{key}'",
                initial=question.get("hint", ""),
                required=False,
                max_length=500,
            )

    def base_revision(self) -> int:
        return self.cleaned_data["revision"]

    def changes(self):
        data = self.cleaned_data
        criteria = {}
        for code in self.criteria_codes:
            update = {
                "label": data[f"criterion_{code}_label"],
                "hint": data[f"criterion_{code}_hint"],
            }
            if f"criterion_{code}_category" in data:
                update["category"] = data[f"criterion_{code}_category"]
            criteria[code] = update
        return DraftChanges(
            sections={
                field: data[f"section_{field}"].replace("\r\n", "\n") for field, _ in SECTIONS
            },
            criteria=criteria,
            questions={
                key: {
                    "legend": data[f"question_{key}_legend"],
                    "hint": data[f"question_{key}_hint"],
                }
                for key in self.question_keys
            },
        )

    def section_fields(self):
        return [self[f"section_{field}"] for field, _ in SECTIONS]

    def criterion_rows(self):
        rows = []
        for code in self.criteria_codes:
            rows.append(
                {
                    "code": code,
                    "label": self[f"criterion_{code}_label"],
                    "hint": self[f"criterion_{code}_hint"],
                    "category": self[f"criterion_{code}_category"]
                    if f"criterion_{code}_category" in self.fields
                    else None,
                }
            )
        return rows

    def question_rows(self):
        return [
            {
                "key": key,
                "legend": self[f"question_{key}_legend"],
                "hint": self[f"question_{key}_hint"],
            }
            for key in self.question_keys
        ]
