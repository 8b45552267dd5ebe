"""How one case is measured: warm timings (median, p95, spread), SQL queries of one run, peak memory.

Timing and memory are taken in separate runs: tracemalloc slows allocation-heavy code down, so it would
distort the timings.
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
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
        }


def _nothing() -> None:
    return None


def measure(run: Callable[[Any], Any], *, repeat: int, setup: Callable[[], Any] = _nothing) -> tuple[Timing, Any]:
    """Run once to warm up, `repeat` times timed, once counting queries, once tracing memory.

    `setup` (untimed) runs before every call and its result is passed to `run` — for operations that
    change data, such as an approval, so that each timed call acts on a fresh object. Returns the timing
    and the result of the last timed call.
    """
    run(setup())
    samples, result = [], None
    for _ in range(max(1, repeat)):
        state = setup()
        started = time.perf_counter()
        result = run(state)
        samples.append((time.perf_counter() - started) * 1000)
    state = setup()
    with CaptureQueriesContext(connection) as queries:
        run(state)
    query_count = len(queries.captured_queries)  # now: the next request empties the log
    state = setup()
    tracemalloc.start()
    try:
        run(state)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Timing(tuple(samples), query_count, peak / 2**20), result


def time_only(run: Callable[[], Any], *, repeat: int) -> tuple[list[float], Any]:
    """Warm once, then `repeat` timed runs; for the references, whose queries and memory are not ours."""
    result = run()
    samples = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result
