"""The red/amber/green rule on hand-built numbers: green when the target is met, amber when the
actual misses it by at most 10 % of the target, red otherwise; None without a target or an actual."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.steering.cpom.selectors import french_number, status


@pytest.mark.parametrize(
    "target, actual, direction, expected",
    [
        (10, 10, "at_least", "green"),
        (10, 12, "at_least", "green"),
        (10, 9, "at_least", "amber"),  # exactly 10 % short
        (10, "8.99", "at_least", "red"),
        (10, 0, "at_least", "red"),
        ("0.95", "0.9512", "at_least", "green"),
        ("0.95", "0.8550", "at_least", "amber"),  # 0.95 - 0.095
        ("0.95", "0.8549", "at_least", "red"),
        (1200, 1200, "at_most", "green"),
        (1200, 1000, "at_most", "green"),
        (1200, 1320, "at_most", "amber"),  # exactly 10 % over
        (1200, 1321, "at_most", "red"),
        (0, 0, "at_most", "green"),
        (0, 1, "at_most", "red"),
        (0, 0, "at_least", "green"),
        (1, 0, "at_least", "red"),  # a yes/no indicator not done
        (None, 5, "at_least", None),  # no target that year
        (5, None, "at_least", None),  # no actual yet
        ("", 5, "at_least", None),
        (5, "n/a", "at_least", None),
    ],
)
def test_status(target, actual, direction, expected):
    assert status(target, actual, direction) == expected


@given(
    st.decimals(min_value=1, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=2 * 10**6, places=2),
)
def test_status_is_monotonic(target, actual):
    """At least: the higher the actual, the better; at most: the lower, the better."""
    order = {"red": 0, "amber": 1, "green": 2}
    better = actual + Decimal("0.01")
    assert order[status(target, better, "at_least")] >= order[status(target, actual, "at_least")]
    assert order[status(target, actual, "at_most")] >= order[status(target, better, "at_most")]
    assert (status(target, actual, "at_least") == "green") == (actual >= target)
    assert (status(target, actual, "at_most") == "green") == (actual <= target)


def test_french_numbers():
    assert french_number(Decimal("0.9512"), rate=True) == "95,1 %"
    assert french_number(Decimal("0.95"), rate=True) == "95 %"
    assert french_number(Decimal("1250.0000")) == "1\u202f250"
    assert french_number(Decimal("3.5")) == "3,5"
    assert french_number(None) == ""
