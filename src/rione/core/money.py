"""Money is Decimal with two places; the one rounding rule lives here."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half away from zero (ROUND_HALF_UP), as Italian accounting does."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, rounded to two places; zero when ``whole`` is zero."""
    if whole == 0:
        return ZERO
    return round_money(part * HUNDRED / whole)


def format_eur(value: Decimal | None) -> str:
    """12345.5 -> '12.345,50 €' (Italian grouping, used in PDFs and exports)."""
    if value is None:
        return ""
    text = f"{round_money(value):,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " €"
