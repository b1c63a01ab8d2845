"""The `checklist` command: one module per command group, `main(argv) -> int`, `run()` for the console script."""

from __future__ import annotations

from checklist.cli.app import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
