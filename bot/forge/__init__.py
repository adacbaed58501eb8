"""Forge adapters: the small Protocol handlers use (base.py) and its GitHub implementation (github.py)."""
