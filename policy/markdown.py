"""Policy text is Markdown written by admins; render it to HTML that is safe to show.

Rendering (python-markdown, then nh3) is the largest cost of the policy page, so the sanitised
HTML is kept in a small per-process cache keyed by the SHA-256 of the Markdown text itself. The
output depends on nothing but that text and the fixed settings below, so a cached entry can
never be stale: published versions are frozen by a trigger, and a draft whose text is edited
simply has a new key. Nothing is shared between processes and nothing needs invalidating.
"""

import hashlib

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

from core.memo import Kept

ALLOWED_TAGS = {"p", "ul", "ol", "li", "a", "strong", "em", "br", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# A version has about a dozen Markdown fields; this holds several versions and their drafts.
CACHE_SIZE = 512

_cache: Kept[SafeString] = Kept(CACHE_SIZE)


def markdown_cache_key(text: str) -> str:
    """The cache key of a Markdown text: its SHA-256, so equal texts share one rendering."""
    return hashlib.sha256((text or "").encode()).hexdigest()


def _render(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above


def render_markdown(text: str) -> SafeString:
    """The sanitised HTML of `text`, rendered once per process for each distinct text."""
    return _cache.get_or_make(markdown_cache_key(text), lambda: _render(text))


def markdown_cache_clear() -> None:
    _cache.clear()
