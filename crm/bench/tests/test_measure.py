"""How a case is measured: how many times it runs, and that every run's state is set up and torn down."""

import pytest
from django.db import connection

from crm.bench.measure import measure, percentile


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.made = 0

    def setup(self) -> int:
        self.made += 1
        self.events.append(f"setup {self.made}")
        return self.made

    def run(self, state: int) -> int:
        self.events.append(f"run {state}")
        return state * 10

    def teardown(self, state: int) -> None:
        self.events.append(f"teardown {state}")


@pytest.mark.django_db
def test_a_short_case_is_warmed_timed_counted_and_traced_each_on_its_own_state():
    recorder = Recorder()

    timing, result = measure(recorder.run, repeat=3, setup=recorder.setup, teardown=recorder.teardown)

    # warm-up, 3 timed runs, the query count, the memory trace: 6 runs, each between its setup and teardown
    assert recorder.events == [f"{step} {n}" for n in range(1, 7) for step in ("setup", "run", "teardown")]
    assert len(timing.samples_ms) == 3
    assert result == 40  # the last timed run's (state 4)
    assert timing.queries == 0


@pytest.mark.django_db
def test_a_long_case_has_no_warm_up_and_counts_queries_in_the_traced_run():
    recorder = Recorder()

    timing, result = measure(recorder.run, repeat=2, setup=recorder.setup, teardown=recorder.teardown, long=True)

    assert recorder.events == [f"{step} {n}" for n in range(1, 4) for step in ("setup", "run", "teardown")]
    assert len(timing.samples_ms) == 2
    assert result == 20


@pytest.mark.django_db
def test_a_failing_run_is_still_torn_down():
    recorder = Recorder()

    def fail(state: int) -> None:
        recorder.events.append(f"fail {state}")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        measure(fail, repeat=2, setup=recorder.setup, teardown=recorder.teardown)
    assert recorder.events == ["setup 1", "fail 1", "teardown 1"]


def test_p95_is_the_nearest_rank():
    samples = [float(n) for n in range(1, 21)]  # 1 … 20
    assert percentile(samples, 0.95) == 19.0  # rank round(0.95 × 19) = 18 → the 19th value
    assert percentile(samples, 0.5) == 11.0  # rank round(9.5) = 10 (banker's rounding) → 11th
    assert percentile([5.0], 0.95) == 5.0


@pytest.mark.django_db
@pytest.mark.parametrize("long", [False, True])
def test_only_the_runs_own_queries_are_counted_not_its_setup_or_teardown(long):
    def query(count: int) -> None:
        with connection.cursor() as cursor:
            for _ in range(count):
                cursor.execute("SELECT 1")

    timing, _result = measure(
        lambda _state: query(2), repeat=1, setup=lambda: query(3), teardown=lambda _state: query(5), long=long
    )

    assert timing.queries == 2


@pytest.mark.django_db
def test_the_process_peak_resident_memory_of_the_run_is_measured():
    def allocate(_state: None) -> int:
        block = b"x" * (80 * 2**20)  # written, so resident
        return len(block)

    timing, _result = measure(allocate, repeat=1)

    assert timing.peak_rss_mib is not None and timing.peak_rss_mib >= 80
    assert 80 <= timing.peak_mib < 81  # the Python heap: the block itself
