"""A form renderer that writes Django's select and text input markup in Python, byte for byte
what their templates write, and leaves every other template to the template engine.

Django renders a select with one template include per option: in the reviewer's filter form
(9 selects, 46 options) the widget templates were about 40 % of the form's rendering. A form
opts in with `default_renderer = FAST_WIDGETS`; tests/nhsuk/test_renderers.py compares the
output with the templates' for every case the templates distinguish, so a project override of
those templates (there is none) would fail there rather than be bypassed silently.
"""

from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "hidden", "number", "email", "url", "password", "search", "tel")
)


def _shown(value: Any) -> str:
    """`{{ value }}` in an autoescaping template."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: a safe value stays as it is (the filter is is_safe)."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def input_value(widget, value: Any) -> str:
    """The ` value="..."` an input `widget` writes for `value` (as _input writes it), or "" when
    it writes none."""
    formatted = widget.format_value(value)
    return "" if formatted is None else f' value="{_formatted(formatted)}"'


def input_value_put_back(html: str, widget, stand_in: Any, value: Any) -> SafeString | None:
    """Kept markup (nhsuk.form_body) with the ` value="..."` the widget writes for `value` in
    place of the one it wrote for `stand_in`, escaped as rendering escapes it; None, so the
    form is rendered afresh, unless the stand-in's is in `html` exactly once."""
    stand_in_value = input_value(widget, stand_in)
    if html.count(stand_in_value) != 1:
        return None
    return SafeString(html.replace(stand_in_value, input_value(widget, value)))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}' + (
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _in_python(template_name: str, context: dict) -> bool:
    if template_name in INPUTS:
        return True
    return template_name == SELECT and all(
        option["template_name"] == OPTION
        for _, options, _ in context["widget"]["optgroups"]
        for option in options
    )


class FastWidgets(TemplatesSetting):
    """TemplatesSetting (the project's FORM_RENDERER), with selects and text inputs in Python."""

    def render(self, template_name: str, context: dict, request=None) -> str:
        if not _in_python(template_name, context):
            return super().render(template_name, context, request)
        widget = context["widget"]
        html = _select(widget) if template_name == SELECT else _input(widget)
        return SafeString(html)


FAST_WIDGETS = FastWidgets()
