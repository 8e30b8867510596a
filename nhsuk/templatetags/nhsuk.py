"""Template tags that turn Django bound fields into NHS.UK design system markup (the `nhsuk` pack).

The crispy templates under templates/nhsuk/ stay declarative: everything that needs Python
(ids, aria-describedby, CSS classes, radio and checkbox items) is worked out here, once, so
the field templates and the error summary always agree on the ids they link to.

Id scheme, as in the NHS.UK Nunjucks macros: a field's id is the widget's `id` attribute or
Django's `auto_id` (`id_<name>`). Hint and error message are `<id>-hint` and `<id>-error`.
Radios and checkboxes number their inputs `<id>`, `<id>-2`, `<id>-3`… so the first input
carries the field id and the error summary's `#<id>` link lands on it; a revealed
question sits in `conditional-<input id>`. Date inputs are `<id>-day`, `<id>-month`,
`<id>-year`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from nhsuk.date_text import date_text
from nhsuk.dates import PARTS as DATE_PARTS
from nhsuk.dates import date_error_parts
from nhsuk.form_body import form_body

register = template.Library()

SIZES = ("s", "m", "l", "xl")

# Context keys the layout objects in nhsuk/layout.py set while a field renders.
OPT_HEADING = "nhsuk_heading"
OPT_HEADING_LEVEL = "nhsuk_heading_level"
OPT_SIZE = "nhsuk_size"
OPT_HINTS = "nhsuk_hints"
OPT_CONDITIONALS = "nhsuk_conditionals"
OPT_EXCLUSIVE = "nhsuk_exclusive"
OPT_DIVIDERS = "nhsuk_dividers"
OPT_INLINE = "nhsuk_inline"
OPT_SMALL = "nhsuk_small"
# FormHelper attribute naming the field whose label or legend is the page's <h1>.
HELPER_PAGE_HEADING_FIELD = "page_heading_field"


@dataclass(frozen=True)
class ChoiceItem:
    """One radio or checkbox, with what the NHS.UK item markup needs."""

    id: str
    name: str
    value: str
    label: Any
    checked: bool
    disabled: bool
    hint: Any
    hint_id: str
    conditional: SafeString
    conditional_id: str
    exclusive: bool
    divider: str


@dataclass(frozen=True)
class DatePart:
    """One of the day, month and year boxes of an NHS.UK date input."""

    id: str
    name: str
    value: Any
    label: str
    width: int
    autocomplete: str
    error: bool = False


@dataclass
class FieldView:
    """A bound field prepared for the pack's templates."""

    field: BoundField
    kind: str
    id: str
    hint_id: str
    error_id: str
    hint: Any
    errors: list
    described_by: str
    heading: bool
    heading_level: int
    size: str
    group_classes: str
    widget: SafeString = SafeString("")
    items: list[ChoiceItem] = field(default_factory=list)
    parts: list[DatePart] = field(default_factory=list)
    inline: bool = False
    small: bool = False


def widget_kind(widget: forms.Widget) -> str:
    """Name the NHS.UK component that renders a Django widget."""
    # Order matters: CheckboxSelectMultiple is a RadioSelect subclass, RadioSelect a Select.
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if getattr(widget, "nhsuk_date_input", False):
        return "date"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


def field_id(bound_field: BoundField) -> str:
    """The id of the field's (first) input; hint, error and item ids derive from it."""
    return bound_field.field.widget.attrs.get("id") or bound_field.auto_id or bound_field.html_name


def date_parts_in_error(bound_field: BoundField) -> set[str]:
    """Which of a date input's boxes its errors are about (`nhsuk.dates.DateField` says)."""
    return {part for error in bound_field.errors.as_data() for part in date_error_parts(error)}


def error_target_id(bound_field: BoundField) -> str:
    """The id an error summary link should jump to: the first input of the field in error."""
    widget = bound_field.field.widget
    base = field_id(bound_field)
    if widget_kind(widget) == "date":
        wrong = date_parts_in_error(bound_field)
        first = next((part for part in DATE_PARTS if part in wrong), DATE_PARTS[0])
        return f"{base}-{first}"
    if isinstance(widget, forms.MultiWidget):
        # Each multi-box widget says which box comes first; Django numbers them _0, _1...
        return widget.id_for_label(base) or f"{base}_0"
    return base


def error_summary_items(form: forms.BaseForm | None) -> list[dict[str, str]]:
    """Errors in page order: form-wide ones first (unlinked), then each field's, linked."""
    if form is None or not getattr(form, "errors", None):
        return []
    items = [{"text": str(error), "href": ""} for error in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            if bound_field.is_hidden:
                items.append({"text": f"{bound_field.label}: {error}", "href": ""})
            else:
                items.append({"text": str(error), "href": f"#{error_target_id(bound_field)}"})
    return items


def _size(value: Any) -> str:
    return value if value in SIZES else ""


def _as_str_keys(mapping: Mapping | None) -> dict[str, Any]:
    return {str(key): value for key, value in (mapping or {}).items()}


def _join_classes(*parts: str | None) -> str:
    seen: list[str] = []
    for part in parts:
        for name in (part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


def _choice_items(bound_field: BoundField, base_id: str, kind: str, options: Mapping) -> list:
    hints = _as_str_keys(options.get(OPT_HINTS))
    conditionals = _as_str_keys(options.get(OPT_CONDITIONALS))
    dividers = _as_str_keys(options.get(OPT_DIVIDERS))
    exclusive = {str(value) for value in options.get(OPT_EXCLUSIVE) or ()}
    disabled = bound_field.field.disabled
    items = []
    first_exclusive_seen = False
    for number, subwidget in enumerate(bound_field.subwidgets, start=1):
        data = subwidget.data
        value = "" if data["value"] is None else str(data["value"])
        item_id = base_id if number == 1 else f"{base_id}-{number}"
        label = data["label"]
        is_exclusive = kind == "checkboxes" and value in exclusive
        divider = dividers.get(value, "")
        if is_exclusive and not first_exclusive_seen:
            first_exclusive_seen = True
            divider = divider or "or"
        items.append(
            ChoiceItem(
                id=item_id,
                name=data["name"],
                value=value,
                label=label,
                checked=bool(data["selected"]),
                disabled=disabled or bool(data["attrs"].get("disabled")),
                hint=hints.get(value) or getattr(label, "hint", ""),
                hint_id=f"{item_id}-item-hint",
                conditional=mark_safe(conditionals.get(value, "")),  # noqa: S308 - rendered by crispy
                conditional_id=f"conditional-{item_id}",
                exclusive=is_exclusive,
                divider=divider,
            )
        )
    return items


def _date_parts(bound_field: BoundField, base_id: str, errors: list) -> list[DatePart]:
    widget = bound_field.field.widget
    context = widget.get_context(bound_field.html_name, bound_field.value(), {})
    wrong = date_parts_in_error(bound_field) if errors else set()
    parts = []
    for suffix, subwidget in zip(
        widget.widgets_names, context["widget"]["subwidgets"], strict=True
    ):
        part = suffix.lstrip("_")
        parts.append(
            DatePart(
                id=f"{base_id}-{part}",
                name=subwidget["name"],
                value=subwidget["value"],
                label=part.capitalize(),
                width=4 if part == "year" else 2,
                autocomplete=subwidget["attrs"].get("autocomplete", ""),
                error=part in wrong,
            )
        )
    return parts


def build_field_view(bound_field: BoundField, options: Mapping) -> FieldView:
    """Work out ids, classes and items for one bound field.

    `options` is the template context: the layout objects' `nhsuk_*` keys, the helper's
    `page_heading_field` and crispy's `form_show_errors` and `wrapper_class`.
    """
    widget = bound_field.field.widget
    kind = widget_kind(widget)
    base_id = field_id(bound_field)
    show_errors = options.get("form_show_errors", True)
    errors = list(bound_field.errors) if show_errors else []
    hint = bound_field.help_text or ""
    hint_id = f"{base_id}-hint"
    error_id = f"{base_id}-error"
    described_by = _join_classes(
        widget.attrs.get("aria-describedby"),
        hint_id if hint else "",
        error_id if errors else "",
    )
    heading = bool(options.get(OPT_HEADING)) or (
        bool(bound_field.name) and options.get(HELPER_PAGE_HEADING_FIELD) == bound_field.name
    )
    size = _size(options.get(OPT_SIZE)) or ("l" if heading else "")
    group_classes = _join_classes(
        "nhsuk-form-group",
        "nhsuk-form-group--error" if errors else "",
        options.get("wrapper_class"),
        bound_field.css_classes(),
    )
    view = FieldView(
        field=bound_field,
        kind=kind,
        id=base_id,
        hint_id=hint_id,
        error_id=error_id,
        # Not marked safe: hints come from policy versions an admin writes, so the template
        # escapes them; a developer who needs markup passes a SafeString on purpose.
        hint=hint,
        errors=errors,
        described_by=described_by,
        heading=heading,
        heading_level=int(options.get(OPT_HEADING_LEVEL) or 1),
        size=size,
        group_classes=group_classes,
        inline=bool(options.get(OPT_INLINE)),
        small=bool(options.get(OPT_SMALL)),
    )
    own_class = widget.attrs.get("class", "")
    if kind in ("radios", "checkboxes"):
        view.items = _choice_items(bound_field, base_id, kind, options)
    elif kind == "date":
        view.parts = _date_parts(bound_field, base_id, errors)
    elif kind == "hidden":
        view.widget = bound_field.as_widget()
    else:
        base_class, error_class = {
            "input": ("nhsuk-input", "nhsuk-input--error"),
            "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
            "select": ("nhsuk-select", "nhsuk-select--error"),
            "checkbox": ("nhsuk-checkboxes__input", ""),
            "file": ("nhsuk-file-upload__input", ""),
            "multi": ("nhsuk-input", "nhsuk-input--error"),
        }[kind]
        attrs = {
            "class": _join_classes(base_class, error_class if errors else "", own_class),
        }
        if kind != "multi":
            attrs["id"] = base_id
        if described_by:
            attrs["aria-describedby"] = described_by
        view.widget = bound_field.as_widget(attrs=attrs)
    return view


@register.simple_tag(takes_context=True)
def nhsuk_field(context: template.Context, bound_field: BoundField) -> FieldView:
    """`{% nhsuk_field field as f %}`: the field prepared for the pack's templates."""
    return build_field_view(bound_field, context.flatten())


@register.filter(name="error_summary_items")
def error_summary_items_filter(form: forms.BaseForm | None) -> list[dict[str, str]]:
    """`{% for item in form|error_summary_items %}`: text and `#id` link of each error."""
    return error_summary_items(form)


@register.filter
def has_errors(forms_: object) -> bool:
    """True if a form, a formset or any of a list of them has errors ("Error: " title prefix)."""
    if isinstance(forms_, forms.BaseForm):
        return bool(forms_.errors)
    if isinstance(forms_, forms.BaseFormSet):
        return forms_.is_bound and forms_.total_error_count() > 0
    if isinstance(forms_, list | tuple):
        return any(has_errors(item) for item in forms_)
    return False


@register.filter
def nhsuk_button_classes(classes: str) -> str:
    """Button classes without crispy's Bootstrap defaults (`btn`, `btn-primary`…)."""
    return _join_classes(
        "nhsuk-button", *(name for name in (classes or "").split() if not name.startswith("btn"))
    )


@register.filter
def lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence ("Change where is ..."), but keep an
    acronym or proper capitals: "NHS number" stays "NHS number"."""
    text = str(text)
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


@register.simple_tag
def nhsuk_form_body(form: forms.BaseForm) -> SafeString:
    """`{% nhsuk_form_body form %}` inside `<form method="post" novalidate>{% csrf_token %}`:
    the error summary, fields and buttons, kept in memory for forms with a fragment_key
    (nhsuk.form_body)."""
    return form_body(form)


@register.filter(expects_localtime=True)
def uk_date(value, fmt: str) -> str:
    """`{{ when|uk_date:"j M Y, H:i" }}`: what `|date:"j M Y, H:i"` writes, without gettext
    (nhsuk/date_text.py); for lists, where the built-in filter's cost adds up per row."""
    return date_text(value, fmt)
