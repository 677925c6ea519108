"""Medians of repeated runs, each subject paired with its floor measured in the same round.

A shared machine is noisy: another job can slow everything down for a few seconds. Timing the
subject and its floor back to back in every round, alternating which goes first, and taking the
median of the per-round ratios keeps the ratio honest even when absolute times drift.

Very short functions (well under a millisecond) are run several times per measurement so the
clock's resolution and call overhead do not dominate; the figure reported is per call.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIN_MEASURE_S = 0.002  # a single measurement shorter than this is repeated in a loop


@dataclass(frozen=True)
class Sample:
    """Median seconds per call over `rounds` measurements."""

    median_s: float
    samples_s: list[float] = field(repr=False)

    @property
    def rounds(self) -> int:
        return len(self.samples_s)

    def as_json(self) -> dict:
        return {"median_s": self.median_s, "min_s": min(self.samples_s), "max_s": max(self.samples_s),
                "rounds": self.rounds}


@dataclass(frozen=True)
class Paired:
    """A subject and its floor, timed in the same rounds; ratio = median of per-round ratios."""

    subject: Sample
    floor: Sample
    ratio: float

    def as_json(self) -> dict:
        return {"subject": self.subject.as_json(), "floor": self.floor.as_json(), "ratio": self.ratio}


def time_once(fn: Callable[[], object], inner: int = 1) -> float:
    """Seconds per call of `fn`, calling it `inner` times in a row."""
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def calibrate(fn: Callable[[], object], *, max_inner: int = 10_000) -> int:
    """How many calls make one measurement last at least MIN_MEASURE_S (1 for anything slower)."""
    once = time_once(fn)
    if once >= MIN_MEASURE_S:
        return 1
    return max(1, min(max_inner, int(MIN_MEASURE_S / max(once, 1e-7)) + 1))


def median_of(fn: Callable[[], object], repeats: int, *, warmup: int = 1, inner: int | None = None) -> Sample:
    """Median seconds per call of `fn` over `repeats` measurements, after `warmup` unmeasured calls."""
    for _ in range(warmup):
        fn()
    inner = inner or calibrate(fn)
    samples = [time_once(fn, inner) for _ in range(repeats)]
    return Sample(statistics.median(samples), samples)


def paired(
    subject: Callable[[], object],
    floor: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    before_round: Callable[[], object] | None = None,
    loop_short: bool = True,
) -> Paired:
    """Time `subject` and `floor` back to back in each of `repeats` rounds (order alternating).

    `before_round`, if given, runs (untimed) before each round, e.g. to prepare fresh inputs.
    `loop_short=False` calls each exactly once per round (for anything that cannot run twice on
    the same input); otherwise a very short function is looped (see `calibrate`).
    """
    for _ in range(warmup):
        if before_round:
            before_round()
        floor()
        subject()
    subject_inner = calibrate(subject) if loop_short else 1
    floor_inner = calibrate(floor) if loop_short else 1
    subject_samples, floor_samples, ratios = [], [], []
    for i in range(repeats):
        if before_round:
            before_round()
        if i % 2:
            s = time_once(subject, subject_inner)
            f = time_once(floor, floor_inner)
        else:
            f = time_once(floor, floor_inner)
            s = time_once(subject, subject_inner)
        subject_samples.append(s)
        floor_samples.append(f)
        ratios.append(s / f if f > 0 else float("inf"))
    return Paired(
        Sample(statistics.median(subject_samples), subject_samples),
        Sample(statistics.median(floor_samples), floor_samples),
        statistics.median(ratios),
    )
