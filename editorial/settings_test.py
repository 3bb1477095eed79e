"""Settings for the test suite: development defaults, fast password hashing."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from editorial.settings import *  # noqa: E402,F403

# Hashing strength is Django's business, not ours; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
