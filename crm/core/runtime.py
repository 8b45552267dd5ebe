"""The Python runtime of a long-running web process: garbage collection tuned once after start-up.

A request of the dashboard leaves ≈ 9 500 objects in reference cycles (tree nodes and their parents, DRF's bound
fields); with the default thresholds (2 000, 10, 10) a full collection then runs every few requests and walks the
≈ 135 000 objects of the loaded code — 90–230 ms on our 2-core machine, the p95 of the dashboard at scale M. The
start-up objects are frozen out of the collector's sight (`gc.freeze`), and the young generation is collected
less often. Measured in docs/benchmarks.md; docs/decisions/0010-gc-tuning.md.
"""

import gc

GC_THRESHOLDS = (20_000, 50, 100)


def tune_garbage_collector() -> None:
    """Collect what start-up left, freeze the survivors (never collected, never walked again), raise the thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
