"""The live-event runtime: publish after commit (publish.py) and the per-process fan-out hub (fanout.py)."""
