"""Reviewers and policy admins need a TOTP code after their password when REQUIRE_2FA is on."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp

from tests.conftest import PASSWORD


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_2FA = True
    # django-otp slows retries after a wrong code (kept in production); the tests retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def code_for(secret: str, offset: int = 0) -> str:
    return f"{totp(b32decode(secret.replace(' ', '')), drift=offset):06d}"


def test_reviewer_sets_up_the_app_then_reaches_the_workspace(client, reviewer, two_factor_on):
    sign_in(client, "reviewer")
    response = client.get(reverse("review:list"))
    assert response["Location"] == reverse("otp:setup")
    page = client.get(reverse("otp:setup")).content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', page)[1]
    wrong = client.post(reverse("otp:setup"), {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    assert client.post(reverse("otp:setup"), {"code": code_for(secret)}).status_code == 302
    assert client.get(reverse("review:list")).status_code == 200


def test_next_sign_in_asks_for_a_code_and_refuses_pages_until_given(
    client, policy_admin, policy_v1, two_factor_on
):
    sign_in(client, "policyadmin")
    page = client.get(reverse("otp:setup")).content.decode()
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', page)[1]
    client.post(reverse("otp:setup"), {"code": code_for(secret)})
    client.post(reverse("logout"))
    sign_in(client, "policyadmin")
    assert client.get(reverse("policy:manage"))["Location"] == reverse("otp:verify")
    assert client.get(reverse("otp:setup"))["Location"] == reverse("otp:verify")
    response = client.post(reverse("otp:verify"), {"code": code_for(secret, 1)})
    assert response.status_code == 302
    assert client.get(reverse("policy:manage")).status_code == 200


def test_gps_are_not_asked_for_a_second_factor(client, gp, two_factor_on):
    sign_in(client, "gp")
    assert client.get(reverse("triage:start")).status_code == 200


def test_second_factor_is_on_by_default_in_production():
    from tests.core.test_settings import PRODUCTION_ENV, run_python

    result = run_python(
        "from django.conf import settings; print(settings.REQUIRE_2FA)", PRODUCTION_ENV
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
