"""Policy Markdown becomes sanitised HTML, rendered once per process for each distinct text."""

import hashlib
from unittest import mock

import pytest

from policy import markdown as policy_markdown
from policy.markdown import markdown_cache_clear, markdown_cache_key, render_markdown


@pytest.fixture(autouse=True)
def empty_cache():
    markdown_cache_clear()
    yield
    markdown_cache_clear()


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown("- **one**\n- two\n\n<script>alert(1)</script>[x](javascript:alert(1))")
    assert "<li><strong>one</strong></li>" in html
    assert "<script" not in html and "javascript:" not in html


def test_the_same_text_is_rendered_once_and_served_from_the_cache():
    text = "Refer to the *usual* pathway."
    with mock.patch.object(policy_markdown, "_render", wraps=policy_markdown._render) as render:
        first = render_markdown(text)
        second = render_markdown(text)
    assert render.call_count == 1
    assert first == second == "<p>Refer to the <em>usual</em> pathway.</p>"


def test_the_cache_is_keyed_by_the_sha256_of_the_markdown_text():
    text = "Refer to the usual pathway."
    render_markdown(text)
    assert markdown_cache_key(text) == hashlib.sha256(text.encode()).hexdigest()
    assert list(policy_markdown._cache) == [markdown_cache_key(text)]


def test_an_edited_text_gets_its_own_rendering_never_the_old_one():
    assert "old" in render_markdown("The old wording.")
    edited = render_markdown("The new wording.")
    assert "new" in edited and "old" not in edited


def test_a_cached_rendering_is_still_the_sanitised_html():
    hostile = '<a href="javascript:alert(1)" onclick="x()">link</a><img src=x onerror=alert(1)>'
    render_markdown(hostile)
    cached = policy_markdown._cache[markdown_cache_key(hostile)]
    assert "javascript:" not in cached and "onclick" not in cached and "<img" not in cached
    assert render_markdown(hostile) == cached


def test_the_cache_keeps_at_most_its_size(monkeypatch):
    monkeypatch.setattr(policy_markdown._cache, "size", 3)
    for n in range(5):
        render_markdown(f"text {n}")
    assert list(policy_markdown._cache) == [markdown_cache_key(f"text {n}") for n in (2, 3, 4)]
