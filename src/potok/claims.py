"""Claims that check themselves.

An example states what its page teaches as a claim, evaluated on the numbers it
has just measured, and prints the verdict beside its figure::

    claims.check(
        "на сборке с GIL два потока считают не быстрее одного",
        confirmed=speedup < 1.2,
        evidence=f"ускорение ×{speedup:.2f}",
        reason_if_not="машина была занята или это сборка без GIL",
    )

A claim that does not hold never fails the example (a shared machine is noisy);
the page then says "не подтвердилось" with the evidence and the likely reason,
instead of a figure that silently contradicts its prose. Every verdict printed in
one process is kept in :data:`CHECKED`, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONFIRMED = "подтвердилось"
NOT_CONFIRMED = "не подтвердилось"


@dataclass(frozen=True)
class Claim:
    """One claim and its verdict on this machine."""

    text: str
    confirmed: bool
    evidence: str
    reason: str = ""

    @property
    def verdict(self) -> str:
        return CONFIRMED if self.confirmed else NOT_CONFIRMED

    def render(self) -> str:
        mark = "✔" if self.confirmed else "✘"
        line = f"{mark} Утверждение: {self.text} — {self.verdict} ({self.evidence})"
        if not self.confirmed and self.reason:
            line += f"; вероятная причина: {self.reason}"
        return line


_LINE = re.compile(r"^\s*([✔✘]) Утверждение: (.+)$")
_SPLIT = re.compile(rf" — ({CONFIRMED}|{NOT_CONFIRMED}) \(")
_REASON = "); вероятная причина: "


def parse(line: str) -> Claim | None:
    """The claim a verdict line printed by :meth:`Claim.render` holds, or None
    for any other line (the page of claims and ``python -m potok compare``
    read the examples' output with it)."""
    m = _LINE.match(line)
    if not m:
        return None
    parts = _SPLIT.split(m.group(2), maxsplit=1)
    if len(parts) != 3:
        return None
    text, verdict, rest = parts
    reason = ""
    if _REASON in rest:
        rest, reason = rest.split(_REASON, 1)
    else:
        rest = rest.removesuffix(")")
    return Claim(text, verdict == CONFIRMED, rest, reason)


#: Every claim checked in this process, in order.
CHECKED: list[Claim] = []


def check(
    text: str, confirmed: bool, evidence: str, *, reason_if_not: str = ""
) -> Claim:
    """Record and print the verdict on ``text``; never raises on a failed claim."""
    if not text.strip() or not evidence.strip():
        raise ValueError("a claim needs its text and the evidence it was judged on")
    claim = Claim(text.strip(), bool(confirmed), evidence.strip(), reason_if_not)
    CHECKED.append(claim)
    print(claim.render())
    return claim
