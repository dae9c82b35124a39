from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import number_format

from rione.core.clock import ROME

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    """An amount in euro with the active language's separators."""
    if value is None or value == "":
        return "—"
    return f"{number_format(value, 2, use_l10n=True, force_grouping=True)} €"


@register.filter
def rome(value: Any) -> Any:
    """A datetime on the Europe/Rome clock."""
    if value is None:
        return value
    return timezone.localtime(value, ROME)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **kwargs: Any) -> str:
    """The current query string with some keys replaced (for pagination and filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
