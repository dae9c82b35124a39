"""Public reads of programmes and calls for the API.

The call text itself is read with ``rione.programmes.selectors``, shared with the
portal. No permission logic: everything here is public.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from rione.programmes.models import (
    Call,
    CallPhase,
    FaqEntry,
    Lot,
    Programme,
)
from rione.programmes.selectors import (
    call_detail_queryset,
    eligibility_prefetches,
    lots_with_sites,
    published_faq,
)
from rione.territory.models import ApplicantType


def list_public_programmes(*, city_slug: str | None = None) -> QuerySet[Programme]:
    """Published programmes of published cities; an unknown ``city_slug`` gives none."""
    programmes = (
        Programme.objects.filter(is_published=True, city__is_published=True)
        .select_related("city")
        .order_by("city__name", "title", "pk")
    )
    if city_slug is not None:
        programmes = programmes.filter(city__slug=city_slug)
    return programmes


def list_public_calls(
    *,
    at: datetime,
    city_slug: str | None = None,
    phase: CallPhase | None = None,
    applicant_type_slug: str | None = None,
    applicant_category: str | None = None,
    programme_id: int | None = None,
) -> QuerySet[Call]:
    """Public calls, newest opening first, filtered; four queries whatever the page size.

    ``phase`` is judged by the clock at ``at``. Unknown slugs or ids give an empty result.
    """
    calls = (
        Call.objects.public()
        .select_related("city")
        .prefetch_related(*eligibility_prefetches())
        .order_by("-opens_at", "title", "-pk")
    )
    if city_slug is not None:
        calls = calls.filter(city__slug=city_slug)
    if phase is not None:
        calls = calls.in_phase(phase, at)
    if programme_id is not None:
        calls = calls.filter(programme_id=programme_id)
    if applicant_type_slug is not None:
        calls = calls.filter(
            Exists(ApplicantType.objects.filter(calls=OuterRef("pk"), slug=applicant_type_slug))
        )
    if applicant_category is not None:
        calls = calls.filter(
            Exists(ApplicantType.objects.filter(calls=OuterRef("pk"), category=applicant_category))
        )
    return calls


def get_public_call(*, call_id: int, at: datetime) -> Call:
    """One public call with all its parts. Raises Http404 for drafts and hidden calls."""
    return get_object_or_404(call_detail_queryset(at=at), pk=call_id)


def check_call_is_public(*, call_id: int) -> None:
    """Raise Http404 unless the call exists and is public (one query)."""
    if not Call.objects.public().filter(pk=call_id).exists():
        raise Http404


def list_call_lots(*, call_id: int) -> QuerySet[Lot]:
    """The lots of one call by number, with their sites."""
    return lots_with_sites().filter(call_id=call_id)


def list_call_faq(*, call_id: int, at: datetime) -> QuerySet[FaqEntry]:
    """The published FAQ entries of one call."""
    return published_faq(at=at).filter(call_id=call_id)
