"""Real servers for the fault tests: Redis, gunicorn and HAProxy, each on its own free port.

Each helper skips the test, saying what is missing, when its program is not
installed (``bash scripts/install_operations_tools.sh`` installs them).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = "run `bash scripts/install_operations_tools.sh` (as root) to install it"


def program(name: str, *candidates: str) -> str:
    """The path of an installed program, or skip the test naming what is missing."""
    for path in (shutil.which(name), *candidates):
        if path and os.access(path, os.X_OK):
            return path
    pytest.skip(f"{name} is not installed: {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen | None = None, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RedisServer:
    """A throwaway redis-server on its own port, which a test may stop, pause and start again."""

    def __init__(self, binary: str, port: int):
        self.binary, self.port = binary, port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)

    def pause(self) -> None:
        """Freeze the server: connections are accepted by the kernel but never answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def http(
    url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10
) -> tuple[int, Message, bytes]:
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions.

    Header names are matched case-insensitively (HAProxy sends them in lower case).
    """
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def app_environment(database: dict, **extra: str) -> dict:
    """The environment of an app server: the test settings (fast password hashing), JSON logs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "DJANGO_DEBUG", "SQLITE_PATH"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="editorial.settings_test",
        DJANGO_DEBUG="1",  # static files from the app directories, no collectstatic
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
        SECRET_KEY="process-test-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
        **database,
        **extra,
    )
    return env


def start_gunicorn(env: dict, *, port: int, **options) -> subprocess.Popen:
    process = launch_gunicorn(env, port=port, **options)
    wait_for_port(port, process=process, timeout=30)
    return process


def launch_gunicorn(
    env: dict, *, port: int, workers: int = 1, config: Path | None = None, log: Path
) -> subprocess.Popen:
    """A gunicorn server on ``port``, not yet waited for (start several at once)."""
    command = [
        sys.executable, "-m", "gunicorn", "editorial.wsgi", "-b", f"127.0.0.1:{port}",
        "-w", str(workers), "--timeout", "30", "--graceful-timeout", "5",
    ]  # fmt: skip
    if config is not None:
        command += ["-c", str(config)]
    handle = log.open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=handle)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the answer under test


class Browser:
    """A signed-in (or anonymous) visitor of one base URL: cookies kept, CSRF token sent."""

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def request(self, path: str, form: dict | None = None, timeout: float = 15):
        data = headers = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers = {"X-CSRFToken": self.cookie("csrftoken") or ""}
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def log_in(self, username: str, password: str) -> None:
        self.request("/accounts/login/")  # sets the CSRF cookie
        status, headers, _ = self.request(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert status == 302, f"log-in as {username} answered {status}"
