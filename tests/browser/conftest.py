"""Browser fixtures: Debian's Chromium driven by Playwright against Django's live server.

Every test here needs a transactional database (the live server runs in another thread), so
data is created inside each test, and every table is emptied after it.
"""

import os
from pathlib import Path

import pytest

# The sync Playwright API runs an event loop in the test thread, so Django's async-safety
# check would refuse every ORM call a test or fixture makes. Set before any test runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium (`playwright install` downloads from outside the registries)."""
    if not CHROMIUM.exists():
        message = (
            f"Browser tests need Chromium at {CHROMIUM}. Install it with "
            "`sudo apt-get install chromium` (Debian/Ubuntu), then run the tests again."
        )
        if os.environ.get("FUSION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"FUSION_REQUIRE_BROWSER=1: {message}", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    """Pages open relative to the live server, at the width the screenshots are taken."""
    return {**browser_context_args, "base_url": live_server.url, "viewport": VIEWPORT}


@pytest.fixture
def no_js_page(browser, browser_context_args: dict):
    """A page in a context with JavaScript turned off, as for a GP on a locked-down PC."""
    from tests.browser.support import check_without_javascript

    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    axe_context = browser.new_context(**browser_context_args)
    page = context.new_page()
    check_without_javascript(page, axe_context.new_page())
    yield page
    axe_context.close()
    context.close()
