"""The admin's form for a draft's wording: outcomes and next steps, answer labels, page texts."""

from django import forms

from policy.models import PolicyVersion
from policy.wording import (
    WordingField,
    answer_label_fields,
    version_questions,
    version_wording,
    wording_change_description,
    wording_fields,
    wording_get,
)


def editable_fields(version: PolicyVersion) -> list[WordingField]:
    return [*answer_label_fields(version), *wording_fields()]


class WordingForm(forms.Form):
    """One text box per GP-visible text; an empty box is refused here and again at publish."""

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        wording = version_wording(version)
        questions = version_questions(version)
        self.wording_fields = editable_fields(version)
        # The revision this form was loaded from: a save from an older one is refused.
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=version.revision, min_value=1
        )
        for field in self.wording_fields:
            source = questions if field.path[0] == "questions" else wording
            path = field.path[1:] if field.path[0] == "questions" else field.path
            initial = wording_get(source, path)
            long = field.markdown or len(str(initial or "")) > 80
            self.fields[field.name] = forms.CharField(
                label=field.title,
                initial=initial,
                strip=True,
                help_text="Markdown: start lines with '- ' for a list." if field.markdown else "",
                widget=forms.Textarea(attrs={"rows": 5 if field.markdown else 3})
                if long
                else forms.TextInput(),
                error_messages={"required": f"Enter the text '{field.title}'"},
            )

    def groups(self) -> list[tuple[str, list]]:
        grouped: dict[str, list] = {}
        for field in self.wording_fields:
            grouped.setdefault(field.group, []).append(self[field.name])
        return list(grouped.items())

    def base_revision(self) -> int:
        return self.cleaned_data["revision"]

    def field_name_for(self, description: str) -> str:
        """The form field an edit event's line names ("outcomes urgent pathway headline")."""
        for field in self.wording_fields:
            if wording_change_description(field.path) == description:
                return field.name
        return ""

    def texts(self) -> dict[tuple[str, ...], str]:
        return {field.path: self.cleaned_data[field.name] for field in self.wording_fields}
