"""The `nhsuk` crispy pack and page shell render NHS.UK markup, and templates stay CSP-clean."""

import re
from html.parser import HTMLParser
from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit as CrispySubmit
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.template.loader import render_to_string

from nhsuk.dates import DateField
from nhsuk.layout import (
    ButtonGroup,
    Checkboxes,
    Field,
    HintedChoice,
    Layout,
    Radios,
    Submit,
)

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
STATIC_DIR = Path(settings.BASE_DIR) / "static"


class ReferralForm(forms.Form):
    """A throwaway form using every kind of question the pack must render."""

    nhs_number = forms.CharField(
        label="NHS number",
        help_text="This is a 10 digit number",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    duration = forms.ChoiceField(
        label="How long has the patient had back pain?",
        help_text="Select one option",
        choices=[
            ("short", "Less than 1 year"),
            ("long", HintedChoice("1 year or more", hint="Include time on the waiting list")),
        ],
        widget=forms.RadioSelect,
    )
    months = forms.IntegerField(label="Number of months", required=False)
    red_flags = forms.MultipleChoiceField(
        label="Does the patient have any of these?",
        choices=[("cauda_equina", "Cauda equina symptoms"), ("none", "None of these")],
        widget=forms.CheckboxSelectMultiple,
    )
    referral_date = DateField(label="Date of referral", label_lower="the date of referral")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.page_heading_field = "duration"
        self.helper.layout = Layout(
            Field("nhs_number", width=10),
            Radios("duration", conditional={"long": [Field("months", width=3)]}),
            Checkboxes("red_flags", size="m", exclusive=["none"]),
            "referral_date",
            ButtonGroup(
                Submit("continue", "Continue"),
                Submit("save", "Save as draft", variant="secondary"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if "none" in cleaned.get("red_flags", []) and len(cleaned["red_flags"]) > 1:
            raise forms.ValidationError("Select red flags, or select 'None of these'")
        return cleaned


INVALID = {
    "nhs_number": "",
    "duration": "long",
    "red_flags": ["cauda_equina", "none"],
    "referral_date_day": "31",
    "referral_date_month": "2",
    "referral_date_year": "2025",
}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str, tag: str, **attrs: str) -> list[dict[str, str]]:
    """Start tags named `tag` whose attributes include `attrs` (`class_` matches one class)."""
    parser = _Elements()
    parser.feed(html)
    wanted_class = attrs.pop("class_", None)
    wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return [
        found
        for name, found in parser.found
        if name == tag
        and all(found.get(key) == value for key, value in wanted.items())
        and (wanted_class is None or wanted_class in found.get("class", "").split())
    ]


def only(html: str, tag: str, **attrs: str) -> dict[str, str]:
    matches = elements(html, tag, **attrs)
    assert len(matches) == 1, f"expected one <{tag} {attrs}>, found {len(matches)}"
    return matches[0]


def render_form(form: forms.Form, **context) -> str:
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render(Context({"form": form, "csrf_token": "test-token", **context}))


def invalid_form() -> ReferralForm:
    form = ReferralForm(data=INVALID)
    assert not form.is_valid()
    return form


def test_text_input_has_label_hint_and_keeps_widget_attributes():
    html = render_form(ReferralForm())
    assert only(html, "label", for_="id_nhs_number")["class"] == "nhsuk-label"
    assert only(html, "div", id="id_nhs_number-hint")["class"] == "nhsuk-hint"
    field = only(html, "input", id="id_nhs_number")
    assert field["aria-describedby"] == "id_nhs_number-hint"
    assert field["class"].split() == ["nhsuk-input", "nhsuk-input--width-10"]
    assert (field["autocomplete"], field["inputmode"], field["spellcheck"]) == (
        "off",
        "numeric",
        "false",
    )


def test_form_is_novalidate_and_carries_the_csrf_token():
    html = render_form(ReferralForm())
    assert "novalidate" in only(html, "form")
    assert only(html, "input", name="csrfmiddlewaretoken")["value"] == "test-token"


def test_error_summary_links_each_error_to_the_first_input_of_its_field():
    html = render_form(invalid_form())
    summary = html[html.index("nhsuk-error-summary") : html.index("</ul>")]
    assert "There is a problem" in summary
    links = re.findall(r'<a href="(#[^"]+)"', summary)
    # Text input, then the date's day box; radios and checkboxes link to their first input.
    assert links == ["#id_nhs_number", "#id_referral_date-day"]
    for target in links:
        assert elements(html, "input", id=target[1:])


def test_error_summary_lists_form_wide_errors_without_a_link():
    html = render_form(invalid_form())
    summary = html[html.index("nhsuk-error-summary") : html.index("</ul>")]
    form_wide = r"<li>\s*Select red flags, or select &#x27;None of these&#x27;\s*</li>"
    assert re.search(form_wide, summary)


def test_error_summary_links_radios_to_their_first_radio():
    form = ReferralForm(data={**INVALID, "duration": ""})
    form.is_valid()
    html = render_form(form)
    assert '<a href="#id_duration">' in html
    assert only(html, "input", id="id_duration")["type"] == "radio"


def test_field_with_error_gets_error_classes_message_and_describedby():
    html = render_form(invalid_form())
    message = only(html, "span", id="id_nhs_number-error")
    assert message["class"] == "nhsuk-error-message"
    assert re.search(
        r'id="id_nhs_number-error">\s*<span class="nhsuk-u-visually-hidden">Error: </span>', html
    )
    field = only(html, "input", id="id_nhs_number")
    assert "nhsuk-input--error" in field["class"].split()
    assert field["aria-describedby"] == "id_nhs_number-hint id_nhs_number-error"
    groups = [
        group
        for group in elements(html, "div", class_="nhsuk-form-group--error")
        if "nhsuk-form-group" in group["class"].split()
    ]
    assert len(groups) == 2  # NHS number and the date


def test_radios_are_a_fieldset_whose_legend_is_the_page_heading():
    html = render_form(ReferralForm())
    assert only(html, "fieldset", aria_describedby="id_duration-hint")
    assert re.search(
        r'<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">\s*'
        r'<h1 class="nhsuk-fieldset__heading">\s*How long has the patient had back pain\?',
        html,
    )
    assert only(html, "div", class_="nhsuk-radios")["data-module"] == "nhsuk-radios"
    assert [radio["id"] for radio in elements(html, "input", type="radio")] == [
        "id_duration",
        "id_duration-2",
    ]


def test_radio_item_shows_the_hint_from_a_hinted_choice():
    html = render_form(ReferralForm())
    assert only(html, "input", id="id_duration-2")["aria-describedby"] == "id_duration-2-item-hint"
    hint = only(html, "div", id="id_duration-2-item-hint")
    assert hint["class"] == "nhsuk-hint nhsuk-radios__hint"
    assert "Include time on the waiting list" in html


def test_conditional_question_is_in_the_page_inside_the_reveal():
    html = render_form(ReferralForm())
    assert only(html, "input", id="id_duration-2")["data-aria-controls"] == (
        "conditional-id_duration-2"
    )
    reveal = only(html, "div", id="conditional-id_duration-2")
    assert reveal["class"].split() == [
        "nhsuk-radios__conditional",
        "nhsuk-radios__conditional--hidden",
    ]
    inside = html[html.index('id="conditional-id_duration-2"') :]
    assert inside.index('id="id_months"') < inside.index("</fieldset>")
    assert only(html, "input", id="id_months")["class"] == "nhsuk-input nhsuk-input--width-3"


def test_conditional_question_is_not_hidden_when_its_radio_is_chosen():
    html = render_form(invalid_form())
    assert "checked" in only(html, "input", id="id_duration-2")
    assert only(html, "div", id="conditional-id_duration-2")["class"] == (
        "nhsuk-radios__conditional"
    )


def test_vendored_css_hides_reveals_only_when_nhsuk_frontend_is_supported():
    css = (STATIC_DIR / "nhsuk" / "nhsuk-frontend.min.css").read_text()
    for kind in ("radios", "checkboxes"):
        rule = f".nhsuk-{kind}__conditional--hidden{{display:none}}"
        assert f".nhsuk-frontend-supported {rule}" in css
        assert css.count(rule) == css.count(f".nhsuk-frontend-supported {rule}")
    init = (STATIC_DIR / "js" / "init.js").read_text()
    assert "nhsuk-frontend-supported" in init
    assert "initAll()" in init


def test_exclusive_none_checkbox_is_marked_and_follows_an_or_divider():
    html = render_form(ReferralForm())
    none = only(html, "input", value="none")
    assert none["data-behaviour"] == "exclusive"
    assert "data-behaviour" not in only(html, "input", value="cauda_equina")
    assert re.search(
        r'<div class="nhsuk-checkboxes__divider">or</div>\s*<div class="nhsuk-checkboxes__item">'
        r'\s*<input[^>]*value="none"',
        html,
    )
    assert only(html, "legend", class_="nhsuk-fieldset__legend--m")


def test_date_input_keeps_what_was_typed_and_marks_only_the_box_in_error():
    html = render_form(invalid_form())
    day = only(html, "input", id="id_referral_date-day")
    assert (day["name"], day["value"], day["inputmode"]) == ("referral_date_day", "31", "numeric")
    assert "nhsuk-input--error" in day["class"].split()
    year = only(html, "input", id="id_referral_date-year")
    assert year["value"] == "2025"
    assert "nhsuk-input--error" not in year["class"].split()
    assert only(html, "fieldset", role="group")["aria-describedby"] == "id_referral_date-error"


def test_date_input_gives_a_date_field_a_date():
    form = ReferralForm(
        data={
            **INVALID,
            "nhs_number": "9991234567",
            "red_flags": ["none"],
            "referral_date_day": "7",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["referral_date"].isoformat() == "2025-02-07"


def test_buttons_are_nhsuk_buttons_in_a_group():
    html = render_form(ReferralForm())
    assert only(html, "div", class_="nhsuk-button-group")
    assert only(html, "button", name="continue")["class"] == "nhsuk-button"
    secondary = only(html, "button", name="save")
    assert secondary["class"] == "nhsuk-button nhsuk-button--secondary"
    assert secondary["data-module"] == "nhsuk-button"


def test_crispy_submit_loses_bootstrap_classes():
    class SignIn(forms.Form):
        username = forms.CharField(label="Username")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.add_input(CrispySubmit("submit", "Sign in"))

    button = only(render_form(SignIn()), "button", type="submit")
    assert button["class"] == "nhsuk-button"


def test_error_summary_include_renders_a_form_outside_crispy():
    html = render_to_string("includes/error_summary.html", {"form": invalid_form()})
    assert only(html, "div", class_="nhsuk-error-summary")["data-module"] == "nhsuk-error-summary"
    assert '<a href="#id_nhs_number">' in html
    assert render_to_string("includes/error_summary.html", {"form": ReferralForm()}).strip() == ""


def test_show_error_summary_false_leaves_the_summary_to_the_page():
    html = render_form(invalid_form(), show_error_summary=False)
    assert "nhsuk-error-summary" not in html
    assert "nhsuk-error-message" in html


def _page(context: dict) -> str:
    template = Template(
        '{% extends "base.html" %}{% block title %}Referral{% endblock %}'
        "{% block content %}<h1>Referral</h1>{% endblock %}"
    )
    return template.render(Context({"user": AnonymousUser(), **context}))


def test_page_title_is_prefixed_error_when_the_form_has_errors():
    assert "<title>Error: Referral – Fusion Triage – NHS</title>" in _page({"form": invalid_form()})
    assert "<title>Referral – Fusion Triage – NHS</title>" in _page({"form": ReferralForm()})


def test_signed_in_header_shows_name_sign_out_form_and_navigation():
    class Person:
        is_authenticated = True

        def get_full_name(self):
            return "Gillian Price"

        def get_username(self):
            return "gp"

    html = _page(
        {
            "user": Person(),
            "csrf_token": "test-token",
            "nav_items": [
                {"text": "Referrals", "href": "/referrals/", "current": True},
                {"text": "Decisions", "href": "/review/", "current": False},
            ],
        }
    )
    assert "Gillian Price" in html
    sign_out = only(html, "form", class_="nhsuk-header__account-form")
    assert sign_out["method"] == "post"
    assert only(html, "button", class_="nhsuk-header__account-button")
    assert only(html, "a", href="/referrals/")["aria-current"] == "page"
    assert "aria-current" not in only(html, "a", href="/review/")


def test_signed_out_header_has_no_account_or_navigation():
    html = _page({"nav_items": []})
    assert "nhsuk-header__account" not in html
    assert "nhsuk-header__navigation" not in html
    assert only(html, "a", class_="nhsuk-skip-link")["href"] == "#maincontent"
    assert only(html, "main")["id"] == "maincontent"


def test_messages_render_as_notification_banners():
    html = _page(
        {"messages": [Message(constants.SUCCESS, "Decision saved"), Message(constants.INFO, "Hi")]}
    )
    success = only(html, "div", class_="nhsuk-notification-banner--success")
    assert success["role"] == "alert"
    other = [
        banner
        for banner in elements(html, "div", class_="nhsuk-notification-banner")
        if "nhsuk-notification-banner--success" not in banner["class"]
    ]
    assert [banner["role"] for banner in other] == ["region"]


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "Try again later." in html


def test_500_page_and_its_base_use_nothing_that_needs_a_request():
    for name in ("500.html", "base_minimal.html"):
        source = (TEMPLATES_DIR / name).read_text()
        for needs_request in ("{% url", "csrf_token", "user.", "request."):
            assert needs_request not in source, f"{name} uses {needs_request}"


def _template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())


def test_templates_have_no_inline_script_or_style():
    assert _template_files()
    for path in _template_files():
        source = path.read_text()
        for script in re.findall(r"<script\b[^>]*>", source, flags=re.IGNORECASE):
            assert "src=" in script, f"inline <script> in {path}"
        assert not re.search(r"<style\b", source, flags=re.IGNORECASE), f"<style> in {path}"
        assert not re.search(r"\sstyle\s*=", source, flags=re.IGNORECASE), f"style= in {path}"


def test_templates_and_css_load_nothing_from_another_origin():
    external = re.compile(
        r"<(?:link|script)\b[^>]*(?:href|src)\s*=\s*[\"']?(?:https?:)?//"
        r"|@import\b|url\(\s*[\"']?(?:https?:)?//",
        flags=re.IGNORECASE,
    )
    sources = [*_template_files(), *STATIC_DIR.glob("css/*.css"), STATIC_DIR / "js" / "init.js"]
    for path in sources:
        assert not external.search(path.read_text()), f"external resource in {path}"


def test_lower_first_keeps_acronyms_and_lowers_a_plain_first_letter():
    from nhsuk.templatetags.nhsuk import lower_first

    assert lower_first("NHS number") == "NHS number"
    assert lower_first("Where is the patient's low back pain felt?") == (
        "where is the patient's low back pain felt?"
    )
