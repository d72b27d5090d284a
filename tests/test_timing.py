import pytest

from aelib import best_time


def test_best_time_warms_up_then_keeps_the_fastest_call():
    calls = []
    result, seconds = best_time(lambda: calls.append(1) or len(calls), repeats=3)
    assert result == 4 and len(calls) == 4  # one warm-up call, three timed ones
    assert 0 <= seconds < 1


def test_best_time_needs_a_timed_call():
    with pytest.raises(ValueError, match="repeats must be at least 1"):
        best_time(lambda: None, repeats=0)
