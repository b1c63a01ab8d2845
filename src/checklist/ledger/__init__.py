"""Ledgers (台账): reading files of any common shape into one accounted-for columnar table."""

from checklist.ledger.ledger import read_ledger, split_names
from checklist.ledger.model import Ledger
from checklist.notice import RejectedRow

__all__ = ["Ledger", "RejectedRow", "read_ledger", "split_names"]
