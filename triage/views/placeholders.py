"""Start pages that later issues fill in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from triage.roles import REVIEWER, role_required


def _placeholder(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "placeholder.html", {"title": title})


@role_required(REVIEWER)
def review_start(request: HttpRequest) -> HttpResponse:
    return _placeholder(request, "Decisions")
