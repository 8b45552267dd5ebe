"""How one case is measured: warm timings (median, p95, spread), SQL queries of one run, peak memory.

Timing and memory are taken in separate runs: tracemalloc slows allocation-heavy code down, so it would
distort the timings. Memory is the peak of the Python heap during the run (tracemalloc) and the peak resident
memory of the whole process during the run (Linux: VmHWM, reset through /proc/self/clear_refs before the run).
"""

import re
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile of the samples (share 0.95 → p95)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Timing:
    """Milliseconds of the repeated runs, SQL queries of one run, and peak Python memory of one run (MiB)."""

    samples_ms: tuple[float, ...]
    queries: int
    peak_mib: float
    peak_rss_mib: float | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(list(self.samples_ms), 0.95)

    @property
    def spread_ms(self) -> float:
        """max − min of the samples: how noisy the figure is."""
        return max(self.samples_ms) - min(self.samples_ms)

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_ms": round(self.median_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
            "spread_ms": round(self.spread_ms, 1),
            "runs": len(self.samples_ms),
            "queries": self.queries,
            "peak_mib": round(self.peak_mib, 1),
            "peak_rss_mib": None if self.peak_rss_mib is None else round(self.peak_rss_mib, 1),
        }


def _nothing(*_args: Any) -> None:
    return None


def measure(
    run: Callable[[Any], Any],
    *,
    repeat: int,
    setup: Callable[[], Any] = _nothing,
    teardown: Callable[[Any], None] = _nothing,
    long: bool = False,
) -> tuple[Timing, Any]:
    """Run once to warm up, `repeat` times timed, once counting queries, once tracing memory.

    `setup` (untimed) runs before every call and its result is passed to `run` — for operations that
    change data, such as an approval, so that each timed call acts on a fresh object; `teardown` (untimed)
    gets the same state after every call, to undo what the call wrote. A `long` operation (seconds, such as
    an import of 100 000 rows) is not warmed up, and counts its queries in the run that traces memory.
    Returns the timing and the result of the last timed call.
    """

    def once(run_state: Callable[[Any], Any]) -> Any:
        state = setup()
        try:
            return run_state(state)
        finally:
            teardown(state)

    if not long:
        once(run)
    samples: list[float] = []
    result = None

    def timed(state: Any) -> Any:
        started = time.perf_counter()
        outcome = run(state)
        samples.append((time.perf_counter() - started) * 1000)
        return outcome

    for _ in range(max(1, repeat)):
        result = once(timed)
    captured: list[int] = []

    def counted(state: Any) -> Any:
        with CaptureQueriesContext(connection) as queries:
            outcome = _traced(run, state) if long else run(state)
        captured.append(len(queries.captured_queries))  # now: the next request empties the log
        return outcome

    traced = once(counted)
    heap, resident = traced if long else once(partial(_traced, run))
    rss = None if resident is None else resident / 2**10
    return Timing(tuple(samples), captured[0], heap / 2**20, rss), result


def _traced(run: Callable[[Any], Any], state: Any) -> tuple[int, int | None]:
    """Peak bytes of Python memory allocated while `run(state)` ran, and the process's peak resident KiB then."""
    resident = _reset_resident_peak()
    tracemalloc.start()
    try:
        run(state)
        return tracemalloc.get_traced_memory()[1], _resident_peak_kib() if resident else None
    finally:
        tracemalloc.stop()


VM_HWM = re.compile(r"^VmHWM:\s+(\d+) kB", re.MULTILINE)


def _reset_resident_peak() -> bool:
    """Start the process's peak resident memory afresh (Linux); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return _resident_peak_kib() is not None


def _resident_peak_kib() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            found = VM_HWM.search(status.read())
    except OSError:
        return None
    return int(found.group(1)) if found else None


def time_only(run: Callable[[], Any], *, repeat: int) -> tuple[list[float], Any]:
    """Warm once, then `repeat` timed runs; for the references, whose queries and memory are not ours."""
    result = run()
    samples = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result
