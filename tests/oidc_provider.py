"""A real OpenID Connect provider (oidc-provider-mock) on a loopback port, with CIS2-shaped users.

Registered from tests/conftest.py so both the sign-in and the FHIR API tests can use it.
"""

import copy
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread

ICB_ODS = "15M"
API_CLIENT_ID = "gp-system-test"
API_CLIENT_NAME = "Test GP clinical system"
# Job role and activity codes as the tests' deployment maps them.
ROLE_GROUPS = {"R8000": "GP", "B0380": "ICB reviewer", "B0370": "Policy admin"}
GP_ROLE = "S8000:G8000:R8000"


def cis2_claims(
    *,
    ods_code: str,
    role_code: str = GP_ROLE,
    activity_codes: tuple[str, ...] = (),
    given_name: str = "Gill",
    family_name: str = "Pratt",
) -> dict:
    """Claims shaped like CIS2's userinfo with the nationalrbacaccess scope, one selected role."""
    return {
        "given_name": given_name,
        "family_name": family_name,
        "email": f"{given_name.lower()}.{family_name.lower()}@nhs.net",
        "nhsid_nrbac_roles": [
            {
                "person_orgid": "7001",
                "person_roleid": "9001",
                "org_code": ods_code,
                "role_code": role_code,
                "activity_codes": list(activity_codes),
            }
        ],
        "selected_roleid": "9001",
    }


@dataclass(frozen=True)
class Provider:
    issuer: str

    def add_user(self, sub: str, claims: dict) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Approve an authorisation request as `sub` (as the provider's page does); returns the
        redirect back to the client, with the code and state."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def tokens(self, sub: str, *, client_id: str = API_CLIENT_ID) -> dict:
        """The token response a client gets for `sub` through the authorisation code flow."""
        redirect_uri = "http://localhost/callback"
        query = urlencode(
            {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid profile email",
                "state": "s",
                "nonce": "n",
            }
        )
        back = self.authorize(f"{self.issuer}/oauth2/authorize?{query}", sub)
        code = parse_qs(urlsplit(back).query)["code"][0]
        response = requests.post(
            f"{self.issuer}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": "any",
            },
            timeout=10,
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def oidc_provider():
    """The mock provider, started once for the session on a free loopback port."""
    with run_server_in_thread(port=0, require_nonce=True) as server:
        yield Provider(issuer=f"http://localhost:{server.server_port}")


@pytest.fixture(scope="session")
def expired_token_provider():
    """A second provider whose every token expired ten minutes before it was issued."""
    with run_server_in_thread(port=0, access_token_max_age=timedelta(seconds=-600)) as server:
        yield Provider(issuer=f"http://localhost:{server.server_port}")


def use_provider(settings, provider: Provider) -> None:
    from fhir_api.auth import keys_reset
    from nhs_login.provider import cis2_client_reset

    settings.AUTH_METHODS = ["local", "oidc"]
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = "fusion-triage"
    settings.OIDC_CLIENT_SECRET = "test-secret"
    settings.OIDC_ROLE_GROUPS = ROLE_GROUPS
    settings.OIDC_ICB_ODS_CODES = [ICB_ODS]
    settings.FHIR_API_ISSUER = provider.issuer
    settings.FHIR_API_CLIENTS = {API_CLIENT_ID: API_CLIENT_NAME}
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    cis2_client_reset()
    keys_reset()


@pytest.fixture
def oidc(settings, oidc_provider):
    """Settings pointing sign-in and the API at the mock provider; yields the provider."""
    use_provider(settings, oidc_provider)
    yield oidc_provider
    from fhir_api.auth import keys_reset
    from nhs_login.provider import cis2_client_reset

    cis2_client_reset()
    keys_reset()
