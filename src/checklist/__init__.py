"""checklist: check activity ledgers (台账) against declarative duty rule packs."""

from checklist.errors import ChecklistError, InputError, LedgerError, PackError, UsageError
from checklist.pack import load_pack

__all__ = ["ChecklistError", "InputError", "LedgerError", "PackError", "UsageError", "load_pack"]
__version__ = "0.1.0"
