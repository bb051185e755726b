"""Deliver pending alerts: each channel exactly once, retried with backoff, never lost.

The database is held only to read what is due and to write results; sending
happens with no connection open, so a slow SMTP server never blocks a run or
`pactwatch sql`. A delivery is marked delivered only after its send succeeded;
if the process dies in between, the next call sends it again (receivers can
deduplicate on the Idempotency-Key / alert id): at least once, never lost. A
lease left by a process that died is taken over by the next call on the same
host at once; one from another host expires after `lease`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pactwatch.alerts.channels.base import Channel
from pactwatch.alerts.payload import alert_payload
from pactwatch.errors import DeliveryError, is_transient
from pactwatch.warehouse.db import DEFAULT_WRITE_LOCK_TIMEOUT, open_writer, transaction
from pactwatch.warehouse.deliveries import (
    fail_delivery,
    failed_count,
    lease_due,
    lease_owners,
    mark_delivered,
    pending_count,
    reschedule_delivery,
    revive_failed,
)
from pactwatch.warehouse.owners import process_token, token_is_dead

__all__ = [
    "DeliveryReport",
    "backoff",
    "deliver_pending",
    "retry_failed",
]

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
DEFAULT_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class DeliveryReport:
    """Counts of this call's outcomes; `errors` are one-line, secret-free messages.

    `still_pending` counts every pending delivery left in the outbox, due or not.
    """

    delivered: int = 0
    failed: int = 0
    still_pending: int = 0
    errors: list[str] = field(default_factory=list)
    failed_before: int = 0  # deliveries that had given up before this call, still failed

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.errors

    def line(self) -> str:
        """`N delivered, N pending, N failed`, and the failures left from earlier calls."""
        text = f"{self.delivered} delivered, {self.still_pending} pending, {self.failed} failed"
        if self.failed_before:
            text += (
                f" (and {self.failed_before} that failed earlier;"
                " `pactwatch deliver --retry-failed` sends them again)"
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "still_pending": self.still_pending,
            "errors": list(self.errors),
            "failed_before": self.failed_before,
        }


def backoff(
    attempts: int, *, rng: random.Random | None = None, base: timedelta = BASE_DELAY
) -> timedelta:
    """Delay before the next try after `attempts` failures: `base` doubled per failure and
    capped, with jitter (half to all of the step) so many pending rows do not retry in lockstep."""
    ceiling = min(base * (1 << min(max(attempts - 1, 0), 20)), MAX_DELAY)
    fraction = 0.5 + 0.5 * (rng.random() if rng is not None else random.random())
    return ceiling * fraction


@dataclass(frozen=True, slots=True)
class _Due:
    alert_id: str
    channel: str
    attempts: int
    payload: dict[str, Any]


def deliver_pending(
    path: str | Path,
    channels: Sequence[Channel],
    *,
    now: datetime,
    max_attempts: int = 8,
    lock_timeout: float = DEFAULT_WRITE_LOCK_TIMEOUT,
    rng: random.Random | None = None,
    lease: timedelta = DEFAULT_LEASE,
    retry_delay: timedelta = BASE_DELAY,
    due_only: bool = True,
) -> DeliveryReport:
    """Send every due pending delivery whose channel is configured.

    Deliveries for channels not in `channels` stay pending (and are counted).
    A transient failure reschedules with backoff (from `retry_delay`, doubling)
    until `max_attempts`, then the row is marked failed; a terminal failure marks
    it failed at once. Rows are never deleted. With `due_only=False` pending rows
    are sent whether or not their backoff has run out (`pactwatch deliver`: "now").
    Rows being sent are leased for `lease`, so a concurrent call skips them; if
    this process dies mid-send, they are due again when the lease ends.
    """
    by_name = {c.name: c for c in channels}
    if not by_name:
        with open_writer(path, lock_timeout=lock_timeout) as con:
            return DeliveryReport(still_pending=pending_count(con), failed_before=failed_count(con))
    with open_writer(path, lock_timeout=lock_timeout) as con:
        # Lease what we are about to send: a concurrent deliverer skips leased rows.
        leased = lease_due(
            con,
            sorted(by_name),
            now=now,
            lease_until=now + lease,
            due_only=due_only,
            owner=process_token(),
            dead_owners=[o for o in lease_owners(con, now=now) if token_is_dead(o)],
        )
        payloads: dict[str, dict[str, Any]] = {}
        due: list[_Due] = []
        for row in leased:
            if row.alert_id not in payloads:
                try:
                    payloads[row.alert_id] = alert_payload(con, row.alert_id)
                except KeyError:  # a delivery whose alert is gone: nothing to send
                    fail_delivery(con, row.alert_id, row.channel, error="alert not found")
                    continue
            due.append(_Due(row.alert_id, row.channel, row.attempts, payloads[row.alert_id]))

    results: list[tuple[_Due, str | None, bool]] = []  # (row, error, transient)
    for item in due:
        try:
            by_name[item.channel].send(item.payload)
        except DeliveryError as exc:
            results.append((item, str(exc), is_transient(exc)))
        except Exception as exc:  # a channel bug must not lose the other deliveries
            results.append((item, f"{item.channel}: {type(exc).__name__}", True))
        else:
            results.append((item, None, False))

    delivered = failed = 0
    errors: list[str] = []
    with open_writer(path, lock_timeout=lock_timeout) as con:
        with transaction(con):
            for item, error, transient in results:
                attempts = item.attempts + 1
                if error is None:
                    delivered += 1
                    mark_delivered(con, item.alert_id, item.channel, attempts=attempts, at=now)
                    continue
                errors.append(f"alert {item.alert_id} via {item.channel}: {error}")
                if not transient or attempts >= max_attempts:
                    failed += 1
                    fail_delivery(con, item.alert_id, item.channel, error=error, attempts=attempts)
                else:
                    reschedule_delivery(
                        con,
                        item.alert_id,
                        item.channel,
                        attempts=attempts,
                        error=error,
                        next_attempt_at=now + backoff(attempts, rng=rng, base=retry_delay),
                    )
        remaining = pending_count(con)
        failed_now = failed_count(con)
    return DeliveryReport(
        delivered=delivered,
        failed=failed,
        still_pending=remaining,
        errors=errors,
        failed_before=failed_now - failed,
    )


def retry_failed(
    path: str | Path,
    *,
    now: datetime,
    channel: str | None = None,
    lock_timeout: float = DEFAULT_WRITE_LOCK_TIMEOUT,
) -> int:
    """Put failed deliveries back to pending (attempts reset), e.g. after fixing a channel."""
    with open_writer(path, lock_timeout=lock_timeout) as con:
        return revive_failed(con, now=now, channel=channel)
