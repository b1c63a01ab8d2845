"""Data flows one way (STYLE.md): pack -> ledger -> engine -> result -> render -> cli. No stage imports a later one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "checklist"
# module prefix -> the checklist modules it must never import
FORBIDDEN = {
    "pack": (
        "checklist.ledger",
        "checklist.engine",
        "checklist.render",
        "checklist.cli",
        "checklist.workflow",
    ),
    "ledger": ("checklist.engine", "checklist.render", "checklist.cli", "checklist.workflow"),
    "periods": ("checklist.engine", "checklist.render", "checklist.cli"),
    "engine": ("checklist.render", "checklist.cli", "checklist.workflow"),
    "result": ("checklist.engine", "checklist.render", "checklist.cli"),
    "render": ("checklist.engine", "checklist.ledger.ledger", "checklist.cli"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_no_stage_imports_a_later_one(stage):
    files = sorted((SRC / stage).rglob("*.py")) if (SRC / stage).is_dir() else [SRC / f"{stage}.py"]
    assert files
    for path in files:
        bad = [m for m in _imports(path) if m.startswith(FORBIDDEN[stage])]
        assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def test_library_code_never_prints_or_exits():
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).parts[0] == "cli" or path.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "exit", "quit"), f"{path.relative_to(SRC)}:{node.lineno}"
            if isinstance(node, ast.Attribute) and node.attr == "exit" and getattr(node.value, "id", "") == "sys":
                pytest.fail(f"{path.relative_to(SRC)}:{node.lineno} calls sys.exit")
