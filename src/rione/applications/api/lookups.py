"""Ids of the request turned into objects.

The proposal is a 404 when it is missing or not the caller's; an id in the body that
names nothing is a 422 that names the field.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rione.applicants.models import InformalGroup, Organisation
from rione.applications import services
from rione.applications.api.auth import caller
from rione.applications.api.schemas import BudgetIn, IdeaIn, StartIn, TargetsIn
from rione.applications.models import Proposal
from rione.core.models import User
from rione.core.permissions import access
from rione.programmes.models import Lot
from rione.territory.models import CostCategory, Neighbourhood, Sector, TargetGroup

M = TypeVar("M", bound=Model)


def access_proposal(request: HttpRequest, **lookup: Any) -> Proposal:
    """The proposal if the caller may see it; Http404 whether it is missing or not theirs."""
    return cast(
        Proposal,
        access(
            caller(request),
            Proposal.objects.select_related("call", "group"),
            perm="applications.open_in_personal_area",
            **lookup,
        ),
    )


def by_id(queryset: QuerySet[M], pk: int | None, field: str, message: str) -> M | None:
    """The object with id ``pk`` (none for no id), or a 422 on ``field``."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: message % {"id": pk}})
    return found


def all_by_id(queryset: QuerySet[M], pks: Sequence[int], field: str, message: str) -> list[M]:
    """The objects with ids ``pks``, in their order, or a 422 on ``field`` for the first missing."""
    found = queryset.in_bulk(set(pks))
    for pk in pks:
        if pk not in found:
            raise ValidationError({field: message % {"id": pk}})
    return [found[pk] for pk in pks]


def applicant_choice(user: User, payload: StartIn) -> dict[str, Any]:
    """Who applies, as the keyword arguments of the start and applicant-step services."""
    organisations = Organisation.objects.filter(memberships__user=user)
    groups = InformalGroup.objects.filter(contact=user)
    return {
        "organisation": by_id(
            organisations,
            payload.organisation_id,
            "organisation_id",
            _("Nessun ente con id %(id)s tra quelli per cui agisci."),
        ),
        "group": by_id(
            groups,
            payload.group_id,
            "group_id",
            _("Nessun gruppo informale con id %(id)s di cui tu sia referente."),
        ),
        "is_network": payload.is_network,
        "lot": by_id(Lot.objects.all(), payload.lot_id, "lot_id", _("Lotto inesistente: %(id)s.")),
    }


def idea_input(payload: IdeaIn) -> dict[str, Any]:
    """The ``values`` and ``neighbourhoods`` of ``services.save_idea_step``."""
    values = payload.model_dump(exclude={"revision", "sector_id", "neighbourhood_ids"})
    values["sector"] = by_id(
        Sector.objects.all(), payload.sector_id, "sector_id", _("Settore inesistente: %(id)s.")
    )
    neighbourhoods = all_by_id(
        Neighbourhood.objects.all(),
        payload.neighbourhood_ids,
        "neighbourhood_ids",
        _("Quartiere inesistente: %(id)s."),
    )
    return {"values": values, "neighbourhoods": neighbourhoods}


def target_rows(payload: TargetsIn) -> list[tuple[TargetGroup, int]]:
    groups = all_by_id(
        TargetGroup.objects.all(),
        [row.target_group_id for row in payload.targets],
        "targets",
        _("Gruppo di destinatari inesistente: %(id)s."),
    )
    return [(group, row.participants) for group, row in zip(groups, payload.targets, strict=True)]


def budget_input(payload: BudgetIn) -> dict[str, Any]:
    """The ``lines`` and ``requested_grant`` of ``services.save_budget_step``."""
    categories = all_by_id(
        CostCategory.objects.all(),
        [line.cost_category_id for line in payload.lines],
        "lines",
        _("Categoria di costo inesistente: %(id)s."),
    )
    lines = [
        services.LineInput(
            cost_category=category,
            description=line.description,
            quantity=Decimal(line.quantity),
            unit_cost=Decimal(line.unit_cost),
        )
        for category, line in zip(categories, payload.lines, strict=True)
    ]
    grant = payload.requested_grant
    return {"lines": lines, "requested_grant": None if grant is None else Decimal(grant)}
