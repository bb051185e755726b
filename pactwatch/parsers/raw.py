"""A claim as a tree rule reads it, before the sentence, span and speaker are added."""

from __future__ import annotations

from dataclasses import dataclass

from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.numbers import Quantity

__all__ = ["RawClaim"]


@dataclass(frozen=True, slots=True)
class RawClaim:
    """A claim found in one parsed sentence (`pactwatch.parsers.relations`)."""

    kind: ClaimKind
    pos: int  # where the claim's verb or figure is in the masked text
    modality: Modality
    coalition: str | None = None
    actor: str | None = None
    actors: tuple[str, ...] | None = None
    quantity: Quantity | None = None
    ordinal: int | None = None
    topic: str | None = None
    speaker: str | None = None  # who the tree says states it ("X said", "according to X")
