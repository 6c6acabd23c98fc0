"""The growth bound itself: it passes linear work through a slowdown and fails quadratic work."""

from tests.growth import growth


def _work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def test_linear_work_grows_about_linearly():
    """Four times the items in a plain loop read as about four times the time."""
    assert 3 < growth(_work, lambda n: n, 20_000) < 6


def test_quadratic_work_reads_as_quadratic():
    """A loop over every pair reads far past the linear bound of 6×."""
    assert growth(lambda n: _work(n * n), lambda n: n, 150) > 10


def test_a_slowdown_from_some_moment_on_does_not_read_as_growth():
    """Work twice as costly from just after the small input's first timing on (a
    neighbour waking mid-measurement) reads as linear: pairs timed together slow together."""
    calls = []

    def slowed(n):
        calls.append(n)
        _work(n * (2 if len(calls) > 2 else 1))

    assert growth(slowed, lambda n: n, 20_000) < 6
