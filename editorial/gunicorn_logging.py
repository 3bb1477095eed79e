"""gunicorn's own log lines in the site's format: JSON when ``LOG_FORMAT`` is json.

gunicorn writes its master's and workers' lines (starts, stops, a worker timed
out or killed) and, when asked with ``--access-logfile -``, one access line per
request, through its own handlers and plain-text formats. This logger class
(named in ``gunicorn.conf.py``) keeps gunicorn's handlers, files and levels and
gives them the formatter Django's lines use, so every line of the server's
output is one JSON object. The access line carries the app's ``X-Request-ID``
as its ``request_id``, tying it to the app's own request line.
"""

from __future__ import annotations

from gunicorn import glogging

from editorial.logformat import AccessJsonFormatter, JsonFormatter


def wanted_format() -> str:
    from django.conf import settings  # the settings module only; the site is not loaded

    return settings.LOG_FORMAT


class Logger(glogging.Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        if wanted_format() != "json":
            return
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(AccessJsonFormatter())
