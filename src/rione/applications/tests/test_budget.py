"""Properties of the budget arithmetic, checked against a brute-force computation on Fractions."""

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rione.applications.budget import BudgetSummary, line_amount

CENT = Decimal("0.01")
EXAMPLES = settings(max_examples=150, deadline=None)

quantities = st.decimals(
    places=2,
    min_value=Decimal("0.01"),
    max_value=Decimal("99999999.99"),
    allow_nan=False,
    allow_infinity=False,
)
unit_costs = st.decimals(
    places=2,
    min_value=Decimal("0"),
    max_value=Decimal("999999.99"),
    allow_nan=False,
    allow_infinity=False,
)
small_quantities = st.decimals(
    places=2,
    min_value=Decimal("0.01"),
    max_value=Decimal("500"),
    allow_nan=False,
    allow_infinity=False,
)
lines = st.lists(st.tuples(small_quantities, unit_costs), max_size=12)
grants = st.decimals(
    places=2,
    min_value=Decimal("0"),
    max_value=Decimal("600000000"),
    allow_nan=False,
    allow_infinity=False,
)
percentages = st.decimals(
    places=2,
    min_value=Decimal("0"),
    max_value=Decimal("100"),
    allow_nan=False,
    allow_infinity=False,
)
cents = st.integers(min_value=0, max_value=10**12)


def half_up(value: Fraction) -> Fraction:
    """Brute force: the non-negative ``value`` rounded to the cent, half up."""
    assert value >= 0
    return Fraction(floor(value * 100 + Fraction(1, 2)), 100)


def as_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT)


def summary_with(total_cents: int, own_cents: int) -> BudgetSummary:
    """A budget of one line worth ``total_cents`` whose own contribution is ``own_cents``."""
    total = Decimal(total_cents) / 100
    return BudgetSummary.of([(Decimal("1.00"), total)], total - Decimal(own_cents) / 100)


@EXAMPLES
@given(quantities, unit_costs)
@example(Decimal("0.50"), Decimal("0.01"))  # 0.005 -> 0.01 (half up, not half even)
@example(Decimal("1.50"), Decimal("0.03"))  # 0.045 -> 0.05
@example(Decimal("0.25"), Decimal("0.10"))  # 0.025 -> 0.03
@example(Decimal("99999999.99"), Decimal("999999.99"))
def test_a_line_is_quantity_times_unit_cost_rounded_half_up_to_the_cent(quantity, unit_cost):
    amount = line_amount(quantity, unit_cost)

    assert amount == as_decimal(half_up(Fraction(quantity) * Fraction(unit_cost)))
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "expected"),
    [
        ("0.50", "0.01", "0.01"),
        ("1.50", "0.03", "0.05"),
        ("2.50", "0.01", "0.03"),
        ("0.33", "0.01", "0.00"),
        ("3", "33.33", "99.99"),
    ],
)
def test_line_rounding_examples(quantity, unit_cost, expected):
    assert line_amount(Decimal(quantity), Decimal(unit_cost)) == Decimal(expected)


@EXAMPLES
@given(lines, grants)
def test_total_is_the_sum_of_rounded_lines_and_own_is_total_minus_grant(rows, grant):
    summary = BudgetSummary.of(rows, grant)

    expected_total = sum((half_up(Fraction(q) * Fraction(u)) for q, u in rows), Fraction(0))
    assert summary.total_cost == as_decimal(expected_total)
    assert summary.requested_grant == grant
    assert summary.own_contribution == summary.total_cost - grant
    for value in (summary.total_cost, summary.requested_grant, summary.own_contribution):
        assert value.as_tuple().exponent == -2


def test_rounding_each_line_differs_from_rounding_the_sum():
    # Three lines of 0.005 € each: 0.01 each after rounding, so 0.03 (not 0.015 -> 0.02).
    summary = BudgetSummary.of([(Decimal("0.50"), Decimal("0.01"))] * 3, Decimal("0"))

    assert summary.total_cost == Decimal("0.03")


@EXAMPLES
@given(lines, grants)
def test_cofinancing_percentage_is_own_over_total_rounded_half_up(rows, grant):
    summary = BudgetSummary.of(rows, grant)

    if summary.own_contribution > 0:
        exact = Fraction(summary.own_contribution) * 100 / Fraction(summary.total_cost)
        assert summary.cofinancing_pct == as_decimal(half_up(exact))
    else:
        assert summary.cofinancing_pct == Decimal("0.00")


@EXAMPLES
@given(cents, st.integers(min_value=-(10**6), max_value=10**12), percentages)
@example(10_000_00, 1_000_00, Decimal("10.00"))  # exactly 10 %: reaches
@example(10_000_00, 999_99, Decimal("10.00"))  # one cent short
@example(3, 1, Decimal("33.34"))  # 1/3 = 33.333… %
@example(3, 1, Decimal("33.33"))
def test_cofinancing_reaches_is_exact(total_cents, own_cents, minimum):
    summary = summary_with(total_cents, own_cents)

    if total_cents > 0:
        brute = Fraction(own_cents, total_cents) >= Fraction(minimum) / 100
    else:
        brute = own_cents >= 0  # nothing to co-finance: any non-negative share will do
    assert summary.cofinancing_reaches(minimum) is brute


@EXAMPLES
@given(cents, percentages)
@example(10_000_00, Decimal("10.00"))
@example(1, Decimal("50.00"))  # half a cent -> one cent
@example(3, Decimal("33.33"))  # 0.9999 cents -> one cent
@example(99_99, Decimal("0.01"))
def test_minimum_own_contribution_is_the_smallest_cent_amount_that_reaches(total_cents, minimum):
    summary = summary_with(total_cents, 0)

    minimum_own = summary.minimum_own_contribution(minimum)

    brute = Fraction(ceil(Fraction(total_cents) * Fraction(minimum) / 100), 100)
    assert minimum_own == as_decimal(brute)
    assert minimum_own.as_tuple().exponent == -2
    own_cents = int(minimum_own * 100)
    assert summary_with(total_cents, own_cents).cofinancing_reaches(minimum)
    if own_cents > 0:
        assert not summary_with(total_cents, own_cents - 1).cofinancing_reaches(minimum)


@EXAMPLES
@given(lines, grants)
def test_zero_percent_is_reached_by_any_grant_up_to_the_total(rows, grant):
    summary = BudgetSummary.of(rows, grant)

    assert summary.minimum_own_contribution(Decimal("0")) == Decimal("0.00")
    assert summary.cofinancing_reaches(Decimal("0")) is (grant <= summary.total_cost)


@EXAMPLES
@given(lines, grants)
def test_hundred_percent_is_reached_only_without_grant(rows, grant):
    summary = BudgetSummary.of(rows, grant)

    assert summary.minimum_own_contribution(Decimal("100")) == summary.total_cost
    assert summary.cofinancing_reaches(Decimal("100")) is (grant == 0)


@pytest.mark.parametrize("minimum", [Decimal("0"), Decimal("10.00"), Decimal("100")])
def test_a_budget_without_lines_costs_nothing(minimum):
    summary = BudgetSummary.of([], None)

    assert summary == BudgetSummary(
        total_cost=Decimal("0.00"),
        requested_grant=Decimal("0.00"),
        own_contribution=Decimal("0.00"),
        cofinancing_pct=Decimal("0.00"),
    )
    assert summary.minimum_own_contribution(minimum) == Decimal("0.00")
    assert summary.cofinancing_reaches(minimum)


def test_zero_total_with_a_grant_has_a_negative_own_contribution_and_no_percentage():
    summary = BudgetSummary.of([(Decimal("3"), Decimal("0.00"))], Decimal("100.00"))

    assert summary.total_cost == Decimal("0.00")
    assert summary.own_contribution == Decimal("-100.00")
    assert summary.cofinancing_pct == Decimal("0.00")
    assert not summary.cofinancing_reaches(Decimal("0"))


def test_grant_is_rounded_to_the_cent_half_up():
    summary = BudgetSummary.of([(Decimal("1"), Decimal("100.00"))], Decimal("10.005"))

    assert summary.requested_grant == Decimal("10.01")
    assert summary.own_contribution == Decimal("89.99")
