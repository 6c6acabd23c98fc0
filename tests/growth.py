"""Growth bounds: what an operation costs on a larger input, against a smaller one.

No test asserts a duration. Each size is timed several times, the two sizes in turn so a
busy machine slows both alike, and the least time of each is compared: noise only ever
adds time. The garbage collector waits while a run is timed, as its pauses depend on
everything else the process holds.
"""

import gc
import math
import time

# Seven, not five: on a shared two-core machine one run of the suite in many hundreds
# saw every one of five timings of a larger size slowed (6.7× for 4× the input, 3.9×
# in every run since); the least of more runs is less often all slowed.
RUNS = 7


def _timed(operation, argument):
    started = time.process_time()
    operation(argument)
    return time.process_time() - started


def growth(operation, make, size, factor=4, runs=RUNS):
    """Least time on make(factor * size) over least time on make(size)."""
    small, large = make(size), make(factor * size)
    operation(small)  # first-call costs: imports, compiled patterns
    least_small = least_large = math.inf
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            least_small = min(least_small, _timed(operation, small))
            least_large = min(least_large, _timed(operation, large))
    finally:
        if enabled:
            gc.enable()
    return least_large / least_small


def assert_linear(operation, make, size, factor=4):
    """factor times the input costs at most about factor times the time (quadratic: factor²)."""
    ratio = growth(operation, make, size, factor)
    assert ratio <= 1.5 * factor, f"{factor}× the input took {ratio:.1f}× the time"
