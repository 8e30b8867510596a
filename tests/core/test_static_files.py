"""Production static files: hashed names everywhere, including the module that init.js imports."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a temporary STATIC_ROOT (once: it is slow)."""
    root = tmp_path_factory.mktemp("static")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def test_init_js_imports_nhsuk_frontend_by_its_hashed_name(collected):
    (init,) = [p for p in (collected / "js").glob("init.*.js") if p.name.count(".") == 2]
    imported = re.search(r"""from\s*["']([^"']+)["']""", init.read_text()).group(1)
    assert re.fullmatch(r"\.\./nhsuk/nhsuk-frontend\.min\.[0-9a-f]{12}\.js", imported)
    assert (collected / "js" / imported).resolve().exists()


def test_static_files_are_precompressed_with_gzip_and_brotli(collected):
    names = {p.name for p in (collected / "nhsuk").glob("nhsuk-frontend.min.*")}
    assert any(re.fullmatch(r"nhsuk-frontend\.min\.[0-9a-f]{12}\.css\.gz", n) for n in names)
    assert any(re.fullmatch(r"nhsuk-frontend\.min\.[0-9a-f]{12}\.css\.br", n) for n in names)


def test_the_remembered_static_url_is_the_manifests_hashed_url(collected):
    from config.storage import StaticFilesStorage

    storage = StaticFilesStorage(location=collected)
    for name in ("css/app.css", "js/init.js", "nhsuk/nhsuk-frontend.min.css"):
        first = storage.url(name)
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", first)
        assert storage.url(name) == first == storage.url(name, force=True)
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/not-there.css")
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/not-there.css")  # a miss is never remembered as a hit
