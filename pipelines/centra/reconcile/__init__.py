"""Reconciliation: Centra's own counts against the warehouse, the key diff where they differ, and the repair
(`reconciler.py`); windows (`windows.py`), Centra's side (`centra_side.py`), the warehouse's
(`warehouse_side.py`), and the keys waiting for their family's next load (`repairs.py`)."""
