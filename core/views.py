"""Site-wide pages: role routing after sign-in, the health check, the accessibility statement
and the privacy notice."""

import sys
from collections.abc import Callable

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.forms import SignInForm
from core.roles import start_page_for
from core.sessions import session_renew


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page; a user with no role gets 403."""
    start = start_page_for(request.user)
    if start is None:
        raise PermissionDenied("Your account has no role in this service. Ask the ICB to add one.")
    return redirect(start)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


HEALTH_QUERY_TIMEOUT_MS = 2000


def _database_health() -> str:
    """'ok', or what failed: a real query on an application table, stopped after 2 seconds."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_QUERY_TIMEOUT_MS}")
            cursor.execute("SELECT count(*) FROM (SELECT 1 FROM policy_policyversion LIMIT 1) AS t")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - whatever the failure, the database is unhealthy
        return f"unavailable: {type(exc).__name__}"
    return "ok"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and dependency check for load balancers and the compose healthcheck.

    Names each dependency and whether it answered, so a failing probe says which one broke.
    """
    checks = {"database": _database_health()}
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An NHS-styled page for an expired or missing CSRF token, instead of Django's own."""
    return render(request, "403_csrf.html", status=403)


@require_POST
@never_cache
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": renews the session for a whole idle period (core.sessions).
    204 when signed in; 401, not a redirect to sign-in, when the session has already gone."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    session_renew(request.session, force=True)
    return HttpResponse(status=204)


def keeps_answers(view: Callable) -> Callable:
    """Marks a POST view whose input is already stored before it runs (the submit of a referral
    check: the answers live in the check row), so the 503 page can say nothing was lost."""
    view.keeps_answers = True
    return view


def _keeps_answers(request: HttpRequest) -> bool:
    # The failure may come from middleware, before Django resolved the URL: resolve it here
    # (no database needed) and ask the view.
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "keeps_answers", False)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is down or stalled gets the 503 page, anything else the 500.

    Sessions live in the database, so its failure often surfaces in middleware, before any
    view could catch it; Django calls this handler while the exception is being handled.
    Neither page touches the database.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        body = render_to_string("503.html", {"submitting": _keeps_answers(request)})
        return HttpResponse(body, status=503, headers={"Retry-After": "60"})
    return HttpResponseServerError(render_to_string("500.html"))
