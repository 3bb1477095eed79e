"""A new server process made ready before its first reader.

A process that has just started builds, on its first requests, what every later
request reuses: the URL resolver's reverse table, the compiled templates of the
readers' pages and the release stamp kept pages are filed under. Done on the
first readers' time, that is tens of milliseconds each, and after a deploy every
worker pays it at once. gunicorn calls ``ready_worker`` as each worker has loaded
the site (``post_worker_init`` in gunicorn.conf.py), before it takes requests.
Nothing here reads the database, so a worker starting while it is down starts all
the same.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse

from public import fastpath

# The templates of the pages readers ask for; the desk's are left to its first users.
READER_TEMPLATES = ("base.html", "public/")


def reader_template_names() -> list[str]:
    """Every template of the public pages, and the frame they extend."""
    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        names += [
            str(path.relative_to(root))
            for path in sorted(root.rglob("*.html"))
            if str(path.relative_to(root)).startswith(READER_TEMPLATES)
        ]
    return names


def ready_worker() -> list[str]:
    """Build what a process's first reader would otherwise wait for; the templates compiled."""
    reverse("public:home")  # fills the resolver's reverse table, namespaces included
    fastpath.release()
    names = reader_template_names()
    for name in names:
        get_template(name)
    return names
