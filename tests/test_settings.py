"""Settings are read once, typed, and documented once.

Every environment variable is read in editorial/settings.py through the one reader
(editorial/environment.py), at one place, and has exactly one row in the README's
configuration table. Settings are imported in a child process under controlled
environments: nothing from this process's environment (DJANGO_DEBUG, DATABASE_URL) leaks in.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "editorial" / "settings.py"
README = ROOT / "README.md"

# -- what the settings read, and what the README documents ---------------------------------


def _settings_reads() -> list[tuple[str, int]]:
    """(variable, line) for every ``env.<kind>("NAME", ...)`` call in the settings source."""
    reads = []
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
        ):
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"editorial/settings.py line {node.lineno}: env.{node.func.attr}() must name its "
                "variable as a string literal, so the README check can see it"
            )
            reads.append((first.value, node.lineno))
    return sorted(reads, key=lambda read: read[1])


def _readme_table_names() -> list[str]:
    """Every variable named in the first column of the README's configuration table."""
    text = README.read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = []
    for line in section.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2 and not set(cells[1].strip()) <= set("-"):
            names += re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[1])
    return names


def test_the_settings_read_the_environment_only_through_the_reader():
    tree = ast.parse(SETTINGS.read_text())
    direct = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in {"environ", "getenv"}
    ]
    assert not direct, (
        "editorial/settings.py reads os.environ directly; read each variable through "
        "env.str/bool/int/float/list (editorial/environment.py) instead:\n" + "\n".join(direct)
    )


def test_each_variable_is_read_at_one_place():
    lines: dict[str, list[int]] = {}
    for name, line in _settings_reads():
        lines.setdefault(name, []).append(line)
    twice = {name: at for name, at in lines.items() if len(at) > 1}
    assert not twice, "\n".join(
        f"{name} is read {len(at)} times in editorial/settings.py (lines "
        f"{', '.join(map(str, at))}): read it once and use that setting"
        for name, at in twice.items()
    )


def test_every_variable_the_settings_read_is_in_the_readme_table_exactly_once():
    documented = Counter(_readme_table_names())
    problems = []
    for name, line in _settings_reads():
        if documented[name] == 0:
            problems.append(
                f"{name} (editorial/settings.py line {line}) is missing from the README's "
                "configuration table: add a row saying what it means and its default"
            )
        elif documented[name] > 1:
            problems.append(
                f"{name} is listed {documented[name]} times in the README's configuration "
                "table: keep one row"
            )
    assert not problems, "\n".join(problems)


def test_the_readme_table_lists_only_variables_the_settings_read():
    read = {name for name, _ in _settings_reads()}
    stale = sorted(set(_readme_table_names()) - read)
    assert not stale, "\n".join(
        f"{name} is in the README's configuration table but editorial/settings.py does not "
        "read it: remove its row, or read it in the settings"
        for name in stale
    )


def _message(error: AssertionError) -> list[str]:
    """An assertion's own message, line by line, without the expression pytest adds."""
    return [line.strip() for line in str(error).split("\nassert ", 1)[0].splitlines()]


def test_the_readme_check_names_a_missing_a_doubled_and_a_stale_row(monkeypatch, tmp_path):
    """The checks above fail naming the variable: one left out, one twice, one not read."""
    first, second, *others = [name for name, _ in _settings_reads()]
    rows = [f"| `{name}` | what it means | its default |" for name in [second, *others]]
    rows += [f"| `{second}` | again | — |", "| `NOT_READ_ANYWHERE` | stale | — |"]
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Title\n\n## Configuration\n\n| variable | meaning | default |\n| --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n\n## Next\n\n| `ALSO_NOT_READ` | outside the section | — |\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "README", readme)
    with pytest.raises(AssertionError) as failure:
        test_every_variable_the_settings_read_is_in_the_readme_table_exactly_once()
    problems = _message(failure.value)
    assert len(problems) == 2
    assert problems[0].startswith(f"{first} (editorial/settings.py line ")
    assert problems[0].endswith(
        "is missing from the README's configuration table: add a row "
        "saying what it means and its default"
    )
    assert problems[1] == (
        f"{second} is listed 2 times in the README's configuration table: keep one row"
    )
    with pytest.raises(AssertionError) as failure:
        test_the_readme_table_lists_only_variables_the_settings_read()
    assert _message(failure.value) == [
        "NOT_READ_ANYWHERE is in the README's configuration table but editorial/settings.py "
        "does not read it: remove its row, or read it in the settings"
    ]


# -- nothing else in the app reads the environment -----------------------------------------

# Application code outside the settings that may touch os.environ, and why.
ENVIRONMENT_READS_ALLOWED = {
    # Django's own: which settings module to load (set, never read, by these entry points).
    ("manage.py", "setdefault"),
    ("editorial/wsgi.py", "setdefault"),
    ("editorial/asgi.py", "setdefault"),
    ("gunicorn.conf.py", "setdefault"),
    ("editorial/settings_test.py", "setdefault"),
    # Django's autoreloader marks its child process with RUN_MAIN; not configuration.
    ("outbox/management/commands/outbox_worker.py", "get"),
}
NOT_APPLICATION_CODE = {".venv", "node_modules", "tests", "bench", "scripts", ".git"}


def _environment_uses(tree: ast.AST) -> list[tuple[str, int]]:
    """(how, line) for each use of os.environ or os.getenv: "get", "setdefault", "[]"..."""

    def is_environ(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "environ"
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        )

    uses, consumed = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_environ(node.value):
            uses.append((node.attr, node.lineno))
            consumed.add(id(node.value))
        elif isinstance(node, ast.Subscript) and is_environ(node.value):
            uses.append(("[]", node.lineno))
            consumed.add(id(node.value))
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            uses += [
                (alias.name, node.lineno)
                for alias in node.names
                if alias.name in ("environ", "getenv")
            ]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "getenv"
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            uses.append(("getenv", node.lineno))
    for node in ast.walk(tree):
        if is_environ(node) and id(node) not in consumed:
            uses.append(("os.environ", node.lineno))
    return uses


def test_no_application_module_but_the_settings_reads_the_environment():
    unexpected = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if NOT_APPLICATION_CODE & set(relative.parts) or str(relative) in {
            "editorial/settings.py",
            "editorial/environment.py",
        }:
            continue
        for how, line in _environment_uses(ast.parse(path.read_text())):
            if (str(relative), how) not in ENVIRONMENT_READS_ALLOWED:
                unexpected.append(f"{relative} line {line}: os.environ ({how})")
    assert not unexpected, (
        "Only editorial/settings.py reads the environment; read the variable there "
        "(env.str/int/bool/...), give it a README row and use the setting:\n"
        + "\n".join(unexpected)
    )


# -- importing the settings under controlled environments ---------------------------------

# Runs each environment's settings in a fresh namespace, in one child process.
PROBE = r"""
import json, os, runpy, sys
from django.core.exceptions import ImproperlyConfigured

request = json.load(sys.stdin)
results = []
for environ in request["environments"]:
    os.environ.clear()
    os.environ.update(environ)
    try:
        namespace = runpy.run_path("editorial/settings.py")
    except ImproperlyConfigured as error:
        results.append({"error": str(error)})
    else:
        results.append({
            "settings": {name: namespace.get(name) for name in request["settings"]},
            "read": list(namespace["env"].names),
        })
print(json.dumps(results, default=str))
"""


def _settings_under(*environments: dict[str, str], names: list[str]) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        input=json.dumps({"environments": environments, "settings": names}),
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _settings(environ: dict[str, str], *names: str) -> dict:
    (outcome,) = _settings_under(environ, names=list(names))
    assert "error" not in outcome, outcome["error"]
    return outcome["settings"]


def _refusal(environ: dict[str, str]) -> str:
    (outcome,) = _settings_under(environ, names=[])
    assert "error" in outcome, f"{environ} was accepted"
    return outcome["error"]


PRODUCTION = {"SECRET_KEY": "k" * 50}


def test_allowed_hosts_alone_yields_the_https_origin():
    settings = _settings(
        {**PRODUCTION, "ALLOWED_HOSTS": "answers.example.org"}, "SITE_URL", "ALLOWED_HOSTS"
    )
    assert settings == {
        "SITE_URL": "https://answers.example.org",
        "ALLOWED_HOSTS": ["answers.example.org"],
    }


def test_the_first_allowed_host_names_the_site_unless_it_is_a_wildcard():
    first = _settings(
        {**PRODUCTION, "ALLOWED_HOSTS": " answers.example.org , 10.0.0.11 ,"}, "SITE_URL"
    )
    assert first["SITE_URL"] == "https://answers.example.org"
    wildcard = _settings({**PRODUCTION, "ALLOWED_HOSTS": ".example.org"}, "SITE_URL")
    assert wildcard["SITE_URL"] == ""


def test_a_site_url_names_the_origin_and_its_host_is_allowed():
    settings = _settings(
        {**PRODUCTION, "SITE_URL": "https://answers.example.org/", "ALLOWED_HOSTS": "10.0.0.11"},
        "SITE_URL",
        "ALLOWED_HOSTS",
    )
    assert settings == {
        "SITE_URL": "https://answers.example.org",
        "ALLOWED_HOSTS": ["10.0.0.11", "answers.example.org"],
    }


def test_development_defaults_with_no_variable_but_debug():
    settings = _settings(
        {"DJANGO_DEBUG": "1"},
        "DEBUG",
        "SITE_URL",
        "ALLOWED_HOSTS",
        "DATABASES",
        "CACHES",
        "LOG_FORMAT",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "EMAIL_BACKEND",
        "STATIC_ROOT",
    )
    assert settings["DEBUG"] is True
    assert settings["SITE_URL"] == "http://127.0.0.1:8000"
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(ROOT / "db.sqlite3")
    assert settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert settings["LOG_FORMAT"] == "plain"
    assert settings["SECURE_SSL_REDIRECT"] is False and settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["STATIC_ROOT"] == str(ROOT / "staticfiles")


def test_production_defaults_are_the_safe_ones():
    settings = _settings(
        {**PRODUCTION, "ALLOWED_HOSTS": "answers.example.org"},
        "DEBUG",
        "LOG_FORMAT",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "TRUSTED_PROXIES",
        "REQUIRED_APPROVALS",
        "SHOW_PENDING_ARTICLES",
        "KEPT_PAGES_OUTAGE_LIMIT",
    )
    assert settings == {
        "DEBUG": False,
        "LOG_FORMAT": "json",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "TRUSTED_PROXIES": [],
        "REQUIRED_APPROVALS": 1,
        "SHOW_PENDING_ARTICLES": True,
        "KEPT_PAGES_OUTAGE_LIMIT": 3600,
    }


def test_values_are_typed():
    settings = _settings(
        {
            "DJANGO_DEBUG": "yes",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "on",
            "CACHE_URL": "redis://127.0.0.1:6379/0",
            "CACHE_TIMEOUT": "0.2",
            "TRUSTED_PROXIES": "10.0.1.10, 10.0.2.0/24",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "SHOW_PENDING_ARTICLES": "0",
            "LOG_LEVEL": "info",
        },
        "DEBUG",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "CACHES",
        "TRUSTED_PROXIES",
        "SECURE_PROXY_SSL_HEADER",
        "SHOW_PENDING_ARTICLES",
        "LOGGING",
    )
    assert settings["DEBUG"] is True
    assert settings["EMAIL_PORT"] == 587 and settings["EMAIL_USE_TLS"] is True
    cache = settings["CACHES"]["default"]
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.2}
    assert cache["CIRCUIT_OPEN_SECONDS"] == 5.0
    assert settings["TRUSTED_PROXIES"] == ["10.0.1.10", "10.0.2.0/24"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]  # JSON
    assert settings["SHOW_PENDING_ARTICLES"] is False
    assert settings["LOGGING"]["root"]["level"] == "INFO"


def test_database_url_switches_to_postgresql_and_sqlite_path_moves_the_file():
    postgres = _settings(
        {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://editor:pw@db:5432/editorial"},
        "DATABASES",
        "IS_POSTGRES",
    )
    assert postgres["IS_POSTGRES"] is True
    assert postgres["DATABASES"]["default"]["NAME"] == "editorial"
    assert postgres["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    sqlite = _settings({"DJANGO_DEBUG": "1", "SQLITE_PATH": ":memory:"}, "DATABASES")
    assert sqlite["DATABASES"]["default"]["NAME"] == ":memory:"


def test_an_empty_value_is_the_default():
    settings = _settings(
        {
            **PRODUCTION,
            "ALLOWED_HOSTS": "answers.example.org",
            "SECURE_SSL_REDIRECT": "",
            "SITE_URL": " ",
        },
        "SECURE_SSL_REDIRECT",
        "SITE_URL",
    )
    assert settings == {"SECURE_SSL_REDIRECT": True, "SITE_URL": "https://answers.example.org"}


def test_production_refuses_to_start_without_a_secret_key():
    assert _refusal({"ALLOWED_HOSTS": "answers.example.org"}).startswith("SECRET_KEY is not set")


BAD_VALUES = [
    ("DJANGO_DEBUG", "maybe", "Must be 1 or 0"),
    ("EMAIL_PORT", "25x", "Must be a whole number"),
    ("EMAIL_PORT", "70000", "less than or equal to 65535"),
    ("REQUIRED_APPROVALS", "0", "greater than or equal to 1"),
    ("CACHE_TIMEOUT", "fast", "Must be a number"),
    ("OUTBOX_RETRY_SECONDS", "0", "greater than 0"),
    ("LOG_FORMAT", "xml", "Must be one of: json, plain"),
    ("LOG_LEVEL", "loud", "Must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
    ("TRUSTED_PROXIES", "10.0.0.1,balancer", "'balancer' is not an IP address or network"),
    ("METRICS_ALLOWED_ADDRESSES", "10.0.0.0/33", "is not an IP address or network"),
    ("API_ANON_RATE", "lots", "a number of requests per period"),
    ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", "such as HTTP_X_FORWARDED_PROTO,https"),
    ("SITE_URL", "answers.example.org/x", "must be a scheme and host"),
]


@pytest.fixture(scope="module")
def bad_value_outcomes() -> dict[tuple[str, str], dict]:
    """Every bad value's outcome, from one child process (each is a fresh import)."""
    outcomes = _settings_under(
        *({"DJANGO_DEBUG": "1", variable: value} for variable, value, _ in BAD_VALUES), names=[]
    )
    return {
        (variable, value): outcome
        for (variable, value, _), outcome in zip(BAD_VALUES, outcomes, strict=True)
    }


@pytest.mark.parametrize(("variable", "value", "reason"), BAD_VALUES)
def test_a_bad_value_is_refused_naming_the_variable(bad_value_outcomes, variable, value, reason):
    outcome = bad_value_outcomes[variable, value]
    assert "error" in outcome, f"{variable}={value!r} was accepted"
    assert outcome["error"].startswith(variable)
    assert reason in outcome["error"]


def test_a_bad_database_url_is_refused_without_showing_its_password():
    message = _refusal({"DJANGO_DEBUG": "1", "DATABASE_URL": "pg://editor:s3cret@db/editorial"})
    assert message.startswith("DATABASE_URL is not valid: Not a valid database URL.")
    assert "s3cret" not in message


def test_manage_py_says_what_is_wrong_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "EMAIL_PORT": "twenty-five"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "manage.py: EMAIL_PORT='twenty-five' is not valid: Must be a whole number. "
        "(README.md, Configuration)"
    )


def test_the_reader_remembers_exactly_the_variables_the_source_names():
    """The reader's own record agrees with the source, in development and production alike."""
    in_source = [name for name, _ in _settings_reads()]
    for outcome in _settings_under(
        {"DJANGO_DEBUG": "1"},
        {**PRODUCTION, "ALLOWED_HOSTS": "answers.example.org", "CACHE_URL": "redis://cache:6379/0"},
        names=[],
    ):
        assert outcome["read"] == in_source


def test_reading_a_variable_twice_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from editorial.environment import SettingsEnvironment

    env = SettingsEnvironment()
    env.int("REQUIRED_APPROVALS", 1)
    with pytest.raises(ImproperlyConfigured, match="REQUIRED_APPROVALS is read twice"):
        env.int("REQUIRED_APPROVALS", 2)
