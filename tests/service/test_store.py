"""Engines, URLs and the Alembic migrations on an empty SQLite file and on the real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot import store

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["alembic_version", "deliveries", "installations", "jobs", "redeliveries", "removed_repositories"]
HEAD_REVISION = "0004"


def _alembic(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    alembic = Path(sys.executable).with_name("alembic")
    return subprocess.run([str(alembic), "-c", "migrations/alembic.ini", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _tables(url: str) -> list[str]:
    engine = store.make_engine(url)
    try:
        return sorted(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _drift(url: str) -> list:
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), store.SQLModel.metadata)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_alembic_upgrade_head_creates_the_tables_and_downgrade_removes_them(backend, request):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    assert _tables(url) == []
    upgrade = _alembic(url, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    assert "Running upgrade  -> 0001, deliveries, jobs and installations" in upgrade.stderr
    assert "Running upgrade 0001 -> 0002, redeliveries" in upgrade.stderr
    assert "Running upgrade 0002 -> 0003, removed repositories" in upgrade.stderr
    assert "Running upgrade 0003 -> 0004, supersede index on (supersede_key, state, head_sha)" in upgrade.stderr
    assert _tables(url) == TABLES
    assert _drift(url) == []  # the migrations build exactly what bot/store.py declares
    current = _alembic(url, "current")
    assert current.stdout.strip() == f"{HEAD_REVISION} (head)"
    downgrade = _alembic(url, "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stderr
    assert _tables(url) == ["alembic_version"]


def test_migrate_is_idempotent(sqlite_engine):
    store.migrate(sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD_REVISION


def test_migrate_on_postgresql_takes_the_advisory_lock_and_is_idempotent(pg_engine):
    store.migrate(pg_engine)
    assert sorted(sa.inspect(pg_engine).get_table_names()) == TABLES
    with pg_engine.connect() as conn:
        held = conn.execute(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).scalar_one()
    assert held == 0


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar_one() == 30000


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@db:5432/cw", "postgresql+psycopg://u:p@db:5432/cw"),
        ("postgresql://u@db/cw?sslmode=require", "postgresql+psycopg://u@db/cw?sslmode=require"),
        ("postgresql+psycopg2://u@db/cw", "postgresql+psycopg://u@db/cw"),
        ("postgresql+psycopg://u@db/cw", "postgresql+psycopg://u@db/cw"),
        ("sqlite:////var/lib/cw/cw.db", "sqlite:////var/lib/cw/cw.db"),
    ],
)
def test_database_urls_are_normalised(given, expected):
    assert store.normalise_url(given) == expected


def test_relative_sqlite_paths_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert store.normalise_url("sqlite:///data/cw.db") == f"sqlite:///{tmp_path}/data/cw.db"
    assert store.default_sqlite_url("state") == f"sqlite:///{tmp_path}/state/chartwarden.db"


def test_ping_raises_when_the_database_is_unreachable(tmp_path):
    store.ping(store.make_engine(f"sqlite:///{tmp_path}/ok.db"))
    engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    with pytest.raises(sa.exc.OperationalError):
        store.ping(engine)


def test_the_built_wheel_ships_the_migrations_and_templates_and_they_run_from_it(tmp_path):
    """`chartwarden serve` in an image migrates from the installed package, not from a checkout."""
    import zipfile

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("chartwarden-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(site)
    assert {"migrations/alembic.ini", "migrations/env.py", "migrations/versions/0001_initial.py"} <= names
    templates = {str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.j2")}
    assert templates and templates <= names  # the comment and check-run text ships too
    script = (
        "from bot import messages, store\n"
        "print(store.MIGRATIONS)\n"
        f"engine = store.make_engine('sqlite:///{tmp_path}/from-wheel.db')\n"
        "store.migrate(engine)\n"
        "import sqlalchemy as sa; print(sorted(sa.inspect(engine).get_table_names()))\n"
        "print(messages.TEMPLATES)\n"
        "print(messages.render('comments/refusal.md.j2', login='octocat', command='help'), end='')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(site / "migrations"), str(TABLES), str(site / "templates"),
                                        "@octocat `/chartwarden help` needs write access to this repository."]
