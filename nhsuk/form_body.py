"""A crispy form's inside (error summary, fields, buttons) rendered without `<form>` and its CSRF
token, and kept in memory when the form says its markup depends on nothing but a key.

The template writes `<form method="post" novalidate>{% csrf_token %}` itself, so nothing
per-user or per-request is ever inside what is kept. A form opts in with `fragment_key()`:
a hashable key that changes whenever its markup would (for the questionnaire: the form, the
policy version's id, content hash and publication time, and the answers shown ticked), or None
when it must be rendered every time (bound forms, which show errors, drafts, patient details).
Rendering a question's fields through the Django template engine was about half of a question
page's CPU (docs/performance-profile.md).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable

from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils.safestring import SafeString

SIZE = 512
_kept: OrderedDict[Hashable, SafeString] = OrderedDict()
_lock = threading.Lock()


def form_body_render(form: forms.BaseForm) -> SafeString:
    """What `{% crispy form %}` renders inside the form element."""
    form.helper.form_tag = False
    return SafeString(render_crispy_form(form, context={}))


def form_body(form: forms.BaseForm) -> SafeString:
    """The form's inside, from memory when its `fragment_key()` names markup already made.

    A form whose markup is kept with a stand-in for one value that must not be kept (a search
    the reviewer typed) also has `fragment_form()`, the form to render for the key (with the
    stand-in), and `fragment_fill(html)`, the kept markup with the real value put back, or None
    when it cannot be put back exactly (then the form itself is rendered)."""
    key_of = getattr(form, "fragment_key", None)
    key = key_of() if key_of is not None else None
    if key is None:
        return form_body_render(form)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
    if html is None:
        html = form_body_render(getattr(form, "fragment_form", lambda: form)())
        with _lock:
            _kept[key] = html
            while len(_kept) > SIZE:
                _kept.popitem(last=False)
    fill = getattr(form, "fragment_fill", None)
    if fill is None:
        return html
    filled = fill(html)
    return filled if filled is not None else form_body_render(form)


def form_body_clear() -> None:
    with _lock:
        _kept.clear()
