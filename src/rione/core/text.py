"""Text that can be stored and printed: no NUL characters, no lone surrogates."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_storable(value: str) -> bool:
    return "\x00" not in value and not any(0xD800 <= ord(char) <= 0xDFFF for char in value)


def ensure_storable(values: Mapping[str, Any]) -> None:
    """Raise ValidationError naming each text field with characters no database can store.

    Forms already refuse them; this protects the services from other callers (the API).
    """
    errors = {
        name: [_("Il testo contiene caratteri non validi: cancellali e scrivilo di nuovo.")]
        for name, value in values.items()
        if isinstance(value, str) and not is_storable(value)
    }
    if errors:
        raise ValidationError(errors)
