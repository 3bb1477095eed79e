"""Point Django at a throwaway benchmark database and migrate it.

SQLite: a temporary file. PostgreSQL (when DATABASE_URL is set): a database
named ``<name>_bench`` beside the configured one, dropped and created afresh.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def prepare(tag: str = "bench", *, copy_of: str | None = None) -> str:
    """Configure the environment for a fresh benchmark database; returns a description.

    ``copy_of`` (PostgreSQL only) names a database seeded before, copied as the new
    one's template: a seeding of minutes is then paid once for many runs. Pending
    migrations still run on the copy.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    url = os.environ.get("DATABASE_URL", "")
    if url:
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        name = f"{config['NAME']}_{tag}"
        admin = dict(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if copy_of:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{copy_of}"')
            else:
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        where = f"PostgreSQL database {name}" + (f", a copy of {copy_of}" if copy_of else "")
    else:
        if copy_of:
            raise SystemExit("Copying a seeded database needs PostgreSQL (DATABASE_URL).")
        path = Path(tempfile.mkdtemp(prefix="editorial-bench-")) / "bench.sqlite3"
        os.environ["SQLITE_PATH"] = str(path)
        where = f"SQLite file {path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return where
