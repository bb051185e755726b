"""The bundled sample site on a local server, as `make demo` serves it."""

from __future__ import annotations

from http.server import SimpleHTTPRequestHandler

from .conftest import SAMPLE_SITE


class SampleSite(SimpleHTTPRequestHandler):
    """Serves samples/site with {BASE} filled in; /feed.xml is the day's feed (`day`)."""

    day = "day1"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        name = f"{self.day}.xml" if path == "/feed.xml" else path.lstrip("/")
        file = (SAMPLE_SITE / name).resolve()
        if SAMPLE_SITE not in file.parents or not file.is_file():
            self.send_error(404)
            return
        host, port = self.server.server_address[:2]
        body = file.read_text(encoding="utf-8").replace("{BASE}", f"http://{host!s}:{port}")
        data = body.encode("utf-8")
        self.send_response(200)
        ctype = "application/rss+xml" if file.suffix == ".xml" else "text/html"
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass
