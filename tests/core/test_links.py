"""Links reversed once per process (core.links) are the links Django would reverse, under any
script prefix or URLconf a request runs with."""

import pytest
from django.template import Context, Template
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    reverse,
    set_script_prefix,
    set_urlconf,
)

from core.links import link

NAMES = ["home", "logout", "keep_alive", "accessibility", "privacy", "transparency",
         "policy:current", "triage:start", "review:list"]  # fmt: skip


def test_link_equals_reverse_for_every_name_the_pages_carry():
    for name in NAMES:
        assert link(name) == reverse(name)


def test_link_follows_the_script_prefix_the_service_is_mounted_under():
    plain = link("logout")
    set_script_prefix("/fusion/")
    try:
        assert link("logout") == reverse("logout") == "/fusion" + plain
    finally:
        clear_script_prefix()
    assert link("logout") == plain


def test_link_follows_a_requests_own_urlconf():
    assert link("home")  # remembered for the project's URLconf
    set_urlconf("tests.core.failing_urls")  # a URLconf without it
    try:
        with pytest.raises(NoReverseMatch):
            link("home")
    finally:
        set_urlconf(None)


def test_the_link_tag_writes_the_reversed_link():
    template = Template("{% load links %}<a href=\"{% link 'policy:current' %}\">")
    rendered = template.render(Context())
    assert rendered == f'<a href="{reverse("policy:current")}">'
