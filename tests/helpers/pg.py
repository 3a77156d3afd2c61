"""The throwaway PostgreSQL test cluster (FLOWDECK_TEST_PG_URL, started by tests/harness/run_tests.sh)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

from tests.helpers.needs import unavailable


def pg_base_url() -> str:
    """The test cluster's URL; without one the test is skipped (failed under ``CI=true``)."""
    base = os.environ.get("FLOWDECK_TEST_PG_URL")
    if not base:
        unavailable("no PostgreSQL test cluster: set FLOWDECK_TEST_PG_URL (tests/harness/run_tests.sh starts one)")
    return base


def fresh_pg_database(base: str, prefix: str = "t_") -> Iterator[str]:
    """Create an empty database on the test cluster, yield its URL, drop it afterwards."""
    from sqlalchemy import create_engine, text

    name = prefix + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
