from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rione.core.money import format_eur, percent_of, round_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),
        ("2.674999", "2.67"),
        ("-0.005", "-0.01"),
        ("1.5", "1.50"),
        (7, "7.00"),
        (Decimal("1234.565"), "1234.57"),
    ],
)
def test_round_money_rounds_half_up_to_the_cent(value, expected):
    assert round_money(value) == Decimal(expected)
    assert round_money(value).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),
        ("15000", "150000", "10.00"),
        ("0.01", "200", "0.01"),  # 0.005 % rounds up, half away from zero
        ("5", "0", "0.00"),
    ],
)
def test_percent_of(part, whole, expected):
    assert percent_of(Decimal(part), Decimal(whole)) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12345.5"), "12.345,50 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("999.995"), "1.000,00 €"),
        (Decimal("1234567.891"), "1.234.567,89 €"),
        (Decimal("-1500"), "-1.500,00 €"),
        (None, ""),
    ],
)
def test_format_eur_uses_italian_separators(value, expected):
    assert format_eur(value) == expected


amounts = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    allow_nan=False,
    allow_infinity=False,
    places=6,
)


@given(amounts)
def test_round_money_is_idempotent_and_within_half_a_cent(value):
    rounded = round_money(value)

    assert round_money(rounded) == rounded
    assert abs(rounded - value) <= Decimal("0.005")
    assert rounded.as_tuple().exponent == -2
