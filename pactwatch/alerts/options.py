"""Alerting options (the `[alerts]` configuration section)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AlertOptions:
    """How detection decides what is worth an alert.

    - `baseline`: the first run of a source records state and sends nothing.
    - `min_sources`: a change needs this many distinct sources reporting it.
    - `ignore_attributed`: claims attributed to a speaker neither move state nor alert.
    - `coalitions`: only alert about these coalitions (partnerships: when either
      actor is one of them); None means all.
    """

    baseline: bool = True
    min_sources: int = 1
    ignore_attributed: bool = False
    coalitions: tuple[str, ...] | None = None
