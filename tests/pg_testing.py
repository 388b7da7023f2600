"""A throw-away PostgreSQL server for the tests: initdb into a temporary folder, pg_ctl start on a free port of
127.0.0.1 (no socket file elsewhere, no password: the `trust` method on loopback only), stop at the end."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from loopback import free_port

MISSING = ("PostgreSQL is not installed (Debian: apt-get install postgresql; its binaries are looked for on PATH "
           "and in /usr/lib/postgresql/*/bin)")
SUPERUSER = "redline"


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return versions[0].parent if versions else None


@dataclass
class Server:
    data: Path
    port: int
    run_as: str | None
    bin: Path
    _names: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def start(cls) -> "Server | None":
        binaries = _binaries()
        if binaries is None:
            return None
        # A folder of its own under the system's temporary folder: pytest's are private to the user running the
        # tests, and the server's user must reach its data.
        folder = Path(tempfile.mkdtemp(prefix="redline-postgres-"))
        run_as = None
        if os.geteuid() == 0:  # PostgreSQL will not run as root: its own system user runs it
            run_as = "postgres"
            pwd.getpwnam(run_as)
            shutil.chown(folder, run_as)
        server = cls(data=folder / "data", port=free_port(), run_as=run_as, bin=binaries)
        server._run("initdb", "-D", str(server.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                    "--no-sync", "--locale=C")
        options = f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={folder} " \
                  "-c fsync=off -c max_connections=200"
        server._run("pg_ctl", "-D", str(server.data), "-o", options, "-l", str(folder / "server.log"), "-w", "start")
        return server

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"test_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.data.parent, ignore_errors=True)
