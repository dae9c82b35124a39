"""Render a Django form field in Bootstrap Italia markup, accessibly (one include everywhere)."""

from typing import Any

from django import forms, template

register = template.Library()


def field_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.inclusion_tag("backoffice/_field.html")
def bo_field(field: forms.BoundField) -> dict[str, Any]:
    """One field: label (required marked), widget, help text and errors tied by aria-describedby."""
    kind = field_kind(field)
    base_id = field.auto_id or field.html_name
    help_id = f"{base_id}-help" if field.help_text else ""
    error_id = f"{base_id}-error" if field.errors else ""
    described = " ".join(x for x in (error_id, help_id) if x)
    attrs: dict[str, Any] = {}
    if kind in {"input", "select"}:
        attrs["class"] = "form-select" if kind == "select" else "form-control"
    else:
        attrs["class"] = "form-check-input"
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
    if described and kind != "checkboxes":
        attrs["aria-describedby"] = described
    if kind == "checkboxes":
        field.field.widget.attrs["class"] = "form-check-input"
    widget = field.as_widget(attrs=attrs) if kind != "checkboxes" else ""
    return {
        "field": field,
        "kind": kind,
        "widget": widget,
        "help_id": help_id,
        "error_id": error_id,
        "described": described,
    }


@register.simple_tag(takes_context=True)
def page_query(context: Any, page: Any, number: int) -> str:
    """The current query string pointing at page ``number`` of ``page``'s list."""
    query = context["request"].GET.copy()
    query[getattr(page, "param", "pagina")] = str(number)
    return query.urlencode()
