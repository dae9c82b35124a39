"""Amounts are read the way people type them, in Italian and in English."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rione.applications.forms import AmountField, parse_amount


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.250,50", Decimal("1250.50")),
        ("1250,50", Decimal("1250.50")),
        ("1250.50", Decimal("1250.50")),
        ("€ 1 250", Decimal("1250")),
        ("1.000.000", Decimal("1000000")),
        ("0,5", Decimal("0.5")),
        ("1,250.50", Decimal("1250.50")),
    ],
)
def test_italian_readings(typed, expected):
    assert parse_amount(typed) == expected


def test_english_reads_commas_as_thousands():
    with translation.override("en"):
        assert parse_amount("1,250") == Decimal("1250")
        assert parse_amount("1,250,000.5") == Decimal("1250000.5")
    assert parse_amount("1,250") == Decimal("1.250")


@pytest.mark.parametrize("typed", ["diecimila", "1,2,3", "NaN", "Infinity", "--5", "1e5x"])
def test_words_and_garbage_are_refused(typed):
    with pytest.raises(ValidationError):
        AmountField().clean(typed)


def test_negative_and_too_many_decimals_are_refused():
    field = AmountField()
    with pytest.raises(ValidationError):
        field.clean("-5")
    with pytest.raises(ValidationError):
        field.clean("1,005")
    assert AmountField(required=False).clean("") is None


def test_amounts_are_shown_the_italian_way():
    assert AmountField().prepare_value(Decimal("1250.50")) == "1.250,50"
