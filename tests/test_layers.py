"""Data flows one way (STYLE.md): pack -> ledger -> engine -> result -> render -> cli. No stage imports a later one."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SRC = Path(__file__).parents[1] / "src" / "checklist"
PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def _layered() -> set[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}


def _modules(folder: Path, prefix: str) -> set[str]:
    return {f"{prefix}.{p.stem}" for p in folder.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}


def test_every_package_is_in_the_import_linter_layers():
    """The layers contract (pyproject.toml, checked by `lint-imports` in .ci/run) names every
    top-level module of checklist, so a new package cannot escape the layering. A package split
    across layers (checklist.pack) is named module by module: then every module of it is named."""
    layered = _layered()
    for name in sorted(_modules(SRC, "checklist") - {"checklist.__init__"}):
        if name in layered:
            continue
        inside = _modules(SRC / name.split(".")[1], name) - {f"{name}.__init__"}
        assert inside and inside <= layered, f"{name}: not in the layers, nor all of {sorted(inside - layered)}"
    for name in layered:  # and every name there is a module (a renamed one cannot leave a stale name)
        path = SRC.joinpath(*name.split(".")[1:])
        assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), f"{name} does not exist"


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
