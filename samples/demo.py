"""`make demo`: two pipeline runs over the bundled sample site, then a query.

A local web server (127.0.0.1, a free port) serves samples/site. Day 1 serves
the first feed: pactwatch stores a baseline and sends nothing. Day 2 serves the
next feed, in which a count and two rosters change and a partnership ends: the
console channel prints the alerts. A second outlet, samples/wire (pages read
from files), gives other figures on other dates, one of them disagreeing. Then
`pactwatch sql`, `pactwatch alerts` and `pactwatch history` show what the
warehouse holds, and `pactwatch report` writes demo-data/report.html. Everything
lives in ./demo-data.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
WIRE = HERE / "wire"  # a second outlet, read from files: other figures, other dates
ROOT = HERE.parent
DATA = ROOT / "demo-data"
BIN = Path(sys.executable).parent


class SampleSite(SimpleHTTPRequestHandler):
    """Serves samples/site with {BASE} filled in; /feed.xml is the current day's feed."""

    day = "day1"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        name = f"{self.day}.xml" if path == "/feed.xml" else path.lstrip("/")
        file = (SITE / name).resolve()
        if SITE not in file.parents or not file.is_file():
            self.send_error(404)
            return
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        body = file.read_text(encoding="utf-8").replace("{BASE}", base).encode("utf-8")
        ctype = "application/rss+xml" if file.suffix == ".xml" else "text/html"
        self.send_response(200)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def pactwatch(*args: str) -> int:
    cmd = [str(BIN / "pactwatch"), *args, "--config", str(DATA / "pactwatch.toml")]
    print(f"\n$ pactwatch {' '.join(args)}", flush=True)
    return subprocess.call(cmd)


def main() -> int:
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SampleSite, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    (DATA / "pactwatch.toml").write_text(
        f"""# written by samples/demo.py
[warehouse]
path = "pactwatch.duckdb"

[[sources]]
name = "orbital-ledger"
feed = "http://{host}:{port}/feed.xml"

[[sources]]
name = "meridian-wire"
path = "{WIRE.as_posix()}"

[alerts]
baseline = true

[[channels]]
type = "console"
""",
        encoding="utf-8",
    )
    try:
        print("== day 1: first run of the source is a baseline (stored, no alerts) ==", flush=True)
        SampleSite.day = "day1"
        if pactwatch("run") != 0:
            return 1
        print("\n== day 2: the feed has new stories; changes are alerted ==", flush=True)
        SampleSite.day = "day2"
        if pactwatch("run") != 0:
            return 1
        print("\n== the warehouse ==", flush=True)
        pactwatch(
            "sql",
            "select coalition, value, low, high, approx, published_at, attributed_to "
            "from member_counts order by coalition, published_at",
        )
        pactwatch("sql", "select * from current_state order by coalition")
        pactwatch("alerts")
        pactwatch("history", "ilrs")
        print("\n== the report ==", flush=True)
        if pactwatch("report", "--out", str(DATA / "report.html")) != 0:
            return 1
    finally:
        server.shutdown()
    print(
        f"\nwarehouse: {DATA / 'pactwatch.duckdb'} (try: pactwatch sql --config "
        f'{DATA / "pactwatch.toml"} "select * from memberships")'
    )
    print(f"report: {DATA / 'report.html'} (open it in a browser; it works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
