"""A crispy form's inside (error summary, fields, buttons) rendered without `<form>` and its CSRF
token, and kept in memory when the form says its markup depends on nothing but a key.

The template writes `<form method="post" novalidate>{% csrf_token %}` itself, so nothing
per-user or per-request is ever inside what is kept. A form opts in with `fragment_key()`:
a hashable key that changes whenever its markup would (for the questionnaire: the form, the
policy version's id, content hash and publication time, and the answers shown ticked), or None
when it must be rendered every time (bound forms, which show errors, and drafts). A value that
must not be kept (a patient's NHS number, a reviewer's search) is kept as a stand-in that the
form's `fragment_fill` replaces on every request.
Rendering a question's fields through the Django template engine was about half of a question
page's CPU (docs/performance-profile.md). KeptLayoutHelper keeps the same markup for a form
rendered with `{% crispy form %}` (crispy still writes the form tag and CSRF token around it).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable

from crispy_forms.helper import FormHelper
from crispy_forms.utils import TEMPLATE_PACK, render_crispy_form
from django import forms
from django.utils.safestring import SafeString

SIZE = 512
_kept: OrderedDict[Hashable, SafeString] = OrderedDict()
_lock = threading.Lock()


def form_body_render(form: forms.BaseForm) -> SafeString:
    """What `{% crispy form %}` renders inside the form element."""
    form.helper.form_tag = False
    return SafeString(render_crispy_form(form, context={}))


def _kept_or_made(key: Hashable, make) -> SafeString:
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = make()
    with _lock:
        _kept[key] = html
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return html


def _filled(form: forms.BaseForm, html: SafeString, render) -> SafeString:
    fill = getattr(form, "fragment_fill", None)
    if fill is None:
        return html
    filled = fill(html)
    return filled if filled is not None else render()


class KeptLayoutHelper(FormHelper):
    """A FormHelper for `{% crispy form %}` whose layout's markup (the fields and buttons, not
    the form tag or CSRF token, which crispy still writes around it) is kept in memory as
    form_body keeps a form's inside, under the form's `fragment_key()`, with its
    `fragment_form()` and `fragment_fill()` when a value must not be kept. For a layout whose
    markup depends on the form alone (no HTML objects reading the page's context)."""

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        key = form.fragment_key()
        if key is None:
            return super().render_layout(form, context, template_pack)
        made = getattr(form, "fragment_form", lambda: form)

        def render() -> SafeString:
            return super(KeptLayoutHelper, self).render_layout(made(), context, template_pack)

        html = _kept_or_made(("layout", key), render)
        form.rendered_fields = set(form.fields)
        form.crispy_field_template = self.field_template
        return _filled(
            form,
            html,
            lambda: super(KeptLayoutHelper, self).render_layout(form, context, template_pack),
        )


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
    made = getattr(form, "fragment_form", lambda: form)
    html = _kept_or_made(key, lambda: form_body_render(made()))
    return _filled(form, html, lambda: form_body_render(form))


def form_body_clear() -> None:
    with _lock:
        _kept.clear()
