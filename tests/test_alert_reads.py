"""The warehouse reads behind alert payloads: named rows, ordered, empty input is no query."""

from __future__ import annotations

from pathlib import Path

from pactwatch.warehouse.alert_log import (
    StoredAlert,
    StoredEvidence,
    conflict_summary,
    evidence_of,
    find_alert,
    stored_alerts,
)
from pactwatch.warehouse.db import open_writer
from pactwatch.warehouse.deliveries import DeliveryState, delivery_states

from .wh_helpers import Desk, article, day, joined


def test_reads_return_named_rows_in_order(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb", channels=("hook", "mail"))
    desk.feed("wire-a", [(article("a", day(2026, 3, 5)), [joined("ilrs", "KE")])])
    desk.feed("wire-b", [(article("b", day(2026, 3, 2)), [joined("ilrs", "KE")])])
    with open_writer(desk.path) as con:
        [alert] = stored_alerts(con)
        assert isinstance(alert, StoredAlert)
        assert (alert.kind, alert.coalition, alert.actor, alert.actors) == (
            "member_joined",
            "ilrs",
            "KE",
            None,
        )
        assert find_alert(con, alert.id) == alert
        assert find_alert(con, "no-such-alert") is None
        evidence = evidence_of(con, [alert.id])
        assert all(isinstance(e, StoredEvidence) for e in evidence)
        # oldest publication first, whatever order the articles were read in
        assert [e.url for e in evidence] == ["https://news.example/b", "https://news.example/a"]
        states = delivery_states(con, [alert.id])
        assert all(isinstance(d, DeliveryState) for d in states)
        assert [(d.channel, d.status, d.attempts) for d in states] == [
            ("hook", "pending", 0),
            ("mail", "pending", 0),
        ]
        assert stored_alerts(con, pending_only=True) == [alert]
        assert evidence_of(con, []) == [] and delivery_states(con, []) == []
        assert conflict_summary(con, "ilrs", "2026-03-05T00:00:00Z") is None
