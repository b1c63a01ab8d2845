"""Streaming monitor (`checklist watch`): records one at a time, alerts as duties move (optional extra)."""
