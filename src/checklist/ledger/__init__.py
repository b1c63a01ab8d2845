"""Ledgers (台账): reading files of any common shape into one accounted-for columnar table."""

from checklist.ledger.ledger import Ledger, RejectedRow, read_ledger, split_names

__all__ = ["Ledger", "RejectedRow", "read_ledger", "split_names"]
