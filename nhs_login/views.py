"""Sign-in with NHS CIS2 (OpenID Connect authorisation code flow), the sign-in page, sign-out."""

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError

from core.views import SignInView as LocalSignInView
from nhs_login.claims import AccessRefused
from nhs_login.provider import cis2_client
from nhs_login.services import cis2_access_from_claims, cis2_user_sync
from triage.auth import BACKEND

logger = logging.getLogger(__name__)
SESSION_ID_TOKEN = "cis2_id_token"  # noqa: S105 - a session key, not a secret
SESSION_NEXT = "cis2_next"


def _oidc_enabled() -> bool:
    return "oidc" in settings.AUTH_METHODS


class SignInView(LocalSignInView):
    """The sign-in page offers the methods AUTH_METHODS enables; a password is refused when
    local accounts are off."""

    def post(self, request, *args, **kwargs):
        if "local" not in settings.AUTH_METHODS:
            raise PermissionDenied("Sign in with your NHS smartcard or authenticator instead.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["local_enabled"] = "local" in settings.AUTH_METHODS
        context["oidc_enabled"] = _oidc_enabled()
        return context


@require_GET
@never_cache
def cis2_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to CIS2; Authlib keeps the state, nonce and PKCE verifier in the session."""
    if not _oidc_enabled():
        raise Http404("NHS CIS2 sign-in is not enabled")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT] = next_url
    callback = request.build_absolute_uri(reverse("nhs_login:callback"))
    try:
        return cis2_client().authorize_redirect(request, callback)
    except (requests.RequestException, ValueError) as exc:
        logger.warning("CIS2 discovery failed: %s", exc)
        return _failed(request, "NHS CIS2 could not be reached. Try again in a few minutes.", 502)


@require_GET
@never_cache
def cis2_callback(request: HttpRequest) -> HttpResponse:
    """Check the provider's answer (state, then the ID token's signature, issuer, audience,
    expiry and nonce), map the claims, and sign the person in, or refuse with the reason."""
    if not _oidc_enabled():
        raise Http404("NHS CIS2 sign-in is not enabled")
    client = cis2_client()
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise OAuthError(description="The provider returned no ID token")
        # CIS2 gives the RBAC roles at the userinfo endpoint; its subject must match the ID token's.
        extra = client.userinfo(token=token)
        if extra.get("sub") != claims["sub"]:
            raise OAuthError(description="userinfo is for a different subject")
        claims = {**extra, **claims}
    except (OAuthError, JoseError) as exc:
        logger.warning("CIS2 sign-in refused: %s", exc)
        return _failed(request, "Your sign-in could not be checked. Start again.", 400)
    except requests.RequestException as exc:
        logger.warning("CIS2 token exchange failed: %s", exc)
        return _failed(request, "NHS CIS2 could not be reached. Try again in a few minutes.", 502)
    try:
        access = cis2_access_from_claims(claims)
    except AccessRefused as exc:
        return render(request, "nhs_login/refused.html", {"reason": str(exc)}, status=403)
    user = cis2_user_sync(access=access)
    next_url = request.session.pop(SESSION_NEXT, None)
    auth.login(request, user, backend=BACKEND)
    request.session[SESSION_ID_TOKEN] = token["id_token"]
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _failed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "nhs_login/failed.html", {"message": message}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the local session and, for a CIS2 sign-in, the provider's session too when the
    provider offers an end_session_endpoint."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    auth.logout(request)
    after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if id_token and _oidc_enabled():
        try:
            result = cis2_client().create_logout_url(
                post_logout_redirect_uri=after, id_token_hint=id_token
            )
            return redirect(result["url"])
        except (RuntimeError, requests.RequestException) as exc:
            # No end_session_endpoint, or the provider is down: the local session has ended.
            logger.info("No provider sign-out: %s", exc)
    return redirect(after)
