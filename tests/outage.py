"""The database unreachable, in this process: every query fails as a stopped server's would."""

from __future__ import annotations

import contextlib
from unittest import mock

from django.db import OperationalError, connection

LOST = "server closed the connection unexpectedly"


def _refuse(execute, sql, params, many, context):
    raise OperationalError(LOST)


@contextlib.contextmanager
def database_unreachable():
    """Every SQL statement on this thread's connection raises ``OperationalError``.

    The site generation is made to fail too: on SQLite ``freshness.current()``
    answers from ``PRAGMA data_version`` on the raw connection, beneath Django's
    execute wrappers.
    """
    with (
        connection.execute_wrapper(_refuse),
        mock.patch("public.freshness.current", side_effect=OperationalError(LOST)),
    ):
        yield
