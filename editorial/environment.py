"""The one reader of the environment: editorial/settings.py reads every variable through it.

environs (marshmallow underneath) parses and validates each value; this reader adds the
project's rules on top:

- a value that does not parse stops the start with ``ImproperlyConfigured`` naming the
  variable and what it must be, rather than a traceback later or a silently wrong setting
  (``manage.py`` prints it as one line);
- an empty value is the same as no value, since ``VAR=`` in a compose or unit file usually
  means "leave it at its default";
- a variable is read once: a second read of the same name is refused, so a setting has one
  source and one default;
- it remembers every name it was asked for (``names``), which the README's configuration
  table is checked against (tests/test_settings.py).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import environs
from django.core.exceptions import ImproperlyConfigured
from environs import ValidationError

OneOf = environs.validate.OneOf
Range = environs.validate.Range

Validator = Callable[[Any], Any]

__all__ = [
    "OneOf",
    "Range",
    "SettingsEnvironment",
    "ValidationError",
    "addresses_or_networks",
    "http_urls",
    "matches",
]


def matches(pattern: str, expected: str) -> Validator:
    """A validator: the whole value matches ``pattern``, else "Must be <expected>."."""
    compiled = re.compile(pattern)

    def check(value: str) -> None:
        if not compiled.fullmatch(value):
            raise ValidationError(f"Must be {expected}.")

    return check


def http_urls(items: list[str]) -> None:
    """A validator: every item is an http:// or https:// URL with a host."""
    for item in items:
        if item.strip() and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", item.strip()):
            raise ValidationError(f"{item.strip()!r} is not an http:// or https:// URL.")


def addresses_or_networks(items: list[str]) -> None:
    """A validator: every item is an IP address or a network (10.0.1.0/24)."""
    # Checked at start: a bad entry would otherwise fail on every request that reads it.
    for item in items:
        if not item.strip():
            continue
        try:
            ipaddress.ip_network(item.strip(), strict=False)
        except ValueError:
            raise ValidationError(
                f"{item.strip()!r} is not an IP address or network (such as 10.0.1.0/24)."
            ) from None


def _reasons(messages: Any) -> list[str]:
    # marshmallow reports a list's errors by item index: {0: ["..."]}.
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, Mapping):
        return [reason for nested in messages.values() for reason in _reasons(nested)]
    return [reason for nested in messages for reason in _reasons(nested)]


class SettingsEnvironment:
    """Typed reads of environment variables, each with its default, each name once."""

    def __init__(self) -> None:
        self._env = environs.Env()
        self._names: list[str] = []

    @property
    def names(self) -> tuple[str, ...]:
        """Every variable read so far, in the order the settings read them."""
        return tuple(self._names)

    def str(self, name: str, default: str = "", *, validate: Validator | None = None) -> str:
        return self._read("str", name, default, validate=validate)

    def bool(self, name: str, default: bool) -> bool:
        # 1/0, true/false, yes/no, on/off (also t/f, y/n); anything else is refused,
        # so a typo cannot quietly turn a protection off.
        return self._read(
            "bool",
            name,
            default,
            error_messages={"invalid": "Must be 1 or 0 (or true/false, yes/no, on/off)."},
        )

    def int(
        self, name: str, default: int, *, minimum: int | None = 0, maximum: int | None = None
    ) -> int:
        return self._read(
            "int",
            name,
            default,
            validate=Range(min=minimum, max=maximum),
            error_messages={"invalid": "Must be a whole number."},
        )

    def float(self, name: str, default: float, *, above: float | None = 0.0) -> float:
        return self._read(
            "float",
            name,
            default,
            validate=Range(min=above, min_inclusive=False),
            error_messages={"invalid": "Must be a number (seconds may have decimals: 0.5)."},
        )

    def list(
        self, name: str, default: Iterable[str] = (), *, validate: Validator | None = None
    ) -> list[str]:
        """A comma-separated list; spaces around items and empty items are dropped."""
        value = self._read("list", name, None, subcast=str, validate=validate)
        if value is None:
            return [*default]
        return [item.strip() for item in value if item.strip()]

    def database_url(self, name: str, **options: Any) -> dict[str, Any] | None:
        """A database URL parsed by dj-database-url into Django's DATABASES entry, or None."""
        # The URL holds the password: an error names the variable but never shows its value.
        return self._read("dj_db_url", name, None, show_value=False, **options)

    def _read(
        self, kind: str, name: str, default: Any, *, show_value: bool = True, **options: Any
    ) -> Any:
        if name in self._names:
            raise ImproperlyConfigured(
                f"{name} is read twice in the settings: read it once and use that setting"
            )
        self._names.append(name)
        raw = os.environ.get(name)
        if raw is None or not raw.strip():
            return default
        try:
            return getattr(self._env, kind)(name, **options)
        except environs.EnvValidationError as error:
            shown = f"={raw!r}" if show_value else ""
            reasons = " ".join(_reasons(error.error_messages))
            raise ImproperlyConfigured(
                f"{name}{shown} is not valid: {reasons} (README.md, Configuration)"
            ) from None
