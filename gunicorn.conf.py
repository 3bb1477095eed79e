"""gunicorn's settings for this site.

gunicorn reads this file when it starts in this directory (or with ``-c
gunicorn.conf.py``); the command line still gives the address, the workers and
the timeouts (docs/deploy.md, "Running it").
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

# gunicorn's own lines (starts, stops, worker timeouts; the access log with
# --access-logfile -) in the site's log format: one JSON object per line in production.
logger_class = "editorial.gunicorn_logging.Logger"


def post_worker_init(worker):
    """Each worker builds its URL table and compiles the readers' templates before its first
    request, so that no reader waits for them after a deploy or a restart."""
    from editorial.warmup import ready_worker

    ready_worker()
