"""docs/catalogue.md is generated from the packs and must be current (run docs/make_catalogue.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).parents[1] / "docs"


def test_catalogue_is_current():
    spec = importlib.util.spec_from_file_location("make_catalogue", DOCS / "make_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "catalogue.md").read_text(encoding="utf-8") == module.render(), (
        "docs/catalogue.md is stale: run python docs/make_catalogue.py"
    )
