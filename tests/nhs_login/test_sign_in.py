"""Signing in with NHS CIS2 against a real OpenID Connect provider (oidc-provider-mock).

The Django test client plays the browser: it follows the redirect to the provider, the
provider's authorisation form is approved over real HTTP, and the redirect back is followed.
"""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.oidc_provider import ICB_ODS, cis2_claims, use_provider
from triage.models import Clinician

User = get_user_model()


def sign_in(client: Client, provider, sub: str):
    """Run the whole authorisation code flow; returns the callback's response."""
    start = client.get("/sign-in/nhs/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/oauth2/authorize?")
    back = provider.authorize(start["Location"], sub)
    parts = urlsplit(back)
    assert parts.path == "/sign-in/nhs/callback/"
    return client.get(f"{parts.path}?{parts.query}")


@pytest.fixture
def admin_claims():
    return cis2_claims(
        ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0370",), given_name="Ada"
    )


def test_gp_at_c81001_signs_in_and_lands_on_the_referral_check(oidc, practice, policy_v1):
    oidc.add_user("gp-c81001", cis2_claims(ods_code="C81001"))
    client = Client()
    response = sign_in(client, oidc, "gp-c81001")
    assert response.status_code == 302
    assert client.get(response["Location"]).url == "/referrals/"
    user = User.objects.get(username="cis2-gp-c81001")
    assert (user.first_name, user.last_name) == ("Gill", "Pratt")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["GP"]
    assert Clinician.objects.get(user=user).practice == practice


def test_reviewer_signs_in_to_the_review_list(oidc, db):
    oidc.add_user(
        "rev-1", cis2_claims(ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0380",))
    )
    client = Client()
    response = sign_in(client, oidc, "rev-1")
    assert client.get(response["Location"]).url == "/review/"
    assert User.objects.get(username="cis2-rev-1").groups.get().name == "ICB reviewer"


def test_policy_admin_signs_in_to_policy_management(oidc, db, admin_claims):
    oidc.add_user("admin-1", admin_claims)
    client = Client()
    response = sign_in(client, oidc, "admin-1")
    assert client.get(response["Location"]).url == "/policy/manage/"


def test_second_sign_in_updates_the_user_instead_of_creating_one(oidc, practice, other_practice):
    oidc.add_user("mover", cis2_claims(ods_code="C81001"))
    sign_in(Client(), oidc, "mover")
    oidc.add_user("mover", cis2_claims(ods_code="C81002", family_name="Moved"))
    sign_in(Client(), oidc, "mover")
    user = User.objects.get(username="cis2-mover")
    assert user.last_name == "Moved"
    assert Clinician.objects.get(user=user).practice == other_practice
    assert User.objects.filter(username__startswith="cis2-").count() == 1


def test_unknown_ods_code_is_refused_and_nothing_is_created(oidc, practice):
    oidc.add_user("stranger", cis2_claims(ods_code="Y99999"))
    client = Client()
    response = sign_in(client, oidc, "stranger")
    assert response.status_code == 403
    assert b"You do not have access to this service" in response.content
    assert b"Y99999" in response.content
    assert not User.objects.filter(username="cis2-stranger").exists()
    assert client.get("/").status_code == 302  # still signed out


def test_role_with_no_mapped_group_is_refused(oidc, practice):
    oidc.add_user("receptionist", cis2_claims(ods_code="C81001", role_code="S1:G1:R1"))
    response = sign_in(Client(), oidc, "receptionist")
    assert response.status_code == 403
    assert not User.objects.filter(username="cis2-receptionist").exists()


def test_callback_with_a_state_not_from_this_session_is_refused(oidc, practice):
    oidc.add_user("gp-state", cis2_claims(ods_code="C81001"))
    client = Client()
    start = client.get("/sign-in/nhs/")
    back = oidc.authorize(start["Location"], "gp-state")
    query = parse_qs(urlsplit(back).query)
    response = client.get(
        "/sign-in/nhs/callback/", {"code": query["code"][0], "state": "forged-state"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="cis2-gp-state").exists()


def test_callback_in_another_browser_session_is_refused(oidc, practice):
    oidc.add_user("gp-csrf", cis2_claims(ods_code="C81001"))
    start = Client().get("/sign-in/nhs/")
    back = urlsplit(oidc.authorize(start["Location"], "gp-csrf"))
    response = Client().get(f"{back.path}?{back.query}")
    assert response.status_code == 400


def test_id_token_with_another_nonce_is_refused(oidc, practice):
    oidc.add_user("gp-nonce", cis2_claims(ods_code="C81001"))
    client = Client()
    start = client.get("/sign-in/nhs/")
    session = client.session
    [key] = [k for k in session.keys() if k.startswith("_state_cis2_")]  # noqa: SIM118
    state_data = session[key]
    state_data["data"]["nonce"] = "not-the-nonce-sent"
    session[key] = state_data
    session.save()
    back = urlsplit(oidc.authorize(start["Location"], "gp-nonce"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400
    assert not User.objects.filter(username="cis2-gp-nonce").exists()


def test_tampered_id_token_is_refused(oidc, practice, monkeypatch):
    """The ID token's claims are changed after signing (another ODS code): the signature fails."""
    from authlib.integrations.django_client.apps import DjangoOAuth2App

    real = DjangoOAuth2App.fetch_access_token

    def tampered(self, *args, **kwargs):
        token = real(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["sub"] = "someone-else"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        token["id_token"] = f"{header}.{forged}.{signature}"
        return token

    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", tampered)
    oidc.add_user("gp-tamper", cis2_claims(ods_code="C81001"))
    response = sign_in(Client(), oidc, "gp-tamper")
    assert response.status_code == 400
    assert not User.objects.filter(username__startswith="cis2-").exists()


def test_expired_id_token_is_refused(settings, expired_token_provider, practice):
    use_provider(settings, expired_token_provider)
    expired_token_provider.add_user("gp-late", cis2_claims(ods_code="C81001"))
    response = sign_in(Client(), expired_token_provider, "gp-late")
    assert response.status_code == 400
    assert not User.objects.filter(username="cis2-gp-late").exists()


def test_sign_out_ends_the_provider_session_too(oidc, practice):
    oidc.add_user("gp-out", cis2_claims(ods_code="C81001"))
    client = Client()
    sign_in(client, oidc, "gp-out")
    response = client.post("/sign-out/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{oidc.issuer}/oauth2/end_session"
    )
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    assert "id_token_hint" in query
    assert client.get("/referrals/").status_code == 302  # signed out here


def test_local_sign_out_stays_local(gp_client):
    response = gp_client.post("/sign-out/")
    assert response["Location"] == "http://testserver/sign-in/"


def test_sign_out_rejects_get(gp_client):
    assert gp_client.get("/sign-out/").status_code == 405


def test_sign_in_page_shows_only_enabled_methods(client, settings, oidc):
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with NHS CIS2" in page and 'name="password"' in page
    settings.AUTH_METHODS = ["oidc"]
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with NHS CIS2" in page and 'name="password"' not in page
    settings.AUTH_METHODS = ["local"]
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with NHS CIS2" not in page and 'name="password"' in page


def test_password_sign_in_is_refused_when_local_accounts_are_off(client, settings, gp):
    settings.AUTH_METHODS = ["oidc"]
    response = client.post("/sign-in/", {"username": "gp", "password": "x"})
    assert response.status_code == 403


def test_cis2_sign_in_is_404_when_not_enabled(client, settings):
    settings.AUTH_METHODS = ["local"]
    assert client.get("/sign-in/nhs/").status_code == 404
    assert client.get("/sign-in/nhs/callback/").status_code == 404
