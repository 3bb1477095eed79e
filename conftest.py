"""Test runs are development runs: debug settings and an in-memory SQLite unless DATABASE_URL."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
