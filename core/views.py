"""Site-wide pages: role routing after sign-in, the health check, the accessibility statement
and the privacy notice."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.forms import SignInForm
from core.roles import start_page_for


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


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers and the compose healthcheck."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
    """ "Stay signed in": the request itself renews the session (SESSION_SAVE_EVERY_REQUEST).
    204 when signed in; 401, not a redirect to sign-in, when the session has already gone."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)
