"""Forms for the policy admin: edit a draft, publish it with dates."""

import datetime

from django import forms
from django.utils.text import capfirst

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


class PublishForm(forms.Form):
    effective_from = DateField(
        label="When does this version take effect?",
        label_lower="the date this version takes effect",
        help_text="Today or later. For example, 1 4 2027",
    )
    review_due = DateField(
        label="When is this version due for review?",
        label_lower="the review date",
        help_text="Optional. For example, 1 4 2028",
        required=False,
    )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "nhsuk-input--error"


class DraftForm(forms.Form):
    """Every editable part of a draft: text sections, criteria wording and category, questions."""

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
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
