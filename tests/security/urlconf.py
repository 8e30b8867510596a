"""Every URL pattern of the URLconf, discovered through Django's resolver (never listed by hand)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# Named groups in a regex pattern, and <converter:name> in a route.
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name (namespace:name, or '' if unnamed) and template."""

    name: str
    template: str  # the path with {param} placeholders, e.g. "review/decisions/{reference}/"
    params: tuple[str, ...]

    def url(self, **values: str) -> str:
        return "/" + self.template.format(**values)


def _template(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", text)
    text = _REGEX_GROUP.sub(lambda m: "{" + m["name"] + "}", text)
    return text.removeprefix("^").removesuffix("$").replace("\\", "")


def routes(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from routes(pattern.url_patterns, prefix + _template(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            template = prefix + _template(pattern.pattern)
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace else name
            params = tuple(re.findall(r"\{(\w+)\}", template))
            yield Route(name=full, template=template, params=params)
