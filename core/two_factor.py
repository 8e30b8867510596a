"""A second factor (TOTP, django-otp) for the local accounts of ICB reviewers and policy admins.

With REQUIRE_2FA on (the default when DEBUG is off), such a user who has signed in with a
password reaches nothing but these pages, sign-out and the public pages until they have
entered a code from their authenticator app: first setting it up (a QR code and the
secret to type), then on every sign-in.
"""

import functools
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import quote

import segno
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_urlconf, path, reverse
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import POLICY_ADMIN, REVIEWER, user_roles

ROLES_NEEDING_2FA = {REVIEWER, POLICY_ADMIN}
ISSUER = "Fusion Triage"


def needs_second_factor(user) -> bool:
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    # NHS CIS2 accounts have no local password: the smartcard or authenticator sign-in at the
    # provider is their second factor.
    if not user.has_usable_password():
        return False
    return bool(user_roles(user) & ROLES_NEEDING_2FA) or user.is_staff


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        help_text="The 6 digits the app shows now, like 123456",
        regex=r"^\s*\d{6}\s*$",
        max_length=20,
        error_messages={
            "required": "Enter the 6 digit code from your authenticator app",
            "invalid": "Enter the code as 6 digits, like 123456",
        },
    )

    def __init__(self, *args, device: TOTPDevice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Continue"))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError(
                "The code is not right. Check the time on your phone and enter the newest code"
            )
        return code


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code and text; confirm it with a first code."""
    if _confirmed_device(request.user) is not None:
        return redirect("otp:verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect("home")
    secret = b32encode(device.bin_key).decode()
    uri = (
        f"otpauth://totp/{quote(ISSUER)}:{quote(request.user.get_username())}"
        f"?secret={secret}&issuer={quote(ISSUER)}&digits={device.digits}&period={device.step}"
    )
    qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(
        request, "registration/two_factor_setup.html", {"form": form, "qr": qr, "secret": grouped}
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the app already set up."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("otp:setup")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(request.GET.get("next") or "home")
    return render(request, "registration/two_factor_verify.html", {"form": form})


urlpatterns = [
    path("setup/", setup, name="setup"),
    path("verify/", verify, name="verify"),
]


class RequireSecondFactorMiddleware:
    """Send a signed-in reviewer or policy admin without a verified code to set up or verify."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.REQUIRE_2FA and not self._exempt(request.path):
            user = request.user
            if needs_second_factor(user) and not user.is_verified():
                target = "otp:verify" if _confirmed_device(user) else "otp:setup"
                return redirect(reverse(target))
        return self.get_response(request)

    @staticmethod
    def _exempt(path_: str) -> bool:
        open_paths = _open_paths(get_urlconf())
        return path_.startswith(open_paths) and not path_.startswith("/policy/manage/")


@functools.lru_cache(maxsize=8)
def _open_paths(urlconf: str | None) -> tuple[str, ...]:
    """The paths open without a second factor, reversed once per URLconf, not per request."""
    return (
        reverse("otp:setup", urlconf=urlconf),
        reverse("otp:verify", urlconf=urlconf),
        reverse("logout", urlconf=urlconf),
        reverse("login", urlconf=urlconf),
        reverse("healthz", urlconf=urlconf),
        reverse("accessibility", urlconf=urlconf),
        reverse("policy:current", urlconf=urlconf),
        "/static/",
    )
