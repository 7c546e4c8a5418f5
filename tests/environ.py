"""The process environment as it was, after code that writes to it behind one's back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def environment_restored() -> Iterator[None]:
    """``os.environ`` put back as it was when the block began. A Dask LocalCluster's nannies set their
    workers' environment in the process that starts them (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS, ...),
    and every later subprocess would inherit it: speech to text ran 1.7x slower after a Dask benchmark
    for MALLOC_TRIM_THRESHOLD_ alone."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
