"""The STarT Back questions, worded by the decision's policy version; scoring is the engine's."""

from crispy_forms.helper import FormHelper
from django import forms

from nhsuk.layout import Layout, Radios, Submit
from policy.engine.startback import ITEM_COUNT, item_choices
from policy.models import PolicyVersion
from policy.wording import version_wording


class StartBackForm(forms.Form):
    def __init__(self, *args, version: PolicyVersion, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        text = version_wording(version)["startback"]
        for item in range(1, ITEM_COUNT + 1):
            self.fields[f"item_{item}"] = forms.ChoiceField(
                label=f"{item}. {text['items'][str(item)]}",
                choices=[(value, text["answers"][value]) for value in item_choices(item)],
                widget=forms.RadioSelect,
                error_messages={
                    "required": text["missing_item"].replace("{item}", str(item)),
                    "invalid_choice": text["missing_item"].replace("{item}", str(item)),
                },
            )
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            *(
                Radios(f"item_{item}", inline=item < ITEM_COUNT, small=True)
                for item in range(1, ITEM_COUNT + 1)
            ),
            Submit("score", text["submit"], variant="secondary", prevent_double_click=True),
        )

    def fragment_key(self) -> tuple | None:
        """The unbound form's markup depends only on the published version's words (kept by
        nhsuk.form_body); the action, the decision's own address, is written by the page."""
        version = self.version
        if self.is_bound or self.initial or version.status != PolicyVersion.Status.PUBLISHED:
            return None
        if not version.content_hash:
            return None
        return ("StartBackForm", version.pk, version.content_hash, version.published_at)

    def responses(self) -> dict[int, str]:
        return {item: self.cleaned_data[f"item_{item}"] for item in range(1, ITEM_COUNT + 1)}
