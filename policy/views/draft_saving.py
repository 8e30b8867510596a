"""Saving a draft from a form, shared by the draft's edit page and its wording page: a stale
save (someone saved since the form was opened) or a save into a draft that was published or
discarded meanwhile never loses the admin's text."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from policy.models import PolicyVersion
from policy.services import DraftClosedError, StaleDraftError

EXCERPT_LENGTH = 160


def stale_form(
    request: HttpRequest,
    version: PolicyVersion,
    error: StaleDraftError,
    form_class: type[forms.Form],
    field_name_for: Callable[[forms.Form, str], str | None],
) -> forms.Form:
    """The admin's own text, now based on the latest revision, with each field someone else
    changed meanwhile marked and their saved text quoted."""
    data = request.POST.copy()
    data["revision"] = str(version.revision)
    form = form_class(data, version=version)
    form.is_valid()
    for event in error.since:
        for description in event.changed:
            name = field_name_for(form, description)
            if not name or name not in form.fields:
                continue
            saved = str(form.fields[name].initial or "")
            excerpt = saved if len(saved) <= EXCERPT_LENGTH else saved[:EXCERPT_LENGTH] + "…"
            who = event.user.get_full_name() or event.user.get_username()
            form.add_error(
                name,
                f"{who} changed this at {timezone.localtime(event.at):%H:%M} after you opened "
                f"the draft. Saved text: “{excerpt}”. Your text is in the box.",
            )
    return form


def draft_save(
    request: HttpRequest,
    version: PolicyVersion,
    form: forms.Form,
    *,
    save: Callable[[], list],
    field_name_for: Callable[[forms.Form, str], str | None],
    closed: Callable[[PolicyVersion, forms.Form], HttpResponse],
    saved_url: str,
) -> HttpResponse | tuple[PolicyVersion, forms.Form, list[str]]:
    """Run `save` (which raises DraftClosedError or StaleDraftError); a response when the
    page is done, else the version, form and stale problems to show again (status 409)."""
    try:
        changed = save()
    except DraftClosedError as error:
        return closed(error.version, form)
    except StaleDraftError as error:
        form = stale_form(request, error.version, error, type(form), field_name_for)
        return error.version, form, error.problems
    if changed:
        messages.success(request, f"Draft saved ({len(changed)} changes).")
    else:
        messages.info(request, "No changes to save.")
    return redirect(saved_url)
