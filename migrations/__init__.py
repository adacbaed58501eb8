"""Alembic migrations of the service database (shipped in the wheel so `chartwarden serve` can upgrade)."""
