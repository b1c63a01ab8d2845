"""Shared test setup."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _chinese_help_language(monkeypatch):
    """--help and early usage errors follow CHECKLIST_LANG or the locale: pin it, so tests do not
    depend on the machine's locale (Chinese, as on the clerks' Windows)."""
    monkeypatch.setenv("CHECKLIST_LANG", "zh")
