"""A sentence with its actors, figures, ordinals and missions replaced by placeholders.

"Pakistan and Thailand signed the Artemis Accords" becomes
"@A0 and @A1 signed the @C2", so the claim rules are short regular
expressions over a small vocabulary. Placeholders:

- ``@A<n>`` an actor that can act (country, agency, organisation)
- ``@C<n>`` a coalition; ``@B<n>`` both (ESA is an agency and a coalition)
- ``#Q<n>`` a quantity ("more than 50"), ``#O<n>`` an ordinal ("41st")
- ``%M<n>`` a named mission ("Chang'e-6"), which knows its country
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.numbers import Quantity, find_ordinals, find_quantities

__all__ = ["Masked", "Slot", "mask"]

SlotKind = Literal["actor", "quantity", "ordinal", "mission"]

_TOKEN = re.compile(r"[@#%][ABCQOM]\d+")


@dataclass(frozen=True, slots=True)
class Slot:
    token: str
    start: int  # offsets in the sentence
    end: int
    kind: SlotKind
    actor: str | None = None  # actor id; for a mission, the country that flies it
    quantity: Quantity | None = None
    ordinal: int | None = None


@dataclass(frozen=True, slots=True)
class Masked:
    text: str
    sentence: str
    slots: dict[str, Slot]

    def surface(self, token: str) -> str:
        """The sentence text a placeholder stands for."""
        slot = self.slots.get(token)
        return self.sentence[slot.start : slot.end] if slot else token

    def unmask(self, masked_fragment: str) -> str:
        """A masked fragment with every placeholder put back as sentence text."""
        return _TOKEN.sub(lambda m: self.surface(m.group(0)), masked_fragment)

    def coalitions(self, fragment: str) -> list[Slot]:
        """Coalition slots (``@C``, ``@B``) named in `fragment`, in order."""
        return [s for s in self.tokens(fragment) if s.token[1] in "CB"]

    def tokens(self, fragment: str, prefix: str = "@") -> list[Slot]:
        """Slots named in `fragment` whose token starts with one of `prefix`'s characters."""
        return [
            self.slots[m.group(0)]
            for m in _TOKEN.finditer(fragment)
            if m.group(0)[0] in prefix and m.group(0) in self.slots
        ]


def mask(sentence: str, mentions: list[tuple[int, int, str]], gazetteer: Gazetteer) -> Masked:
    """Mask `sentence`; `mentions` are (start, end, actor_id) in sentence offsets."""
    candidates: list[tuple[int, int, SlotKind, object]] = []
    for start, end, aid in mentions:
        candidates.append((start, end, "actor", aid))
    for mission in gazetteer.find_missions(sentence):
        candidates.append((mission.start, mission.end, "mission", mission.owner))
    for om in find_ordinals(sentence):
        candidates.append((om.start, om.end, "ordinal", om.value))
    for qm in find_quantities(sentence):
        candidates.append((qm.start, qm.end, "quantity", qm.quantity))

    taken: list[tuple[int, int, SlotKind, object]] = []
    used = bytearray(len(sentence) + 1)
    for cand in candidates:  # priority is list order: actors, missions, ordinals, figures
        if not any(used[cand[0] : cand[1]]):
            taken.append(cand)
            used[cand[0] : cand[1]] = b"\x01" * (cand[1] - cand[0])
    taken.sort(key=lambda t: t[0])

    parts: list[str] = []
    slots: dict[str, Slot] = {}
    pos = 0
    for i, (start, end, kind, payload) in enumerate(taken):
        if kind == "actor":
            aid = str(payload)
            coalition = gazetteer.is_coalition(aid)
            letter = ("B" if gazetteer.is_actor(aid) else "C") if coalition else "A"
            token = f"@{letter}{i}"
            slot = Slot(token, start, end, kind, actor=aid)
        elif kind == "mission":
            token = f"%M{i}"
            slot = Slot(token, start, end, kind, actor=str(payload))
        elif kind == "ordinal":
            token = f"#O{i}"
            slot = Slot(token, start, end, kind, ordinal=int(str(payload)))
        else:
            assert isinstance(payload, Quantity)
            token = f"#Q{i}"
            slot = Slot(token, start, end, kind, quantity=payload)
        parts.append(sentence[pos:start])
        parts.append(token)
        slots[token] = slot
        pos = end
    parts.append(sentence[pos:])
    return Masked("".join(parts), sentence, slots)
