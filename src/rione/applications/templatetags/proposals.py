from decimal import Decimal
from typing import Any

from django import template

from rione.applications.budget import line_amount as amount_of

register = template.Library()


@register.filter
def line_amount(initial: dict[str, Any]) -> Decimal | None:
    """The amount of a budget line from its form's initial values."""
    quantity, unit_cost = initial.get("quantity"), initial.get("unit_cost")
    if quantity is None or unit_cost is None:
        return None
    return amount_of(Decimal(quantity), Decimal(unit_cost))
