"""Data flows one way (STYLE.md): pack -> ledger -> engine -> result -> render -> cli. No stage imports a later one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SRC = Path(__file__).parents[1] / "src" / "checklist"
PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def test_every_package_is_in_the_import_linter_layers():
    """The layers contract (pyproject.toml, checked by `lint-imports` in .ci/run) names every
    top-level module of checklist, so a new package cannot escape the layering."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    modules = {f"checklist.{p.stem}" for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert modules - {"checklist.__init__"} == layered


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
