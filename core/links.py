"""Links every page carries (header, footer, navigation), reversed once per URLconf and script
prefix instead of on every page: eight reversals were a tenth of a question page's template
time (issue #15). Templates write `{% link 'policy:current' %}` (core/templatetags/links.py).
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def link(name: str) -> str:
    """`reverse(name)` (no arguments), remembered per URLconf and script prefix."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)
