"""The pass rule of a claims row: criterion texts, and passed is exactly the criterion evaluated on measured."""

import math

import pytest

from implicitreg.claims.rows import (
    above,
    at_least,
    at_most,
    clopper_pearson,
    counted,
    equals,
    holds,
    proportion,
    within,
)


@pytest.mark.parametrize(
    "criterion,measured,expected",
    [(at_most(1e-10), 9.8e-13, True), (at_most(1e-10), 2e-10, False), (equals(1), 1.0, True),
     (equals(1), 0.975, False), (above(0.3), 0.5, True), (above(0.3), 0.3, False), (within(-1.0, 0.1), -0.95, True),
     (within(-1.0, 0.1), -1.2, False), (at_most(0.05), math.nan, False), (equals(1), math.nan, False),
     (at_least(0.9), 0.9, True), (at_least(0.9), 0.8999, False), (at_least(0.9), math.nan, False)],
)  # fmt: skip
def test_criteria_read_as_written(criterion, measured, expected):
    assert holds(criterion.text, measured) is expected


def test_criterion_texts():
    assert at_most(1e-10).text == "measured <= 1e-10"
    assert equals(1).text == "measured == 1"
    assert within(-1.0, 0.1).text == "-1.1 <= measured <= -0.9"
    assert above(0).text == "measured > 0"
    assert at_least(0.9).text == "measured >= 0.9"
    with pytest.raises(ValueError, match="not a criterion"):
        holds("measured is small", 0.0)


def test_proportion_gives_k_of_n_with_the_exact_interval():
    # Clopper-Pearson closed forms: for k = n the lower bound is (alpha/2)^(1/n), for k = 0 the upper 1-(alpha/2)^(1/n)
    assert proportion(109, 109) == f"109 of 109 (95% CI [{0.025 ** (1 / 109):.3g}, 1])"
    assert proportion(0, 5) == f"0 of 5 (95% CI [0, {1 - 0.025 ** (1 / 5):.3g}])"
    assert proportion(0, 0) == "0 of 0 (nothing counted)"
    value, text = counted([True, False, True, True])
    assert value == 0.75 and text.startswith("3 of 4 (95% CI [")


def test_clopper_pearson_bounds_in_closed_form():
    lo, hi = clopper_pearson(100, 100)
    assert lo == pytest.approx(0.025 ** (1 / 100), rel=1e-12) and hi == 1.0
    lo, hi = clopper_pearson(0, 7)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 7), rel=1e-12)
    assert all(math.isnan(b) for b in clopper_pearson(0, 0))
