"""checklist: check activity ledgers (台账) against declarative duty rule packs."""

from checklist.engine import evaluate
from checklist.errors import ChecklistError, InputError, LedgerError, PackError, UsageError
from checklist.ledger import Ledger, read_ledger
from checklist.pack import Pack, load_pack, load_packs
from checklist.result import Finding, Result

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
