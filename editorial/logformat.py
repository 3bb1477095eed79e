"""The production log line: one JSON object per line, for every process of the site.

Kept free of Django and of the app's modules, so gunicorn's master process can
format its own lines with it before (and without) loading the site
(``editorial.gunicorn_logging``).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping

# The attributes every LogRecord has; anything else was passed in ``extra``.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "user_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request and user ids, extras,
    and the traceback (``exception``) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(self.entry(record), default=str)

    def entry(self, record: logging.LogRecord) -> dict:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "process": record.process,
        }
        for name, value in vars(record).items():
            if name not in _RECORD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return entry


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access line as fields, tied to the app's own line by its request id."""

    def entry(self, record: logging.LogRecord) -> dict:
        entry = super().entry(record)
        # gunicorn logs the access line with its "atoms" (a dict) as the arguments.
        atoms = record.args if isinstance(record.args, Mapping) else {}
        if atoms:
            request_id = atoms.get("{x-request-id}o")  # the app's X-Request-ID response header
            entry.update(
                event="access",
                request_id=request_id or entry["request_id"],
                remote_addr=atoms.get("h"),
                method=atoms.get("m"),
                path=atoms.get("U"),
                status=_number(atoms.get("s")),
                bytes=atoms.get("B"),
                duration_ms=round(atoms.get("D", 0) / 1000, 1),
                user_agent=atoms.get("a"),
            )
        return entry


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
