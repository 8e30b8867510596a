"""Keeps the apps layered: core and nhsuk <- policy <- triage <- review, never the other way."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each app, with the project apps it may import. Anything not listed is a wrong-way edge.
ALLOWED = {
    "nhsuk": set(),
    "core": set(),
    "policy": {"core", "nhsuk"},
    "triage": {"core", "nhsuk", "policy"},
    "review": {"core", "nhsuk", "policy", "triage"},
    # Sign-in and the API sit on top, beside review.
    "nhs_login": {"core", "nhsuk", "policy", "triage"},
    "fhir_api": {"core", "nhsuk", "policy", "triage", "review", "nhs_login"},
}
# Later apps (sign-in, API) sit on top, like review; config wires everything together.
TOP_LEVEL_OK = {"config"}


def _project_imports(path: Path) -> set[str]:
    """The project apps a module imports (absolute imports only, first component)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & (set(ALLOWED) | TOP_LEVEL_OK)


def wrong_way_edges(root: Path) -> list[str]:
    edges = []
    for app, allowed in ALLOWED.items():
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for target in sorted(_project_imports(path) - allowed - {app}):
                edges.append(f"{path.relative_to(root)} imports {target}")
    return edges


def test_no_app_imports_an_app_above_it():
    assert wrong_way_edges(ROOT) == []


@pytest.mark.parametrize(
    ("app", "source", "flagged"),
    [
        ("policy", "from triage.models import Decision\n", True),
        ("core", "import review.models\n", True),
        ("triage", "from policy.models import PolicyVersion\n", False),
        ("review", "from triage.models import Decision\n", False),
        ("nhsuk", "from policy import engine\n", True),
    ],
)
def test_direction_checker_flags_exactly_the_wrong_way_edges(tmp_path, app, source, flagged):
    # Guards the guard: a checker that never finds anything would pass vacuously.
    (tmp_path / app).mkdir()
    (tmp_path / app / "module.py").write_text(source)
    assert bool(wrong_way_edges(tmp_path)) is flagged


LOAD_TAG = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def _tag_library_owners(root: Path) -> dict[str, str]:
    """Template tag library name -> the project app that defines it (<app>/templatetags/)."""
    return {
        path.stem: app
        for app in ALLOWED
        for path in (root / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def _app_templates(root: Path):
    """(app, template) for templates/<app>/... and <app>/templates/..."""
    for app in ALLOWED:
        for folder in (root / "templates" / app, root / app / "templates"):
            for path in sorted(folder.rglob("*.html")):
                yield app, path


def wrong_way_template_loads(root: Path) -> list[str]:
    owners = _tag_library_owners(root)
    edges = []
    for app, path in _app_templates(root):
        for match in LOAD_TAG.finditer(path.read_text(encoding="utf-8")):
            words = match[1].split()
            # `{% load a b %}` loads libraries; `{% load x y from lib %}` loads from `lib`.
            libraries = words[words.index("from") + 1 :] if "from" in words else words
            for library in libraries:
                owner = owners.get(library)
                if owner and owner != app and owner not in ALLOWED[app]:
                    edges.append(f"{path.relative_to(root)} loads {library} ({owner})")
    return edges


def test_no_app_template_loads_tags_of_an_app_above_it():
    assert wrong_way_template_loads(ROOT) == []


@pytest.mark.parametrize(
    ("template_dir", "source", "flagged"),
    [
        ("templates/triage", "{% load review_tags %}", True),
        ("templates/triage", "{% load static triage_tags %}", False),
        ("nhsuk/templates/nhsuk", "{% load  triage_tags  %}", True),
        ("templates/policy", "{% load foo from review_tags %}", True),
        ("templates/review", "{% load triage_tags review_tags %}", False),
    ],
)
def test_template_checker_flags_exactly_the_wrong_way_loads(
    tmp_path, template_dir, source, flagged
):
    for app, library in (("triage", "triage_tags"), ("review", "review_tags")):
        (tmp_path / app / "templatetags").mkdir(parents=True)
        (tmp_path / app / "templatetags" / f"{library}.py").write_text("")
    (tmp_path / template_dir).mkdir(parents=True, exist_ok=True)
    (tmp_path / template_dir / "page.html").write_text(source)
    assert bool(wrong_way_template_loads(tmp_path)) is flagged
