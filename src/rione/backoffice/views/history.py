"""Audit events in words: who, when (Europe/Rome), what, and the before/after of each field."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.backoffice.forms import set_choices
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import AuditEvent
from rione.programmes.models import CallPhase
from rione.territory.models import City

from ..forms import forms
from .base import city_view, paginate

VERBS: dict[str, Any] = {
    "created": gettext_lazy("creazione"),
    "updated": gettext_lazy("modifica"),
    "deleted": gettext_lazy("eliminazione"),
    "published": gettext_lazy("pubblicazione"),
    "status_changed": gettext_lazy("cambio di stato"),
    "amended": gettext_lazy("proroga o rettifica"),
    "accepted": gettext_lazy("accettazione"),
    "revoked": gettext_lazy("revoca"),
    "granted": gettext_lazy("assegnazione"),
}
KEY_LABELS: dict[str, Any] = {
    "old": gettext_lazy("stato"),
    "new": gettext_lazy("stato"),
    "old_closes_at": gettext_lazy("scadenza precedente"),
    "new_closes_at": gettext_lazy("nuova scadenza"),
    "number": gettext_lazy("numero"),
    "kind": gettext_lazy("tipo"),
    "email": gettext_lazy("e-mail"),
    "role": gettext_lazy("ruolo"),
    "user": gettext_lazy("utente"),
    "expires_at": gettext_lazy("scadenza"),
    "problems": gettext_lazy("problemi"),
}


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _show(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field is not None and field.choices and not isinstance(value, list):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return moment.astimezone(clock.ROME).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    return str(value)


def _label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None:
        return str(field.verbose_name)
    return str(KEY_LABELS.get(key, key))


def changes_of(event: AuditEvent) -> list[dict[str, str]]:
    """The event's data as rows of (field, before, after)."""
    model = _model(event.object_type)
    data: dict[str, Any] = event.data or {}
    rows: list[dict[str, str]] = []
    for key, change in (data.get("changes") or {}).items():
        field = _field(model, key)
        rows.append(
            {
                "field": _label(model, key),
                "old": _show(change.get("old"), field),
                "new": _show(change.get("new"), field),
            }
        )
    for source, side in (("after", "new"), ("before", "old")):
        for key, value in (data.get(source) or {}).items():
            if key in {"id", "call", "city", "programme"}:
                continue
            shown = _show(value, _field(model, key))
            rows.append({"field": _label(model, key), "old": "—", "new": "—", side: shown})
    if "old" in data or "new" in data:
        phases = dict(CallPhase.choices)
        rows.append(
            {
                "field": str(KEY_LABELS["old"]),
                "old": str(phases.get(str(data.get("old")), _show(data.get("old")))),
                "new": str(phases.get(str(data.get("new")), _show(data.get("new")))),
            }
        )
    for key, value in data.items():
        if key in {"changes", "after", "before", "old", "new"}:
            continue
        old_key = key.replace("new_", "old_")
        if key.startswith("old_"):
            continue
        rows.append(
            {
                "field": _label(model, key),
                "old": _show(data.get(old_key)) if old_key != key else "—",
                "new": _show(value, _field(model, key)),
            }
        )
    return rows


def action_label(object_type: str, action: str) -> str:
    model = _model(object_type)
    subject = str(model._meta.verbose_name) if model is not None else object_type
    verb = action.rsplit(".", 1)[-1]
    return f"{subject.capitalize()} · {VERBS.get(verb, verb)}"


def event_rows(events: Iterable[AuditEvent]) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "at": event.at.astimezone(clock.ROME),
            "who": event.actor_label or _("sistema"),
            "action": action_label(event.object_type, event.action),
            "object": event.object_repr,
            "changes": changes_of(event),
        }
        for event in events
    ]


class AuditFilterForm(forms.Form):
    azione = forms.ChoiceField(label=gettext_lazy("azione"), required=False)

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = sorted(
            {action: action_label(kind, action) for kind, action in actions}.items(),
            key=lambda choice: choice[1],
        )
        set_choices(self, "azione", [("", _("Tutte")), *labels])


@city_view("core.view_audit")
def audit_log(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    events = AuditEvent.objects.filter(city_id=city.pk)
    actions = list(events.order_by().values_list("object_type", "action").distinct())
    form = AuditFilterForm(request.GET or None, actions=actions)
    if form.is_valid() and form.cleaned_data["azione"]:
        events = events.filter(action=form.cleaned_data["azione"])
    page = paginate(request, events.order_by("-at", "-pk"))
    return render(
        request,
        "backoffice/audit_log.html",
        {
            "city": city,
            "nav": "audit",
            "title": _("Registro delle attività"),
            "crumbs": [
                (city.name, reverse("backoffice:city", args=[city.slug])),
                (_("Registro delle attività"), ""),
            ],
            "page": page,
            "events": event_rows(page.object_list),
            "filter_form": form,
        },
    )
