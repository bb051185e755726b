"""A throwaway PostgreSQL cluster for DuckLake tests: Debian's `postgresql` package
(.ci/run installs it when missing), `initdb` into a temporary folder and `pg_ctl`
on a free loopback port, as the `postgres` user when the tests run as root (the
server refuses to run as root). Removed when the session ends.

Two roles: `postgres` (trust, for the fixture's own housekeeping) and
`pactwatch` with a password over TCP (scram-sha-256), so tests exercise a real
secret in the catalog connection string or in PGPASSWORD.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "lake-Pw-7f3a9c"  # the role's password; tests check it never leaks
ROLE = "pactwatch"


@contextlib.contextmanager
def pgpassword(value: str = PASSWORD) -> Iterator[None]:
    """PGPASSWORD set in this process for the block (a catalog connection string
    without its password reads it), then as it was before."""
    before = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before


def _bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: PATH, else the newest Debian cluster version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def unavailable_reason() -> str | None:
    """Why no cluster can be started here, or None."""
    if _bin_dir() is None:
        return "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run the server as"
    return None


@dataclass
class Cluster:
    """A running cluster: `conninfo(db)` for the password role, `create_database()`."""

    root: Path
    port: int
    bin_dir: Path
    as_postgres: bool

    def _cmd(self, args: Sequence[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_postgres else list(args)

    def conninfo(self, dbname: str, *, password: bool = True) -> str:
        text = f"dbname={dbname} host=127.0.0.1 port={self.port} user={ROLE}"
        return f"{text} password={PASSWORD}" if password else text

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"dbname=postgres host=127.0.0.1 port={self.port} user=postgres", autocommit=True
        ) as pg:
            pg.execute(sql)  # type: ignore[arg-type]

    def create_database(self, prefix: str = "lake") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.admin(f"CREATE DATABASE {name} OWNER {ROLE}")
        return name

    def stop(self) -> None:
        subprocess.run(
            self._cmd(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.root / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ]
            ),
            check=False,
            capture_output=True,
            timeout=60,
        )


@contextlib.contextmanager
def cluster(port: int) -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    assert bin_dir is not None
    as_postgres = os.geteuid() == 0
    # Not under pytest's tmp folders: those are private to root, and the server runs
    # as postgres. /tmp/pactwatch-pg-XXXX, owned by whoever runs the server.
    root = Path(tempfile.mkdtemp(prefix="pactwatch-pg-"))
    if as_postgres:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    box = Cluster(root=root, port=port, bin_dir=bin_dir, as_postgres=as_postgres)
    try:
        subprocess.run(
            box._cmd(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(root / "data"),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        hba = root / "data" / "pg_hba.conf"
        rules = hba.read_text(encoding="utf-8")
        hba.write_text(f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n" + rules, encoding="utf-8")
        options = (
            f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=60"
        )
        subprocess.run(
            box._cmd(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(root / "data"),
                    "-o",
                    options,
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=90,
        )
        box.admin(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
        yield box
    finally:
        box.stop()
        shutil.rmtree(root, ignore_errors=True)
