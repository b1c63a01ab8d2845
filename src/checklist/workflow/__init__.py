"""The self-inspection workflow around an evaluation: reminders, rectification ledger, audit, calendar."""
