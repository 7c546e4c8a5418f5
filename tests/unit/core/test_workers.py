"""run_each: results in order, at most ``workers`` at once, nothing new after a failure; Threads: lent, not
started again."""

from __future__ import annotations

import threading
import time

import pytest

from confarchive.core.workers import Threads, run_each


def test_results_come_back_in_the_items_order_whatever_finishes_first() -> None:
    def slow_first(n: int) -> int:
        time.sleep(0.02 if n == 0 else 0)
        return n * n

    assert run_each(slow_first, list(range(10)), 4, "t") == [n * n for n in range(10)]


@pytest.mark.parametrize("workers", [1, 3, 8])
def test_never_more_than_workers_at_once(workers: int) -> None:
    lock, running, peak = threading.Lock(), [0], [0]

    def job(_: int) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.005)
        with lock:
            running[0] -= 1

    run_each(job, list(range(30)), workers, "t")
    assert peak[0] == workers


def test_after_a_failure_nothing_new_starts_and_the_first_failure_is_raised() -> None:
    started: list[int] = []
    in_flight_done = threading.Event()

    def job(n: int) -> None:
        started.append(n)
        if n == 0:
            time.sleep(0.05)  # in flight when item 1 fails: it finishes
            in_flight_done.set()
        elif n == 1:
            raise ValueError("item 1")

    with pytest.raises(ValueError, match="item 1"):
        run_each(job, list(range(100)), 2, "t")
    assert in_flight_done.is_set()
    assert sorted(started) == [0, 1]  # worker 2 stopped taking items when 1 failed


def test_empty_and_single_item() -> None:
    assert run_each(lambda n: n, [], 4, "t") == []
    assert run_each(lambda n: n + 1, [41], 4, "t") == [42]


@pytest.mark.parametrize("lent", [False, True])
def test_workers_are_named_after_the_job(lent: bool) -> None:
    names: set[str] = set()
    threads = Threads("lender") if lent else None
    run_each(lambda _: names.add(threading.current_thread().name), list(range(6)), 3, "hls", threads)
    assert names <= {"hls_0", "hls_1", "hls_2"} and names
    if threads is not None:  # a lent thread gets its own name back
        assert threads.submit(lambda: threading.current_thread().name).result().startswith("lender")
        threads.close()


def test_a_run_of_fan_outs_reuses_its_threads() -> None:
    """Twenty talks' fan-outs of 4 workers each, one after the other: 4 threads in all, not 80."""
    threads = Threads("reused")
    idents: set[int] = set()
    lock = threading.Lock()

    def job(_: int) -> None:
        with lock:
            idents.add(threading.get_ident())
        time.sleep(0.001)

    for _ in range(20):
        run_each(job, list(range(8)), 4, "t", threads)
    assert len(idents) == 4
    kept = [t for t in threading.enumerate() if t.name.startswith("reused_")]
    assert {t.ident for t in kept} == idents  # kept, idle, until the run ends
    threads.close()


def test_a_lent_thread_may_fan_out_again() -> None:
    """A talk's media download runs on a lent thread and fans out its segments on the same Threads."""
    threads = Threads("run")
    outer = [threads.submit(run_each, lambda n: n * 2, list(range(10)), 3, "inner", threads) for _ in range(6)]
    assert [f.result(timeout=10) for f in outer] == [[n * 2 for n in range(10)]] * 6
    threads.close()


def test_failures_and_order_hold_on_lent_threads() -> None:
    threads = Threads("run")

    def job(n: int) -> int:
        if n == 5:
            raise ValueError("item 5")
        return n

    with pytest.raises(ValueError, match="item 5"):
        run_each(job, list(range(10)), 3, "t", threads)
    assert run_each(lambda n: -n, list(range(10)), 3, "t", threads) == [-n for n in range(10)]
    threads.close()
