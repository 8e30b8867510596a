"""The GP questionnaire, one small form per page. Wording comes from the policy version.

Forms only validate and normalise; what the answers mean is decided by policy.engine.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from nhsuk.layout import Checkboxes, Field, HintedChoice, Layout, Radios, Submit
from nhsuk.renderers import input_value_put_back
from policy import engine
from policy.models import PolicyVersion
from policy.wording import version_questions, version_wording
from triage.nhs_number import NhsNumberError, nhs_number_format, nhs_number_normalise

NONE = "none"
YES_NO = ("yes", "no")
YES_NO_UNKNOWN = ("yes", "no", engine.UNKNOWN)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout, Submit("continue", "Continue", prevent_double_click=True))
    return helper


# Sibling step address: the red flag question sits next to the conditions question.
RED_FLAG_STEP_HREF = "../red-flags/"


def _hint(version: PolicyVersion, criterion: dict) -> str:
    hint = criterion.get("hint", "")
    if criterion.get("code") not in engine.SUSPECTED_IS_RED_FLAG:
        return hint
    link = version_wording(version)["questionnaire"]["red_flag_link"]
    return format_html('{} <a href="{}">{}</a>', hint, RED_FLAG_STEP_HREF, link)


def _or_divider(version: PolicyVersion) -> dict[str, str]:
    """The divider before "None of these", in the version's words."""
    return {NONE: version_wording(version)["questionnaire"]["or_divider"]}


def _criteria(version: PolicyVersion, group: str) -> list[tuple[str, HintedChoice]]:
    return [
        (c["code"], HintedChoice(c["label"], hint=_hint(version, c)))
        for c in version.rules.get("criteria", [])
        if c.get("group") == group
    ]


def _options(question: dict, values: tuple[str, ...]) -> list[tuple[str, HintedChoice]]:
    options = question.get("options", {})
    return [
        (
            v,
            HintedChoice(
                options.get(v, {}).get("label", v), hint=options.get(v, {}).get("hint", "")
            ),
        )
        for v in values
    ]


class QuestionForm(forms.Form):
    """A questionnaire page: built from the policy version the journey started under."""

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = version_questions(version)
        # The questionnaire's texts, error messages included, are the version's wording.
        self.text = version_wording(version)["questionnaire"]
        self.setup()

    def setup(self) -> None:
        raise NotImplementedError

    # Fields that show a patient's details. Their markup is kept with PERSONAL_STAND_IN where
    # the value goes, and the patient's own value is put back on every request (fragment_fill):
    # nothing kept in memory, key or markup, holds a patient's detail.
    personal_fields: tuple[str, ...] = ()
    # No NHS number or other detail looks like this, so it is found exactly where it was put.
    PERSONAL_STAND_IN = "patient-detail-stand-in"

    def fragment_key(self) -> tuple | None:
        """The key the unbound form's markup depends on, for nhsuk.form_body: the form, the
        published version (id, content hash, publication time) and the answers shown, a
        patient's detail only as PERSONAL_STAND_IN. None for a bound form (it shows errors) or
        a draft's (its words may change)."""
        version = self.version
        if (
            self.is_bound
            or version.status != PolicyVersion.Status.PUBLISHED
            or not version.content_hash
        ):
            return None
        shown = tuple(
            sorted((name, self._kept_value(name, value)) for name, value in self.initial.items())
        )
        return (
            type(self).__qualname__,
            version.pk,
            version.content_hash,
            version.published_at,
            shown,
        )

    def _kept_value(self, name: str, value):
        if name in self.personal_fields:
            return self.PERSONAL_STAND_IN if value else value
        return tuple(value) if isinstance(value, list | tuple) else value

    def _personal_shown(self) -> list[str]:
        return [name for name in self.personal_fields if self.initial.get(name)]

    def fragment_form(self) -> "QuestionForm":
        """The form whose markup is kept for fragment_key: this one, with each patient's
        detail shown replaced by PERSONAL_STAND_IN."""
        shown = self._personal_shown()
        if not shown:
            return self
        initial = {**self.initial, **dict.fromkeys(shown, self.PERSONAL_STAND_IN)}
        return type(self)(initial=initial, version=self.version)

    def fragment_fill(self, html: str) -> SafeString | None:
        """The kept markup with the patient's own details in place of PERSONAL_STAND_IN, as the
        input widget writes them (None, so the form is rendered, if a stand-in is not in the
        markup exactly once)."""
        shown = self._personal_shown()
        if not shown:
            return html
        for name in shown:
            widget = self.fields[name].widget
            html = input_value_put_back(html, widget, self.PERSONAL_STAND_IN, self[name].value())
            if html is None:
                return None
        return html

    def answers(self) -> dict:
        """The cleaned data as fragments of the answers contract."""
        raise NotImplementedError


class PatientForm(QuestionForm):
    personal_fields = ("nhs_number",)

    nhs_number = forms.CharField(
        label="What is the patient's NHS number?",
        help_text="This is a 10 digit number, like 485 777 3456",
        max_length=20,
        error_messages={"max_length": "NHS number must be 10 digits"},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def setup(self) -> None:
        text = self.text
        self.fields["nhs_number"].label = text["nhs_number_legend"]
        self.fields["nhs_number"].help_text = text["nhs_number_hint"]
        self.fields["nhs_number"].error_messages["required"] = text["error_nhs_number_required"]
        self.helper = _helper(Field("nhs_number", heading=True, width=10))

    def clean_nhs_number(self) -> str:
        try:
            return nhs_number_normalise(self.cleaned_data.get("nhs_number", ""))
        except NhsNumberError as error:
            raise forms.ValidationError(str(error)) from error

    @staticmethod
    def initial_from(nhs_number: str | None) -> dict:
        return {"nhs_number": nhs_number_format(nhs_number)} if nhs_number else {}


class RedFlagsForm(QuestionForm):
    red_flags = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)

    def setup(self) -> None:
        q = self.questions["red_flags"]
        field = self.fields["red_flags"]
        field.label = q["legend"]
        field.help_text = q.get("hint", "")
        field.choices = [*_criteria(self.version, "red_flag"), (NONE, q.get("none_label", "None"))]
        field.error_messages["required"] = self.text["error_red_flags_required"]
        self.helper = _helper(
            Checkboxes(
                "red_flags", heading=True, exclusive=[NONE], dividers=_or_divider(self.version)
            )
        )

    def clean_red_flags(self) -> list[str]:
        flags = self.cleaned_data["red_flags"]
        if NONE in flags and len(flags) > 1:
            raise forms.ValidationError(self.text["error_red_flags_both"])
        return [flag for flag in flags if flag != NONE]

    def answers(self) -> dict:
        return {"red_flags": self.cleaned_data["red_flags"]}

    @staticmethod
    def initial_from(answers: dict) -> dict:
        if "red_flags" not in answers:
            return {}
        return {"red_flags": answers["red_flags"] or [NONE]}


class PainLocationForm(QuestionForm):
    pain_location = forms.ChoiceField(widget=forms.RadioSelect)

    def setup(self) -> None:
        q = self.questions["pain_location"]
        field = self.fields["pain_location"]
        field.label = q["legend"]
        field.help_text = q.get("hint", "")
        field.choices = _options(q, ("back_only", "back_and_leg"))
        field.error_messages["required"] = self.text["error_pain_required"]
        self.helper = _helper(Radios("pain_location", heading=True))

    def answers(self) -> dict:
        return {"pain_location": self.cleaned_data["pain_location"]}

    @staticmethod
    def initial_from(answers: dict) -> dict:
        return {"pain_location": answers["pain_location"]} if answers.get("pain_location") else {}


class ConditionsForm(QuestionForm):
    conditions = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)

    def setup(self) -> None:
        q = self.questions["conditions"]
        field = self.fields["conditions"]
        field.label = q["legend"]
        field.help_text = q.get("hint", "")
        field.choices = [*_criteria(self.version, "condition"), (NONE, q.get("none_label", "None"))]
        field.error_messages["required"] = self.text["error_conditions_required"]
        self.helper = _helper(
            Checkboxes(
                "conditions", heading=True, exclusive=[NONE], dividers=_or_divider(self.version)
            )
        )

    def clean_conditions(self) -> list[str]:
        conditions = self.cleaned_data["conditions"]
        if NONE in conditions and len(conditions) > 1:
            raise forms.ValidationError(self.text["error_conditions_both"])
        labels = {c["code"]: c["label"] for c in self.version.rules.get("criteria", [])}
        for first, second in engine.ALTERNATIVE_CONDITIONS:
            if first in conditions and second in conditions:
                raise forms.ValidationError(
                    self.text["error_conditions_alternatives"]
                    .replace("{first}", labels.get(first, first))
                    .replace("{second}", labels.get(second, second))
                )
        return [code for code in conditions if code != NONE]

    def answers(self) -> dict:
        return {"conditions": self.cleaned_data["conditions"]}

    @staticmethod
    def initial_from(answers: dict) -> dict:
        if "conditions" not in answers:
            return {}
        return {"conditions": answers["conditions"] or [NONE]}


class DecompressionForm(QuestionForm):
    decompression_planned = forms.ChoiceField(widget=forms.RadioSelect)
    decompression_destabilising = forms.ChoiceField(widget=forms.RadioSelect, required=False)

    def setup(self) -> None:
        planned_q = self.questions["decompression_planned"]
        destab_q = self.questions["decompression_destabilising"]
        planned = self.fields["decompression_planned"]
        planned.label = planned_q["legend"]
        planned.help_text = planned_q.get("hint", "")
        planned.choices = _options(planned_q, YES_NO)
        planned.error_messages["required"] = self.text["error_decompression_required"]
        destab = self.fields["decompression_destabilising"]
        destab.label = destab_q["legend"]
        destab.help_text = destab_q.get("hint", "")
        destab.choices = _options(destab_q, YES_NO_UNKNOWN)
        self.helper = _helper(
            Radios(
                "decompression_planned",
                heading=True,
                conditional={"yes": [Radios("decompression_destabilising", size="s")]},
            )
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decompression_planned") == "yes":
            if not data.get("decompression_destabilising"):
                self.add_error(
                    "decompression_destabilising", self.text["error_destabilising_required"]
                )
        else:
            # A hidden question is never validated or stored.
            data["decompression_destabilising"] = None
        return data

    def answers(self) -> dict:
        planned = self.cleaned_data["decompression_planned"] == "yes"
        destabilising = self.cleaned_data["decompression_destabilising"]
        return {
            "decompression_planned": planned,
            "decompression_destabilising": _destabilising_answer(destabilising)
            if planned
            else None,
        }

    @staticmethod
    def initial_from(answers: dict) -> dict:
        planned = answers.get("decompression_planned")
        if planned is None:
            return {}
        initial = {"decompression_planned": "yes" if planned else "no"}
        destabilising = answers.get("decompression_destabilising")
        if planned and destabilising is not None:
            initial["decompression_destabilising"] = (
                engine.UNKNOWN
                if destabilising == engine.UNKNOWN
                else ("yes" if destabilising else "no")
            )
        return initial


def _destabilising_answer(value: str) -> bool | str:
    return engine.UNKNOWN if value == engine.UNKNOWN else value == "yes"
