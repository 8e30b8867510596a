"""The NHS.UK date input: a day, month and year box widget and the form field that reads it.

`DateField` gives the error messages the NHS.UK and GOV.UK guidance asks for, one for each way
a date can go wrong, and says which boxes are wrong so that only those are marked in error:

- nothing typed (required):      "Enter the date this version takes effect"
- a part missing:                 "The review date must include a month" (the month box)
- a part that cannot be a date:   "The review date must be a real date" (the boxes at fault)
- a year outside the range:       "The review date must be between 2000 and 2100"

What the user typed stays in the boxes, whatever was wrong with it: the widget reads the three
boxes as a list and the bound field shows that list again.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

PARTS = ("day", "month", "year")
# ValidationError.params key naming the boxes at fault; no key means the whole date.
PARTS_PARAM = "date_parts"


class NHSDateInput(forms.MultiWidget):
    """Day, month and year boxes, posted as `<name>_day`, `<name>_month` and `<name>_year`.

    The `nhsuk` template pack renders it as the NHS.UK date input (fieldset, legend, hint,
    error message, a label per box); the boxes' ids are `<id>-day`, `<id>-month`, `<id>-year`.
    """

    use_fieldset = True
    nhsuk_date_input = True  # the pack renders it as the NHS.UK date input

    def __init__(self, attrs: dict | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__({part: forms.TextInput(attrs=numeric) for part in PARTS}, attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else ""

    def decompress(self, value: object) -> list:
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


def date_error(message: str, *, code: str, parts: tuple[str, ...] = PARTS) -> ValidationError:
    """A date error naming the boxes at fault (`parts`), so the widget marks only those."""
    # The message is %-formatted with params when shown: keep a literal "%" as it is.
    return ValidationError(message.replace("%", "%%"), code=code, params={PARTS_PARAM: parts})


def date_error_parts(error: ValidationError) -> tuple[str, ...]:
    """The boxes a date error is about: all three unless the error names some."""
    params = getattr(error, "params", None) or {}
    return tuple(params.get(PARTS_PARAM) or PARTS)


class DateField(forms.MultiValueField):
    """A date typed into the NHS.UK date input, with a specific message for each mistake.

    `label_lower` names the date mid-sentence ("the review date"); it defaults to the label.
    Years outside `min_year`..`max_year` are typing mistakes and are refused.
    """

    widget = NHSDateInput

    def __init__(
        self,
        *,
        label_lower: str | None = None,
        min_year: int = 1900,
        max_year: int = 2100,
        **kwargs,
    ) -> None:
        # Each box is optional on its own so that compress() can say which one is missing.
        fields = tuple(forms.CharField(required=False, strip=True) for _ in PARTS)
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.label_lower = label_lower or str(self.label or "the date").lower()
        self.min_year, self.max_year = min_year, max_year
        if "required" not in (kwargs.get("error_messages") or {}):
            self.error_messages["required"] = f"Enter {self.label_lower}"

    def _name(self) -> str:
        return capfirst(self.label_lower)

    def compress(self, data_list: list) -> datetime.date | None:
        typed = (str(part or "").strip() for part in data_list or ())
        values = dict(zip(PARTS, typed, strict=False))
        if not any(values.values()):
            return None
        missing = tuple(part for part in PARTS if not values.get(part))
        if missing:
            raise date_error(
                f"{self._name()} must include a {' and '.join(missing)}",
                code="incomplete",
                parts=missing,
            )
        day, month, year = (values[part] for part in PARTS)
        wrong = tuple(
            part
            for part, text, top in (("day", day, 31), ("month", month, 12), ("year", year, None))
            if not text.isdigit() or (top is not None and not 1 <= int(text) <= top)
        )
        if wrong:
            raise date_error(f"{self._name()} must be a real date", code="invalid", parts=wrong)
        if not self.min_year <= int(year) <= self.max_year:
            raise date_error(
                f"{self._name()} must be between {self.min_year} and {self.max_year}",
                code="year_range",
                parts=("year",),
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as error:  # 31 2 2027: the day does not exist in that month
            raise date_error(
                f"{self._name()} must be a real date", code="invalid", parts=("day",)
            ) from error
