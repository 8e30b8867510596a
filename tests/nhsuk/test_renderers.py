"""The fast widget renderer writes exactly what Django's widget templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from nhsuk.renderers import FAST_WIDGETS

TEMPLATES = TemplatesSetting()
CHOICES = [
    ("", "Any practice"),
    ("C81001", "Peak View <Surgery> & \"Partners\" 'Ltd'"),
    (2, gettext_lazy("Version 2")),
    ("safe", mark_safe("<b>kept</b>")),
    (datetime.date(2025, 3, 31), 1234),
    ("Group & co", [("g1", "In a group"), ("g2", "Also")]),
    ("", [("g3", "Unnamed group")]),
]
ATTRS = {
    "class": "nhsuk-select nhsuk-select--error",
    "id": "id_x",
    "aria-describedby": "id_x-hint id_x-error",
    "required": True,
    "disabled": False,
    "data-none": None,
    "maxlength": 40,
    "data-safe": mark_safe("<a>"),
    "data-quote": 'say "hi" & <go>',
}


class OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


WIDGETS = [
    (forms.Select(choices=CHOICES), ["", None, "C81001", "2", "g2", "none of them", "<x>"]),
    (forms.Select(choices=[]), [None]),
    (forms.SelectMultiple(choices=CHOICES), [["C81001", "g1"], [], None]),
    (forms.NullBooleanSelect(), [None, True, False, "unknown"]),
    (OwnOption(choices=CHOICES), ["g1"]),
    (forms.TextInput(), [None, "", "FT-7K3Q", "<\"&'>", mark_safe("<b>"), 0, 12.5]),
    (forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}), ["x"]),
    (forms.HiddenInput(), [None, "-date", ("a", "b")]),
    (forms.NumberInput(), [None, 3]),
    (forms.EmailInput(), ["a@b.example"]),
    (forms.PasswordInput(), ["secret"]),
    (forms.PasswordInput(render_value=True), ["secret"]),
    (forms.URLInput(), ["https://example.org/?a=1&b=2"]),
    (forms.Textarea(), ["not one of them: <rendered by its template>"]),
]


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [
        (widget, value, attrs)
        for widget, values in WIDGETS
        for value in values
        for attrs in (None, ATTRS)
    ],
)
def test_fast_widgets_write_what_the_widget_templates_write(widget, value, attrs):
    expected = widget.render("field_<name>", value, attrs=attrs, renderer=TEMPLATES)
    assert widget.render("field_<name>", value, attrs=attrs, renderer=FAST_WIDGETS) == expected


def test_a_select_with_its_own_option_template_is_left_to_the_templates():
    widget = OwnOption(choices=[("a", "A")])
    assert 'type="select"' in widget.render("x", "a", renderer=FAST_WIDGETS)


def test_selects_and_text_inputs_are_written_without_the_template_engine(monkeypatch):
    def no_templates(self, template_name):
        raise AssertionError(f"rendered {template_name} with a template")

    monkeypatch.setattr(TemplatesSetting, "get_template", no_templates)
    assert "</select>" in forms.Select(choices=CHOICES).render("x", "g1", renderer=FAST_WIDGETS)
    assert "<input" in forms.TextInput().render("x", "y", renderer=FAST_WIDGETS)
