"""Take docs/report.png, the README's picture of the report, with headless Chromium.

Run `make demo` first (it writes demo-data/report.html), then
`.venv/bin/python samples/screenshot.py`. Uses the system Chromium (Debian package
`chromium`) through Playwright; nothing is downloaded.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "demo-data" / "report.html"
OUT = ROOT / "docs" / "report.png"


def main() -> int:
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        print("screenshot: no chromium installed (apt-get install chromium)", file=sys.stderr)
        return 2
    if not REPORT.is_file():
        print(f"screenshot: {REPORT} not found; run `make demo` first", file=sys.stderr)
        return 2
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            page.goto(REPORT.as_uri())
            page.wait_for_function(
                "document.querySelectorAll('[data-drawn=true]').length"
                " === document.querySelectorAll('.chart').length"
            )
            # The ILRS section: two outlets, a bound, disagreeing figures, the roster.
            page.locator("#coalition-ilrs").scroll_into_view_if_needed()
            # Show a hover label: the second outlet's figure that disagrees in November.
            page.evaluate(
                """() => {
                    const el = document.getElementById('chart-ilrs');
                    const i = el.data.findIndex(t => t.name === 'meridian-wire · exact');
                    if (i >= 0) { Plotly.Fx.hover(el, [{curveNumber: i, pointNumber: 0}]); }
                }"""
            )
            page.locator("#coalition-ilrs").screenshot(path=str(OUT))
        finally:
            browser.close()
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
