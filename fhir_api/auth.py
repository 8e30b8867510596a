"""Bearer-token authentication for the FHIR API: a JWT from the OIDC provider, never a cookie.

The token's signature is checked against the provider's JWKS, then its issuer, expiry and
audience (one of FHIR_API_CLIENTS); the caller's practice comes from its CIS2 role claims,
mapped exactly as at sign-in.
"""

import logging
import threading
from dataclasses import dataclass

import requests
from django.conf import settings
from django.http import HttpRequest
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from core.roles import GP
from fhir_api.errors import FhirError
from nhs_login.claims import AccessRefused
from nhs_login.services import cis2_access_from_claims, cis2_user_sync
from triage.models import Practice

logger = logging.getLogger(__name__)
ALGORITHMS = ["RS256", "ES256", "PS256"]
_keys: dict[str, KeySet] = {}
_keys_lock = threading.Lock()


@dataclass(frozen=True)
class ApiCaller:
    client_id: str
    client_name: str
    user: object
    practice: Practice


def _unauthorised(message: str) -> FhirError:
    return FhirError(401, message, code="login")


def _fetch_keys(issuer: str) -> KeySet:
    timeout = settings.OIDC_TIMEOUT_SECONDS
    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=timeout)
    meta.raise_for_status()
    jwks = requests.get(meta.json()["jwks_uri"], timeout=timeout)
    jwks.raise_for_status()
    return KeySet.import_key_set(jwks.json())


def _key_set(issuer: str, *, refresh: bool = False) -> KeySet:
    with _keys_lock:
        if refresh or issuer not in _keys:
            _keys[issuer] = _fetch_keys(issuer)
        return _keys[issuer]


def keys_reset() -> None:
    """Forget cached signing keys (tests that restart the provider)."""
    with _keys_lock:
        _keys.clear()


def _decode(token: str, issuer: str) -> jwt.Token:
    try:
        keys = _key_set(issuer)
    except (requests.RequestException, KeyError, ValueError) as exc:
        logger.warning("JWKS unavailable: %s", exc)
        raise FhirError(
            503, "The token issuer's keys could not be fetched", code="transient"
        ) from exc
    for attempt in (1, 2):
        try:
            return jwt.decode(token, keys, algorithms=ALGORITHMS)
        except (JoseError, ValueError, TypeError) as exc:
            if attempt == 2:
                raise _unauthorised(
                    "The bearer token is not a JWT signed by the trusted issuer"
                ) from exc
            # A key rotation: fetch the JWKS once more before refusing.
            try:
                keys = _key_set(issuer, refresh=True)
            except (requests.RequestException, KeyError, ValueError):
                raise _unauthorised("The bearer token could not be verified") from exc
    raise AssertionError("unreachable")


def api_caller(request: HttpRequest) -> ApiCaller:
    """Who is calling, from the Authorization header; raises FhirError 401 or 403."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised("Send an OAuth 2 bearer token in the Authorization header")
    issuer = settings.FHIR_API_ISSUER
    if not issuer or not settings.FHIR_API_CLIENTS:
        raise FhirError(503, "The API is not configured on this service", code="not-supported")
    decoded = _decode(token.strip(), issuer)
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        exp={"essential": True},
        sub={"essential": True},
        aud={"essential": True, "values": list(settings.FHIR_API_CLIENTS)},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise _unauthorised("The bearer token has expired") from exc
    except JoseError as exc:
        raise _unauthorised(f"The bearer token was refused: {exc.description or exc}") from exc
    client_id = claims.get("azp") or claims["aud"]
    if isinstance(client_id, list):
        client_id = next(a for a in client_id if a in settings.FHIR_API_CLIENTS)
    if client_id not in settings.FHIR_API_CLIENTS:
        raise _unauthorised("The bearer token was issued to a client this API does not know")
    try:
        access = cis2_access_from_claims(claims)
    except AccessRefused as exc:
        raise FhirError(403, str(exc), code="forbidden") from exc
    if GP not in access.groups:
        raise FhirError(403, "The API is for GPs at practices using this service", code="forbidden")
    user = cis2_user_sync(access=access)
    return ApiCaller(
        client_id=client_id,
        client_name=settings.FHIR_API_CLIENTS[client_id],
        user=user,
        practice=Practice.objects.get(ods_code=access.ods_code),
    )
