"""gunicorn configuration for the SIGKILL test: a worker freezes inside a transition.

Each worker, once Django is loaded, wraps every database connection so that the
first INSERT into the transitions table (the audit row, written after the
article's new state inside the same transaction) writes the worker's pid to
``PAUSE_MARKER`` and then sleeps, leaving the transaction open for the test to
kill the worker. Only the first such INSERT pauses, across workers: the marker
file says it has happened.
"""

import os
import time


def post_worker_init(worker):
    from django.db.backends.signals import connection_created

    marker = os.environ["PAUSE_MARKER"]

    def pause_once(execute, sql, params, many, context):
        if (
            sql.lstrip().upper().startswith("INSERT")
            and "articles_articletransition" in sql
            and not os.path.exists(marker)
        ):
            with open(marker, "w") as handle:
                handle.write(str(os.getpid()))
            time.sleep(60)
        return execute(sql, params, many, context)

    def wrap(sender, connection, **kwargs):
        connection.execute_wrappers.append(pause_once)

    connection_created.connect(wrap, weak=False)
