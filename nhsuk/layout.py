"""Crispy layout objects for the `nhsuk` template pack (templates/nhsuk/): NHS.UK form markup.

How a form uses the pack
------------------------
Settings select the pack (`CRISPY_TEMPLATE_PACK = "nhsuk"`). Each form builds its
`FormHelper` and `Layout` in `__init__` and otherwise only validates and normalises::

    from crispy_forms.helper import FormHelper
    from django import forms

    from nhsuk.layout import Checkboxes, Field, HintedChoice, Layout, Radios, Submit

    class SymptomsForm(forms.Form):
        duration = forms.ChoiceField(
            label="How long has the patient had low back pain?",
            help_text="Count from when the current episode started",
            choices=[
                ("under_1y", "Less than 1 year"),
                ("over_1y", HintedChoice("1 year or more", hint="Include waiting time")),
            ],
            widget=forms.RadioSelect,
        )
        months = forms.IntegerField(
            label="Number of months", required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        )
        red_flags = forms.MultipleChoiceField(
            label="Does the patient have any of these?",
            choices=[("cauda_equina", "Cauda equina symptoms"), ("none", "None of these")],
            widget=forms.CheckboxSelectMultiple,
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.page_heading_field = "duration"  # its legend becomes the page's <h1>
            self.helper.layout = Layout(
                Radios("duration", conditional={"over_1y": [Field("months", width=3)]}),
                Checkboxes("red_flags", size="m", exclusive=["none"]),
                Submit("continue", "Continue"),
            )

        def clean_red_flags(self):
            # Without JavaScript nothing unticks the others when "None" is ticked.
            flags = self.cleaned_data["red_flags"]
            if "none" in flags and len(flags) > 1:
                raise forms.ValidationError("Select the symptoms, or select 'None of these'")
            return flags

and the template says `{% load crispy_forms_tags %}{% crispy form %}`.

What renders where:

- Plain field names (or `Field`) become a form group: label, hint (`help_text`), error
  message, and the widget with its own attrs (`autocomplete`, `inputmode`, `spellcheck`,
  a width class...). `RadioSelect`, `CheckboxSelectMultiple`, `CheckboxInput`, `Select`,
  `Textarea` and `NHSDateInput` (the widget of `nhsuk.dates.DateField`) get their NHS.UK
  components without any layout object (`HintedChoice` labels give item hints anywhere);
  use `Radios`/`Checkboxes` for hints by value, revealed questions, dividers or "None"
  options. Ids follow the NHS.UK macros (see nhsuk/templatetags/nhsuk.py): radios are
  `id_<name>`, `id_<name>-2`...
- The error summary ("There is a problem", one `#id` link per error, form-wide errors
  unlinked) opens the form. If the page has an `<h1>` above the form, set
  `helper.show_error_summary = False` (or wrap the tag in
  `{% with show_error_summary=False %}`) and put `{% include "includes/error_summary.html" %}`
  above the heading instead, as the NHS.UK guidance asks.
- `helper.form_tag = False` when the template writes its own `<form>` (it must then add
  `novalidate` and `{% csrf_token %}`); `helper.form_action` sets the action. Forms are
  `novalidate`: the server's messages, not the browser's, are the ones users see.
- `helper.page_heading_field = "name"` (or `heading=True` on a layout object) makes that
  label or legend the page heading, size "l" unless `size` says otherwise.
- The document title: base.html prefixes "Error: " when the context's `form` has errors.
  A view whose form has another name passes `page_has_errors=True` (the `has_errors`
  filter in `{% load nhsuk %}` tests a form or a list of forms).
"""

from crispy_forms import layout as crispy_layout
from crispy_forms.layout import HTML, Div, Layout
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django.utils.safestring import SafeString
from django.utils.text import slugify

from nhsuk.dates import NHSDateInput
from nhsuk.templatetags.nhsuk import (
    OPT_CONDITIONALS,
    OPT_DIVIDERS,
    OPT_EXCLUSIVE,
    OPT_HEADING,
    OPT_HEADING_LEVEL,
    OPT_HINTS,
    OPT_INLINE,
    OPT_SIZE,
    OPT_SMALL,
    SIZES,
)

__all__ = [
    "HTML",
    "ButtonGroup",
    "Checkboxes",
    "Div",
    "Field",
    "Fieldset",
    "HintedChoice",
    "Layout",
    "NHSDateInput",
    "Radios",
    "Submit",
    "width_class",
]

INPUT_WIDTHS = (2, 3, 4, 5, 10, 20, 30)
FLUID_WIDTHS = ("full", "three-quarters", "two-thirds", "one-half", "one-third", "one-quarter")
BUTTON_VARIANTS = ("secondary", "reverse", "warning", "login")


def width_class(width: int | str | None) -> str:
    """`10` → `nhsuk-input--width-10` (characters); `"two-thirds"` → `nhsuk-u-width-two-thirds`."""
    if width is None:
        return ""
    if isinstance(width, int) or str(width).isdigit():
        if int(width) not in INPUT_WIDTHS:
            raise ValueError(f"width must be one of {INPUT_WIDTHS} or {FLUID_WIDTHS}")
        return f"nhsuk-input--width-{int(width)}"
    if width not in FLUID_WIDTHS:
        raise ValueError(f"width must be one of {INPUT_WIDTHS} or {FLUID_WIDTHS}")
    return f"nhsuk-u-width-{width}"


def _check_size(size: str | None) -> str | None:
    if size is not None and size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    return size


class HintedChoice(str):
    """A choice label carrying a hint shown under that radio or checkbox.

    `("over_1y", HintedChoice("1 year or more", hint="Include time on the waiting list"))`
    It is a `str`, so everything else that shows the label still works.
    """

    hint: str

    def __new__(cls, label: str, hint: str = "") -> "HintedChoice":
        obj = super().__new__(cls, label)
        obj.hint = hint
        return obj


class Field(crispy_layout.Field):
    """A field with NHS.UK options.

    `heading=True` makes the label (or legend) the page's `<h1>` (`heading_level` for
    another level); `size` is "s", "m", "l" or "xl"; `width` is a character count
    (2, 3, 4, 5, 10, 20, 30) or a fraction ("one-half", "two-thirds"...). Other keyword
    arguments become widget attributes, as in crispy's `Field`.
    """

    def __init__(
        self,
        *fields,
        heading: bool = False,
        heading_level: int = 1,
        size: str | None = None,
        width: int | str | None = None,
        css_class: str | None = None,
        **kwargs,
    ) -> None:
        classes = " ".join(filter(None, [css_class, width_class(width)])) or None
        super().__init__(*fields, css_class=classes, **kwargs)
        self.options = {
            OPT_HEADING: heading,
            OPT_HEADING_LEVEL: heading_level,
            OPT_SIZE: _check_size(size),
        }

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra = {**self.options, **(extra_context or {})}
        return super().render(
            form, context, template_pack=template_pack, extra_context=extra, **kwargs
        )


class Radios(Field):
    """Radios in a fieldset, with per-item hints, dividers and revealed questions.

    - `hints`: `{value: hint}` (or use `HintedChoice` labels).
    - `dividers`: `{value: "or"}` puts a divider before that item.
    - `conditional`: `{value: [field names or layout objects]}`, rendered inside the item's
      reveal. Without JavaScript (or before it runs) the revealed question stays visible;
      `nhsuk-frontend` hides it only once `nhsuk-frontend-supported` is on `<body>`.
    - `inline`, `small`: the NHS.UK variants (no reveals with `inline`).
    """

    def __init__(
        self,
        field_name: str,
        *,
        hints: dict | None = None,
        dividers: dict | None = None,
        conditional: dict | None = None,
        inline: bool = False,
        small: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(field_name, **kwargs)
        self.conditional = {
            str(value): list(items) if isinstance(items, list | tuple) else [items]
            for value, items in (conditional or {}).items()
        }
        self.options.update(
            {
                OPT_HINTS: hints or {},
                OPT_DIVIDERS: dividers or {},
                OPT_INLINE: inline,
                OPT_SMALL: small,
            }
        )

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        revealed = {
            value: SafeString(
                "".join(
                    render_field(item, form, context, template_pack=template_pack) for item in items
                )
            )
            for value, items in self.conditional.items()
        }
        extra = {OPT_CONDITIONALS: revealed, **(extra_context or {})}
        return super().render(
            form, context, template_pack=template_pack, extra_context=extra, **kwargs
        )


class Checkboxes(Radios):
    """Checkboxes in a fieldset; as `Radios`, plus `exclusive` values ("None of these").

    An exclusive item gets `data-behaviour="exclusive"` (nhsuk-frontend unticks the others
    when it is ticked, and it when another is ticked) and an "or" divider before it.
    The form must still reject "None" with another item: without JavaScript both can be sent.
    """

    def __init__(self, field_name: str, *, exclusive: list | tuple = (), **kwargs) -> None:
        super().__init__(field_name, **kwargs)
        self.options[OPT_EXCLUSIVE] = [str(value) for value in exclusive]


class Fieldset(crispy_layout.Fieldset):
    """A fieldset grouping several fields (an address, a date range) under one legend.

    `heading=True` makes the legend the page heading (`<h1>` inside the legend, the NHS.UK
    way); `size` sizes the legend; `hint` adds a hint linked with aria-describedby.
    """

    template = "%s/layout/fieldset.html"

    def __init__(
        self,
        legend: str,
        *fields,
        heading: bool = False,
        heading_level: int = 1,
        size: str | None = None,
        hint: str = "",
        css_id: str | None = None,
        **kwargs,
    ) -> None:
        if hint and not css_id:
            css_id = f"fieldset-{slugify(legend)}"
        super().__init__(legend, *fields, css_id=css_id, **kwargs)
        self.heading = heading
        self.heading_level = heading_level
        self.size = _check_size(size) or ("l" if heading else None)
        self.hint = hint
        self.hint_id = f"{css_id}-hint" if hint else ""


class Submit(crispy_layout.BaseInput):
    """An NHS.UK button that submits the form.

    `variant` is "secondary", "reverse", "warning" or "login"; `prevent_double_click`
    sets nhsuk-frontend's guard against submitting twice.
    """

    input_type = "submit"
    field_classes = "nhsuk-button"

    def __init__(
        self,
        name: str,
        value: str,
        *,
        variant: str | None = None,
        prevent_double_click: bool = False,
        css_class: str | None = None,
        **kwargs,
    ) -> None:
        if variant is not None and variant not in BUTTON_VARIANTS:
            raise ValueError(f"variant must be one of {BUTTON_VARIANTS}")
        classes = " ".join(filter(None, [f"nhsuk-button--{variant}" if variant else "", css_class]))
        if prevent_double_click:
            kwargs["data_prevent_double_click"] = "true"
        super().__init__(name, value, css_class=classes or None, **kwargs)


class ButtonGroup(crispy_layout.Div):
    """Buttons and links side by side (`nhsuk-button-group`), e.g. Submit and a Cancel link."""

    css_class = "nhsuk-button-group"
