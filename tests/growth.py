"""Growth bounds: what an operation costs on a larger input, against a smaller one.

No test asserts a duration. Each size is timed several times, the two sizes in turn so a
busy machine slows both alike, and the ratio is read two ways (below). Only this
thread's CPU time counts, so a server or client thread elsewhere in the process adds
nothing. The garbage collector waits while a run is timed, as its pauses depend on
everything else the process holds.
"""

import gc
import math
import statistics
import time

RUNS = 7


def _timed(operation, argument):
    started = time.thread_time()
    operation(argument)
    return time.thread_time() - started


def growth(operation, make, size, factor=4, runs=RUNS):
    """Time on make(factor * size) over time on make(size).

    Noise only ever adds time, but a shared machine adds it in two shapes, and each
    reading is fooled by one of them only. Short bursts: the least time of each size
    skips them, where the middle of the pairs' ratios may not. A neighbour busy from
    some moment on: it slows every later timing, and if it starts after the small
    input's best run and before the large one's, the least times are apart by the
    slowdown (6.6× for 4× the input, once in many hundred runs, on a linear check),
    while pairs timed back to back are slowed together. So the lower reading is taken:
    genuine superlinear growth raises both.
    """
    small, large = make(size), make(factor * size)
    operation(small)  # first-call costs: imports, compiled patterns
    smalls, larges = [], []
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for turn in range(runs):
            # Alternate which size goes first, so a slowdown within a pair falls on each alike.
            if turn % 2:
                larges.append(_timed(operation, large))
                smalls.append(_timed(operation, small))
            else:
                smalls.append(_timed(operation, small))
                larges.append(_timed(operation, large))
    finally:
        if enabled:
            gc.enable()
    least = min(larges) / max(min(smalls), math.ulp(1.0))
    paired = statistics.median(
        big / max(little, math.ulp(1.0)) for little, big in zip(smalls, larges, strict=True)
    )
    return min(least, paired)


def assert_linear(operation, make, size, factor=4):
    """factor times the input costs at most about factor times the time (quadratic: factor²)."""
    ratio = growth(operation, make, size, factor)
    assert ratio <= 1.5 * factor, f"{factor}× the input took {ratio:.1f}× the time"
