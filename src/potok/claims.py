"""Claims that check themselves.

An example states what its page teaches as a claim, evaluated on the numbers it
has just measured, and prints the verdict beside its figure::

    claims.check(
        "threads-no-faster",
        "на сборке с GIL два потока считают не быстрее одного",
        confirmed=speedup < 1.2,
        evidence=f"ускорение ×{speedup:.2f}",
        numbers={"speedup": speedup},
        reason_if_not="машина была занята или это сборка без GIL",
    )

The first argument is the claim's id: short, English, stable, unique within the
example (``{claim}`` in a page refers to ``plot_x:threads-no-faster``). A claim
that does not hold never fails the example (a shared machine is noisy); the
page then says "не подтвердилось" with the evidence and the likely reason,
instead of a figure that silently contradicts its prose. That reason,
``reason_if_not``, is required: a claim without one is refused.

The verdict goes two ways: printed, for the reader of the page, and into the
run's record (:mod:`potok.records`), with its numbers and the stamp of the
interpreter that measured them, for everything that reads verdicts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

CONFIRMED = "подтвердилось"
NOT_CONFIRMED = "не подтвердилось"
#: what an id looks like: lowercase words joined by hyphens (a version's dot
#: may stay: "faster-on-3.13t")
ID = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")


@dataclass(frozen=True)
class Claim:
    """One claim and its verdict on this machine."""

    id: str
    text: str
    confirmed: bool
    evidence: str
    reason: str = ""
    numbers: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return CONFIRMED if self.confirmed else NOT_CONFIRMED

    def render(self) -> str:
        mark = "✔" if self.confirmed else "✘"
        line = f"{mark} Утверждение: {self.text} — {self.verdict} ({self.evidence})"
        if not self.confirmed and self.reason:
            line += f"; вероятная причина: {self.reason}"
        return line


def check(
    id: str,
    text: str,
    *,
    confirmed: bool,
    evidence: str,
    reason_if_not: str,
    numbers: dict | None = None,
    stamp=None,
) -> Claim:
    """Record and print the verdict on ``text``; never raises on a failed claim.

    ``reason_if_not``: the likely reason the claim would not hold here (a busy
    machine, a build without the GIL, a Python that behaves otherwise); required,
    so that a page never says "не подтвердилось" without saying why.
    ``numbers``: the measured values the verdict rests on (plain numbers, by
    name); ``stamp``: the :class:`~potok.machine.Stamp` of the interpreter that
    measured them, when that is not the one running the example.
    """
    from potok import machine, records

    if not ID.fullmatch(id):
        raise ValueError(
            f"claim id {id!r}: use lowercase English words joined by hyphens, "
            "e.g. 'threads-no-faster'"
        )
    if not text.strip() or not evidence.strip():
        raise ValueError("a claim needs its text and the evidence it was judged on")
    if not reason_if_not.strip():
        raise ValueError(
            f"claim {id!r}: give reason_if_not, the likely reason it would not "
            "hold (e.g. 'машина была занята во время замера')"
        )
    for name, value in (numbers or {}).items():
        if not isinstance(value, (int, float, bool)) or not isinstance(name, str):
            raise ValueError(f"claim {id!r}: numbers[{name!r}] is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"claim {id!r}: numbers[{name!r}] is {value}")
    claim = Claim(
        id, text.strip(), bool(confirmed), evidence.strip(), reason_if_not.strip(),
        dict(numbers or {}),
    )  # fmt: skip
    records.current().add_claim(claim, stamp or machine.stamp())
    print(claim.render())
    return claim
