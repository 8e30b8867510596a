"""Keeps the engine free of Django and third-party code, so it stays a pure library."""

import ast
import sys
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parents[2] / "policy" / "engine"


def _imports(path: Path) -> list[tuple[str, int]]:
    """Each imported top-level module, with its relative level (0 for absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append(((node.module or "").split(".")[0], node.level))
    return found


def test_engine_imports_only_standard_library():
    sources = sorted(ENGINE_DIR.glob("*.py"))
    assert sources, f"no engine modules found in {ENGINE_DIR}"
    offending = [
        f"{path.name}: {module}"
        for path in sources
        for module, level in _imports(path)
        if level == 0 and module not in sys.stdlib_module_names
    ]
    assert offending == []


def test_import_checker_flags_a_third_party_import(tmp_path):
    # Guards the guard: a checker that never finds anything would pass vacuously.
    module = tmp_path / "sample.py"
    module.write_text("import os\nfrom django.db import models\nfrom . import vocabulary\n")
    assert _imports(module) == [("os", 0), ("django", 0), ("", 1)]
