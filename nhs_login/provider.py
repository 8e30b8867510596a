"""The OpenID Connect client for NHS CIS2, built by Authlib from the provider's discovery data.

Built per settings (tests point it at a mock provider on a loopback port), and cached so the
discovery document and JWKS are fetched once per process.
"""

from functools import cache

from authlib.integrations.django_client import OAuth
from django.conf import settings


@cache
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: int):
    oauth = OAuth()
    return oauth.register(
        name="cis2",
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": timeout},
    )


def cis2_client():
    return _client(
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_TIMEOUT_SECONDS,
    )


def cis2_client_reset() -> None:
    """Forget cached discovery and keys (tests that restart the provider)."""
    _client.cache_clear()
