"""checklist: check activity ledgers (台账) against declarative duty rule packs.

The names below are imported on first use (PEP 562), so a command pays only for the imports it
needs. (Loading a pack imports its rule kinds, checklist.kinds, and with them the engine's parts
and numpy/pyarrow: each kind module holds its evaluator next to its model.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checklist.engine import evaluate
    from checklist.errors import ChecklistError, InputError, LedgerError, PackError, UsageError
    from checklist.ledger import Ledger, read_ledger
    from checklist.pack import Pack, load_pack, load_packs
    from checklist.result import Finding, Result

_WHERE = {
    "ChecklistError": "checklist.errors",
    "Finding": "checklist.result",
    "InputError": "checklist.errors",
    "Ledger": "checklist.ledger",
    "LedgerError": "checklist.errors",
    "Pack": "checklist.pack",
    "PackError": "checklist.errors",
    "Result": "checklist.result",
    "UsageError": "checklist.errors",
    "evaluate": "checklist.engine",
    "load_pack": "checklist.pack",
    "load_packs": "checklist.pack",
    "read_ledger": "checklist.ledger",
}
__all__ = [
    "ChecklistError",
    "Finding",
    "InputError",
    "Ledger",
    "LedgerError",
    "Pack",
    "PackError",
    "Result",
    "UsageError",
    "evaluate",
    "load_pack",
    "load_packs",
    "read_ledger",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'checklist' has no attribute '{name}'")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
