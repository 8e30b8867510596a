"""`{% link 'policy:current' %}`: a link every page carries, reversed once (core.links)."""

from django import template

from core.links import link as link_for

register = template.Library()


@register.simple_tag(name="link")
def link(name: str) -> str:
    return link_for(name)
