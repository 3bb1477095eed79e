import contextlib
import json
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.db import connections

from editorial.cache import _local_counters as local_counters
from tests.operations.processes import ROOT, RedisServer, app_environment, free_port, program


@pytest.fixture
def redis_server():
    """A redis-server of this test's own, stopped at the end whatever happened."""
    server = RedisServer(program("redis-server"), free_port())
    server.start()
    yield server
    server.resume()
    server.stop()


@pytest.fixture
def circuit_open_seconds():
    """How long the breaker leaves Redis alone; a test may parametrize it."""
    return 0.2


@pytest.fixture
def resilient_cache(settings, redis_server, circuit_open_seconds):
    """The production cache backend on the test's own Redis, with short timeouts."""
    settings.CACHES = {
        "default": {
            "BACKEND": "editorial.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            "CIRCUIT_OPEN_SECONDS": circuit_open_seconds,
        }
    }
    local_counters.clear()  # the per-process fallback outlives a test
    yield caches["default"]
    local_counters.clear()


@pytest.fixture(scope="session")
def process_database(tmp_path_factory, django_db_setup):
    """A database of its own for app servers run as separate processes, migrated once.

    PostgreSQL when the suite runs on it (``<test database>_procs``, dropped at the end), else an
    SQLite file: the servers cannot see the suite's own test database, whose
    rows live in a transaction they are not part of.
    """
    default = connections["default"].settings_dict  # the test database's, once set up
    drop = None
    if default["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"{default['NAME']}_procs"
        params = dict(
            host=default["HOST"] or "127.0.0.1",
            port=default["PORT"] or 5432,
            user=default["USER"],
            password=default["PASSWORD"] or None,
        )

        def drop():
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        drop()
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        password = f":{params['password']}" if params["password"] else ""
        database = {
            "DATABASE_URL": f"postgres://{params['user']}{password}@{params['host']}:"
            f"{params['port']}/{name}"
        }
    else:
        database = {"SQLITE_PATH": str(tmp_path_factory.mktemp("procs") / "db.sqlite3")}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=app_environment(database),
        check=True,
    )
    yield database
    if drop is not None:
        drop()


def run_in_app(database: dict, code: str) -> dict:
    """Run ``code`` with Django set up on ``database``; it leaves its answer in ``result``."""
    script = (
        "import django, json\ndjango.setup()\nresult = {}\n"
        + code
        + "\nprint('RESULT ' + json.dumps(result))\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=app_environment(database),
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    line = [x for x in finished.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line.removeprefix("RESULT "))


def query_app_database(database: dict, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows from the app servers' database, read directly (no Django start-up)."""
    if "DATABASE_URL" in database:
        import psycopg

        with psycopg.connect(database["DATABASE_URL"]) as conn:
            return conn.execute(sql.replace("?", "%s"), params).fetchall()
    import sqlite3

    with contextlib.closing(sqlite3.connect(database["SQLITE_PATH"])) as conn:
        return conn.execute(sql, params).fetchall()
