"""`pactwatch report`: one self-contained HTML file from the warehouse.

The page is a Jinja2 template shipped with the package (`templates/report.html.j2`,
autoescaped); the charts are Plotly figures drawn by the plotly.js that the
`plotly` package bundles, inlined into the page, so the file opens offline and
makes no network request. Figures travel as one JSON document in a
`<script type="application/json">` block (escaped by Jinja's `tojson`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import plotly
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from pactwatch import __version__
from pactwatch.alerts.channels.render import actor_name, count_text, headline
from pactwatch.clock import iso_utc
from pactwatch.errors import UsageError
from pactwatch.warehouse.db import Location

from .charts import count_chart, partnership_graph, source_colours
from .data import ReportData, load_report_data
from .history import count_label

__all__ = ["render_report", "write_report"]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pactwatch.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["iso"] = lambda d: iso_utc(d) if isinstance(d, datetime) else (d or "")
    env.filters["day"] = lambda d: d.strftime("%Y-%m-%d") if isinstance(d, datetime) else "-"
    env.filters["actor"] = actor_name
    env.filters["count_label"] = count_label
    env.filters["headline"] = headline
    env.filters["count_text"] = count_text
    return env


def _charts(data: ReportData) -> dict[str, dict[str, Any]]:
    colours = source_colours(
        [p.source for c in data.coalitions for p in c.points] + [s.name for s in data.sources]
    )
    charts = {
        f"chart-{c.slug}": count_chart(f"{c.name}: member count", c.points, c.changes, colours)
        for c in data.coalitions
    }
    if data.partnerships:
        charts["chart-partnerships"] = partnership_graph(data.partnerships)
    return charts


def render_report(data: ReportData) -> str:
    """The report page for `data`."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        data=data,
        charts=_charts(data),
        plotly_js=get_plotlyjs(),
        plotly_js_version=get_plotlyjs_version(),
        plotly_version=plotly.__version__,
        version=__version__,
    )


def write_report(
    warehouse: Location,
    out: str | Path,
    *,
    now: datetime,
    since: datetime | None = None,
    coalitions: Sequence[str] = (),
) -> tuple[Path, ReportData]:
    """Read the warehouse, render, and replace `out` atomically (a reader never sees half
    a file). Returns the path written and what it shows."""
    target = Path(out)
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give a file name such as {target}/report.html")
    if not target.parent.exists():
        raise UsageError(f"{target.parent}: no such folder")
    data = load_report_data(warehouse, now=now, since=since, coalitions=coalitions)
    page = render_report(data)
    fd, tmp = tempfile.mkstemp(prefix=".pactwatch-report-", suffix=".html", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is for reading
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, data
