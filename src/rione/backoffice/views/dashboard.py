"""The back-office home (every city of the user) and one city's overview."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import Role
from rione.core.permissions import roles_by_city
from rione.programmes.models import STATUS_OF_PHASE, Call, CallPhase, CallStatus, Programme
from rione.territory.models import City

from .base import city_view, paginate, staff_view


def phase_q(phase: str, at: datetime) -> Q:
    """The calls whose ``phase_at(at)`` is ``phase``, as a filter."""
    published = Q(status=CallStatus.PUBLISHED)
    if phase == CallPhase.SCHEDULED:
        return published & Q(opens_at__gt=at)
    if phase == CallPhase.OPEN:
        return published & Q(opens_at__lte=at, closes_at__gt=at)
    if phase == CallPhase.CLOSED:
        return published & Q(closes_at__lte=at)
    return Q(status=STATUS_OF_PHASE[phase])


def city_counts(city_ids: list[int], at: datetime) -> dict[int, dict[str, Any]]:
    """Per city: programmes and calls by phase. Two queries whatever the number of cities."""
    counts: dict[int, dict[str, Any]] = {
        pk: {"programmes": 0, "calls": 0, "phases": []} for pk in city_ids
    }
    for row in (
        Programme.objects.filter(city_id__in=city_ids).values("city_id").annotate(n=Count("pk"))
    ):
        counts[row["city_id"]]["programmes"] = row["n"]
    annotations = {
        f"n_{phase}": Count("pk", filter=phase_q(phase, at)) for phase in CallPhase.values
    }
    for row in Call.objects.filter(city_id__in=city_ids).values("city_id").annotate(**annotations):
        entry = counts[row["city_id"]]
        entry["phases"] = [
            {"phase": phase, "label": CallPhase(phase).label, "count": row[f"n_{phase}"]}
            for phase in CallPhase.values
        ]
        entry["calls"] = sum(p["count"] for p in entry["phases"])
    return counts


@staff_view
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    by_city = roles_by_city(request.user)
    page = paginate(request, City.objects.filter(pk__in=list(by_city)).order_by("name"))
    counts = city_counts([c.pk for c in page], clock.now())
    rows = [
        {
            "city": c,
            "roles": [Role(r).label for r in Role.values if r in by_city.get(c.pk, ())],
            **counts[c.pk],
        }
        for c in page
    ]
    return render(
        request,
        "backoffice/home.html",
        {"page": page, "rows": rows, "title": _("Le mie città"), "crumbs": []},
    )


@city_view()
def city_home(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    roles = roles_by_city(request.user).get(city.pk, frozenset())
    counts = city_counts([city.pk], clock.now())[city.pk]
    return render(
        request,
        "backoffice/city.html",
        {
            "city": city,
            "nav": "city",
            "title": city.name,
            "roles": [Role(r).label for r in Role.values if r in roles],
            "counts": counts,
            "crumbs": [(city.name, "")],
        },
    )
