"""Which process holds something: `host:pid` tokens, and whether their process is gone.

Leases on deliveries and `running` rows in `runs` carry the token of the process
that took them, so the next process on the same host can tell a holder that was
killed (SIGKILL, OOM, power loss) from one that is still working.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["process_token", "token_is_dead"]


def process_token() -> str:
    """This process: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def token_is_dead(token: str) -> bool:
    """True only when `token` names a process on this host that no longer runs.

    A token from another host, or of a live process, is not known to be dead.
    """
    host, _, pid_text = token.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child its parent has not reaped still answers kill(pid, 0); /proc knows."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
