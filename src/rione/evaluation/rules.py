"""Who may do what in the evaluation of a call.

Programme managers (and city administrators) run admissibility, set up commissions and
rankings, and decide appeals. Commission members score the proposals assigned to them,
after declaring that they have no conflict of interest; the chair also records
consensus scores and reassigns. Evaluators of another city or another call see nothing.
"""

from typing import Any

import rules

from rione.applications.models import Proposal
from rione.core.permissions import AnyUser, is_manager
from rione.evaluation.models import Commission, CommissionMember, CommissionRole

SEAT_CACHE = "_rione_commission_seats"


def seats_of(user: AnyUser) -> dict[int, str]:
    """{commission id: role} of ``user``, read once per request."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, str] | None = user.__dict__.get(SEAT_CACHE)
    if cached is None:
        cached = dict(
            CommissionMember.objects.filter(user=user).values_list("commission_id", "role")
        )
        user.__dict__[SEAT_CACHE] = cached
    return cached


def forget_seats(user: AnyUser) -> None:
    user.__dict__.pop(SEAT_CACHE, None)


def _call_id(obj: Any) -> int | None:
    if isinstance(obj, Commission):
        return obj.call_id
    if isinstance(obj, Proposal):
        return obj.call_id
    call_id = getattr(obj, "call_id", None)
    if call_id is None and obj is not None and obj.__class__.__name__ == "Call":
        return int(obj.pk)
    return int(call_id) if call_id is not None else None


@rules.predicate
def sits_on_commission(user: AnyUser, obj: Any = None) -> bool:
    """The user sits on a commission of the call that ``obj`` (call, commission, proposal) belongs to."""
    if isinstance(obj, Commission):
        return obj.pk in seats_of(user)
    call_id = _call_id(obj)
    if call_id is None:
        return False
    seats = seats_of(user)
    return bool(seats) and Commission.objects.filter(pk__in=seats, call_id=call_id).exists()


@rules.predicate
def chairs_commission(user: AnyUser, commission: Any = None) -> bool:
    return isinstance(commission, Commission) and (
        seats_of(user).get(commission.pk) == CommissionRole.CHAIR
    )


@rules.predicate
def keeps_minutes(user: AnyUser, commission: Any = None) -> bool:
    """The user chairs the commission or is its secretary: they record its sessions."""
    return isinstance(commission, Commission) and seats_of(user).get(commission.pk) in {
        CommissionRole.CHAIR,
        CommissionRole.SECRETARY,
    }


rules.add_perm("evaluation.manage_admissibility", is_manager)
rules.add_perm("evaluation.manage_commission", is_manager)
rules.add_perm("evaluation.view_commission", is_manager | sits_on_commission)
rules.add_perm("evaluation.chair_commission", chairs_commission)
rules.add_perm("evaluation.record_session", keeps_minutes)
rules.add_perm("evaluation.manage_ranking", is_manager)
rules.add_perm("evaluation.decide_appeal", is_manager)
