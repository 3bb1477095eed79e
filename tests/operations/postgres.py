"""A PostgreSQL cluster of a test's own: initdb into a temporary directory, on a free port.

A test may stop it and start it again (an outage) without touching any other server:
``pg_ctl`` is only ever given this cluster's own data directory. PostgreSQL refuses to
run as root, so under root the cluster belongs to the ``postgres`` user. Skips the test,
saying why, when PostgreSQL's server binaries are not installed.

    cluster = PrivateCluster()
    try:
        cluster.start()            # initdb on the first start
        cluster.create_database()  # "editorial", named by cluster.url
        ...
        cluster.stop()             # a fast shutdown, as an operator's
        cluster.start()
    finally:
        cluster.remove()
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.operations.processes import free_port

DATABASE = "editorial"


def _binaries() -> Path:
    for initdb in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True):
        if os.access(initdb, os.X_OK):
            return initdb.parent
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)")


class PrivateCluster:
    """One throwaway cluster on 127.0.0.1 and a port of its own."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.owner = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root, and no postgres user to own a cluster")
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="editorial-pg-"))
        if self.owner is not None:
            os.chown(self.directory, self.owner.pw_uid, self.owner.pw_gid)
        self.data = self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{program}: {result.stdout}{result.stderr}"

    def start(self) -> None:
        """Start the cluster (made on the first start) and wait until it accepts connections."""
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--no-sync")  # fmt: skip
        # Nothing in it must outlive a crash, so nothing waits for the disk.
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options,
                  "-l", str(self.directory / "server.log"), "-w", "start")  # fmt: skip

    def create_database(self) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every connection at once, as an operator's stop does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        """Stop the server if it runs, and delete the cluster."""
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
