"""Service test set-up: migrated SQLite files, and a private schema on the real PostgreSQL per test.

PostgreSQL is the one at CHARTWARDEN_TEST_DATABASE_URL (default: postgres@127.0.0.1:5432, database
`test`, trust auth). Each test that asks for it gets a fresh schema, named after the process and a
random suffix, reached through `search_path` in the URL so subprocess workers see the same tables;
the schema is dropped afterwards. Without a reachable server those tests skip and say why.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from bot import store
from tests.needs import missing

PG_BASE_URL = os.environ.get("CHARTWARDEN_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin_engine():
    engine = sa.create_engine(store.normalise_url(PG_BASE_URL), poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        missing(f"PostgreSQL not reachable at {PG_BASE_URL}: {str(exc).splitlines()[0]}")
    return engine


@pytest.fixture
def pg_url():
    """A URL whose connections use a brand-new, empty schema (dropped after the test)."""
    admin = _pg_admin_engine()
    schema = f"cw_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(store.normalise_url(PG_BASE_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_engine(pg_url):
    engine = store.make_engine(pg_url)
    store.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory):
    """The prism mock of GitHub's REST description, one per test session (it takes ~2 s to start)."""
    from tests.service.mockgithub import PRISM, Prism

    if not PRISM.exists():
        missing("prism is not installed: run scripts/install-test-assets.sh")
    prism = Prism(tmp_path_factory.mktemp("prism") / "prism.log")
    try:
        yield prism.url
    finally:
        prism.stop()


@pytest.fixture
def front(prism_url):
    """A recording stub in front of prism (tests/service/mockgithub.py)."""
    from tests.service.mockgithub import Front

    stub = Front(prism_url)
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture(scope="session")
def app_key():
    """An RSA private key (PEM) for a GitHub App, and its public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return pem, key.public_key()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'chartwarden.db'}"


@pytest.fixture
def sqlite_engine(sqlite_url):
    engine = store.make_engine(sqlite_url)
    store.migrate(engine)
    yield engine
    engine.dispose()
