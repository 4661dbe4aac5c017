"""`make backup` and `make restore` (README "Backup and restore"): a dump of the database
restores into another database with every row (issue 12, item 18)."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.adoption.factories import UsageSnapshotFactory
from tests.conftest import require_service
from tests.metrics.factories import KPIFactory, MeasurementFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def url(database: str) -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db.get("USER") or "postgres", safe="")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database}"


def make(*args: str, database: str) -> None:
    env = {**os.environ, "DATABASE_URL": url(database)}
    subprocess.run(["make", "-s", *args], cwd=settings.BASE_DIR, env=env, check=True, timeout=120)


def row_counts(database: str) -> dict[str, int]:
    with psycopg.connect(url(database)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


@pytest.fixture
def scratch_database(on_postgres):
    require_service(bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump")
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_backup_restores_into_another_database_with_every_row(
    scratch_database, product, tmp_path: Path
):
    kpi = KPIFactory(product=product)
    MeasurementFactory(kpi=kpi)
    UsageSnapshotFactory(product=product)
    dump = tmp_path / "dpm.dump"
    source = connection.settings_dict["NAME"]

    make("backup", f"BACKUP={dump}", database=source)
    make("restore", f"FILE={dump}", database=scratch_database)

    counts = row_counts(source)
    assert counts["metrics_measurement"] == 1
    assert counts["adoption_usagesnapshot"] == 1
    assert row_counts(scratch_database) == counts
