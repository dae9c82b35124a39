"""Reading a receipt's canonical content (``Receipt.content``) in pages, files and figures.

Readers parse the text once and take parts out of it. A part that is missing, null or of
another type reads as empty, so content written by an older version of rione never breaks
a page or a file.
"""

import json
from decimal import Decimal
from typing import Any


def document(content: Any, *, exact_amounts: bool = False) -> dict[str, Any]:
    """The parsed content; {} when it is not a JSON object. ``exact_amounts``: numbers with a
    fraction as Decimal, not float."""
    if not isinstance(content, str):
        return {}
    parsed = json.loads(content, parse_float=Decimal) if exact_amounts else json.loads(content)
    return parsed if isinstance(parsed, dict) else {}


def part(doc: dict[str, Any], key: str) -> dict[str, Any]:
    """The object under ``key`` ({} when missing or not an object)."""
    value = doc.get(key)
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """A list, or the JSON text of one; [] for anything else."""
    if value in (None, "", "null"):
        return []
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, list) else []
