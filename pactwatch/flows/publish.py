"""What a run leaves in Prefect besides its logs: its alerts as a table artifact and,
when `[report] path` is set, the refreshed HTML report as a link artifact.

The rows come from the warehouse (`alerts.run_id`), so the artifact shows what was
stored, with each channel's delivery state after this run's delivery. A report
that cannot be written is a warning in the run summary, never a failed run: the
alerts are already stored and sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prefect import task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from pactwatch.alerts.channels.render import headline
from pactwatch.alerts.payload import list_alerts
from pactwatch.clock import now_utc
from pactwatch.errors import PactwatchError
from pactwatch.report.render import write_report
from pactwatch.warehouse.db import open_reader

from .config import Config

__all__ = ["ALERTS_KEY", "REPORT_KEY", "Published", "alert_table", "publish_task"]

ALERTS_KEY = "pactwatch-alerts"
REPORT_KEY = "pactwatch-report"


@dataclass(frozen=True)
class Published:
    alerts: int
    report: str | None = None
    report_error: str | None = None


def alert_table(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per alert: what changed, the evidence, and where it was delivered."""
    rows = []
    for a in alerts:
        evidence = a.get("evidence") or []
        first = evidence[0] if evidence else {}
        rows.append(
            {
                "alert": headline(a),
                "kind": a.get("kind"),
                "coalition": a.get("coalition") or " + ".join(a.get("actors") or []),
                "sources": len(evidence),
                "evidence": first.get("url"),
                "sentence": first.get("sentence"),
                "delivery": " ".join(
                    f"{d['channel']}={d['status']}" for d in a.get("deliveries") or []
                ),
                "id": a.get("id"),
            }
        )
    return rows


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(cfg: Config, run_id: str) -> Published:
    with open_reader(cfg.warehouse_path) as con:
        alerts = list_alerts(con, run_id=run_id)
    create_table_artifact(
        table=alert_table(alerts),
        key=ALERTS_KEY,
        description=f"pactwatch run {run_id}: {len(alerts)} new alert(s)",
    )
    if cfg.report_path is None:
        return Published(alerts=len(alerts))
    try:
        path, _ = write_report(cfg.warehouse_path, cfg.report_path, now=now_utc())
    except (PactwatchError, OSError) as exc:
        return Published(alerts=len(alerts), report_error=f"{cfg.report_path}: {exc}")
    create_link_artifact(
        link=path.resolve().as_uri(),
        link_text=f"pactwatch report ({path.name})",
        key=REPORT_KEY,
        description=f"refreshed after run {run_id}",
    )
    return Published(alerts=len(alerts), report=str(path.resolve()))
