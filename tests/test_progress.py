"""Progress on stderr: plain lines when stderr is not a terminal, a live bar when it is,
nothing with -q; the first line at once, before the model or Prefect load."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pactwatch.flows.progress import LineReporter, RichReporter, make_reporter

from .clirun import CliProcess, clean_env


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_off_a_terminal() -> None:
    out = io.StringIO()
    show = make_reporter(out)
    assert isinstance(show, LineReporter)
    show.sources(2)
    show.step("fetching 2 source(s)")
    show.source_done("wire", "3 new or changed article(s)")
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"pactwatch: \[ +\d+\.\ds\] fetching 2 source\(s\)", lines[0])
    assert lines[1].endswith("] source wire (1/2): 3 new or changed article(s)")


def test_a_live_bar_on_a_terminal_and_silence_when_quiet() -> None:
    tty = _Tty()
    show = make_reporter(tty)
    assert isinstance(show, RichReporter)
    show.sources(1)
    show.step("fetching 1 source(s)")
    show.source_done("wire", "done")
    show.close()
    assert "source wire: done" in tty.getvalue()
    quiet = io.StringIO()
    make_reporter(quiet, quiet=True).step("fetching")
    assert quiet.getvalue() == ""


@pytest.mark.timing
def test_first_progress_line_within_a_second(tmp_path: Path) -> None:
    """Before the extractor model or Prefect load: the run says it started."""
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(f'[[sources]]\nname = "x"\npath = "{tmp_path}"\n', encoding="utf-8")
    # An unreachable API: the run fails later, which does not matter here.
    env = clean_env({"PREFECT_API_URL": "http://127.0.0.1:9/api"}, home=tmp_path / "ph")
    proc = CliProcess(["run", "--config", str(cfg)], cwd=tmp_path, env=env)
    try:
        at = proc.wait_for("starting", 30)
    finally:
        proc.kill()
    # Measured from before the interpreter starts: Python's own start-up is in it.
    assert at < 1.0, proc.err.text()
    assert proc.out.lines == []


def test_progress_goes_to_a_terminal_as_a_bar(tmp_path: Path) -> None:
    """On a real pseudo-terminal the first thing written is rich's live display."""
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(f'[[sources]]\nname = "x"\npath = "{tmp_path}"\n', encoding="utf-8")
    env = clean_env({"PREFECT_API_URL": "http://127.0.0.1:9/api"}, home=tmp_path / "ph")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pactwatch.flows.cli", "run", "--config", str(cfg)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    try:
        seen = b""
        while b"starting" not in seen:
            chunk = os.read(leader, 4096)
            if not chunk:
                break
            seen += chunk
    finally:
        os.killpg(proc.pid, 9)
        proc.wait()
        os.close(leader)
    assert b"starting" in seen
    assert b"\x1b[" in seen  # terminal control sequences: a live display, not plain lines
    assert b"pactwatch: [" not in seen
