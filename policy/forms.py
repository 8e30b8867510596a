"""Forms for the policy admin: edit a draft, publish it with dates."""

import datetime

from django import forms
from django.utils.text import capfirst

from policy import engine
from policy.engine import CONDITION_CATEGORY_CHOICES
from policy.models import SECTIONS, PolicyVersion
from policy.services import DraftChanges


class DateWidget(forms.MultiWidget):
    """The NHS.UK date input: separate day, month and year boxes."""

    template_name = "widgets/nhsuk_date.html"

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__(
            {
                "day": forms.TextInput(numeric),
                "month": forms.TextInput(numeric),
                "year": forms.TextInput(numeric),
            },
            attrs,
        )

    def id_for_label(self, id_):
        # The error summary links to the day box, the first of the three (Django numbers them).
        return f"{id_}_0" if id_ else id_

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date from three boxes, with the NHS.UK error messages for each way it can go wrong."""

    widget = DateWidget

    def __init__(self, *, label_lower: str, **kwargs):
        self.label_lower = label_lower
        # The parts are optional one by one so that compress() can say which is missing.
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter {label_lower}"
        self.error_messages["incomplete"] = (
            f"{capfirst(label_lower)} must include a day, month and year"
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name
            for name, part in zip(("day", "month", "year"), (day, month, year), strict=True)
            if not part
        ]
        if missing:
            raise forms.ValidationError(
                f"{capfirst(self.label_lower)} must include a {' and '.join(missing)}"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(
                f"{capfirst(self.label_lower)} must be a real date, like 1 4 2027"
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as error:
            raise forms.ValidationError(
                f"{capfirst(self.label_lower)} must be a real date, like 1 4 2027"
            ) from error


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
