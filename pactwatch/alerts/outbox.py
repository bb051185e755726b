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
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pactwatch.alerts.channels.base import Channel, DigestChannel
from pactwatch.alerts.payload import DEFAULT_CONFLICT_WINDOW, alert_payload
from pactwatch.clock import as_utc
from pactwatch.errors import DeliveryError, is_transient
from pactwatch.warehouse.db import DEFAULT_WRITE_LOCK_TIMEOUT, Location, open_writer, transaction
from pactwatch.warehouse.deliveries import (
    DueDelivery,
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
    created_at: datetime


def _digest_mode(channel: Channel) -> str | None:
    return channel.digest if isinstance(channel, DigestChannel) else None


def _created_before(mode: str | None, now: datetime) -> datetime | None:
    """A daily digest takes the alerts queued before today (UTC): days that are over."""
    if mode != "daily":
        return None
    return datetime.combine(as_utc(now).date(), time(0), tzinfo=UTC)


def _lease(
    con: Any,
    by_name: dict[str, Channel],
    *,
    now: datetime,
    until: datetime,
    due_only: bool,
    owner: str,
    dead_owners: Sequence[str],
) -> list[DueDelivery]:
    """Lease what is due: single-alert channels at once, each digest channel with its
    own cut-off (a daily digest takes only days that are over)."""
    common: dict[str, Any] = {
        "now": now,
        "lease_until": until,
        "due_only": due_only,
        "owner": owner,
        "dead_owners": dead_owners,
    }
    singles = sorted(n for n, c in by_name.items() if _digest_mode(c) is None)
    leased = lease_due(con, singles, **common) if singles else []
    for name, channel in sorted(by_name.items()):
        mode = _digest_mode(channel)
        if mode is not None:
            leased += lease_due(con, [name], created_before=_created_before(mode, now), **common)
    return leased


def _batches(due: Sequence[_Due], by_name: dict[str, Channel]) -> list[list[_Due]]:
    """What each send carries: one alert, or a digest: every alert due on a digest
    channel ("run"), or those of one UTC day ("daily")."""
    singles: list[list[_Due]] = []
    digests: dict[tuple[str, date | None], list[_Due]] = {}
    for item in due:
        mode = _digest_mode(by_name[item.channel])
        if mode is None:
            singles.append([item])
            continue
        day = as_utc(item.created_at).date() if mode == "daily" else None
        digests.setdefault((item.channel, day), []).append(item)
    return singles + list(digests.values())


def _send(channel: Channel, batch: Sequence[_Due]) -> tuple[str | None, bool]:
    """(error or None, transient). A digest succeeds or fails as one message."""
    try:
        if isinstance(channel, DigestChannel) and channel.digest is not None:
            channel.send_digest([item.payload for item in batch])
        else:
            channel.send(batch[0].payload)
    except DeliveryError as exc:
        return str(exc), is_transient(exc)
    except Exception as exc:  # a channel bug must not lose the other deliveries
        return f"{channel.name}: {type(exc).__name__}", True
    return None, False


def deliver_pending(
    path: Location,
    channels: Sequence[Channel],
    *,
    now: datetime,
    max_attempts: int = 8,
    lock_timeout: float = DEFAULT_WRITE_LOCK_TIMEOUT,
    rng: random.Random | None = None,
    lease: timedelta = DEFAULT_LEASE,
    retry_delay: timedelta = BASE_DELAY,
    due_only: bool = True,
    conflict_window: float = DEFAULT_CONFLICT_WINDOW,
) -> DeliveryReport:
    """Send every due pending delivery whose channel is configured.

    Deliveries for channels not in `channels` stay pending (and are counted).
    A transient failure reschedules with backoff (from `retry_delay`, doubling)
    until `max_attempts`, then the row is marked failed; a terminal failure marks
    it failed at once. Rows are never deleted. With `due_only=False` pending rows
    are sent whether or not their backoff has run out (`pactwatch deliver`: "now").
    Rows being sent are leased for `lease`, so a concurrent call skips them; if
    this process dies mid-send, they are due again when the lease ends.

    A digest channel (`DigestChannel.digest` "run" or "daily") gets one message for
    the rows of a call (or of a UTC day that is over); its rows are leased, sent,
    and marked delivered or rescheduled together, so each alert is in exactly one
    digest that went out.
    """
    by_name = {c.name: c for c in channels}
    if not by_name:
        with open_writer(path, lock_timeout=lock_timeout) as con:
            return DeliveryReport(still_pending=pending_count(con), failed_before=failed_count(con))
    with open_writer(path, lock_timeout=lock_timeout) as con:
        # Lease what we are about to send: a concurrent deliverer skips leased rows.
        leased = _lease(
            con,
            by_name,
            now=now,
            until=now + lease,
            due_only=due_only,
            owner=process_token(),
            dead_owners=[o for o in lease_owners(con, now=now) if token_is_dead(o)],
        )
        payloads: dict[str, dict[str, Any]] = {}
        due: list[_Due] = []
        for row in leased:
            if row.alert_id not in payloads:
                try:
                    payloads[row.alert_id] = alert_payload(
                        con, row.alert_id, conflict_window=conflict_window
                    )
                except KeyError:  # a delivery whose alert is gone: nothing to send
                    fail_delivery(con, row.alert_id, row.channel, error="alert not found")
                    continue
            due.append(
                _Due(
                    row.alert_id, row.channel, row.attempts, payloads[row.alert_id], row.created_at
                )
            )

    results = [
        (batch, *_send(by_name[batch[0].channel], batch)) for batch in _batches(due, by_name)
    ]

    delivered = failed = 0
    errors: list[str] = []
    with open_writer(path, lock_timeout=lock_timeout) as con:
        with transaction(con):
            for batch, error, transient in results:
                if error is not None:
                    what = (
                        f"alert {batch[0].alert_id}"
                        if len(batch) == 1
                        else (f"digest of {len(batch)} alerts")
                    )
                    errors.append(f"{what} via {batch[0].channel}: {error}")
                # one retry time for the whole batch, so a digest stays one message
                retry_at = (
                    now + backoff(max(i.attempts for i in batch) + 1, rng=rng, base=retry_delay)
                    if error is not None and transient
                    else now
                )
                for item in batch:
                    attempts = item.attempts + 1
                    if error is None:
                        delivered += 1
                        mark_delivered(con, item.alert_id, item.channel, attempts=attempts, at=now)
                    elif not transient or attempts >= max_attempts:
                        failed += 1
                        fail_delivery(
                            con, item.alert_id, item.channel, error=error, attempts=attempts
                        )
                    else:
                        reschedule_delivery(
                            con,
                            item.alert_id,
                            item.channel,
                            attempts=attempts,
                            error=error,
                            next_attempt_at=retry_at,
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
    path: Location,
    *,
    now: datetime,
    channel: str | None = None,
    lock_timeout: float = DEFAULT_WRITE_LOCK_TIMEOUT,
) -> int:
    """Put failed deliveries back to pending (attempts reset), e.g. after fixing a channel."""
    with open_writer(path, lock_timeout=lock_timeout) as con:
        return revive_failed(con, now=now, channel=channel)
