"""Request hygiene every page needs: refuse NUL bytes, keep patient pages out of caches."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

# Features the service never uses; denying them limits what injected content could reach.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    for values in request.GET.lists():
        if any("\x00" in value for value in values[1]):
            return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class RequestHygieneMiddleware:
    """400 for a NUL byte anywhere in the request; no-store and Permissions-Policy on responses.

    PostgreSQL text cannot hold NUL, so a NUL in a search box or a URL would otherwise reach
    the database driver and become a 500. No form in the service accepts one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return HttpResponseBadRequest(
                "Bad request: the address or a form value contains a NUL character.",
                content_type="text/plain; charset=utf-8",
            )
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Patient data must not stay in the browser's or a proxy's cache after sign-out. Every
        # signed-in request carries the session cookie; checking the cookie rather than
        # request.user costs no query and works while the database is down.
        cookie = settings.SESSION_COOKIE_NAME
        if cookie in request.COOKIES or cookie in response.cookies:
            response["Cache-Control"] = "no-store"
        return response
