"""Reads of calls shared by the portal, the API and the back office (fixed query counts)."""

import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from rione.programmes.models import (
    Amendment,
    Call,
    CallDocument,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Lot,
    RequiredDocument,
)
from rione.territory.models import ApplicantType, Neighbourhood, Site


def published_faq(*, at: datetime) -> QuerySet[FaqEntry]:
    """FAQ entries whose publication time has come."""
    return FaqEntry.objects.filter(published_at__isnull=False, published_at__lte=at).order_by(
        "order", "pk"
    )


def eligibility_prefetches() -> list[Prefetch[Any, Any, Any]]:
    return [
        Prefetch(
            "eligible_applicant_types",
            queryset=ApplicantType.objects.order_by("category", "order", "name", "pk"),
        ),
        Prefetch(
            "eligible_neighbourhoods",
            queryset=Neighbourhood.objects.select_related("district").order_by(
                "district__order", "district__name", "order", "name", "pk"
            ),
        ),
    ]


def lots_with_sites() -> QuerySet[Lot]:
    return Lot.objects.order_by("number", "pk").prefetch_related(
        Prefetch(
            "sites", queryset=Site.objects.select_related("neighbourhood").order_by("name", "pk")
        )
    )


def call_detail_queryset(*, at: datetime, public_only: bool = True) -> QuerySet[Call]:
    """Calls with every part of the call text, in a fixed number of queries.

    Published FAQ entries are in ``call.published_faq``; amendments come newest first.
    """
    calls = Call.objects.public() if public_only else Call.objects.all()
    return calls.select_related(
        "city", "programme", "stage", "restricted_to_call__city"
    ).prefetch_related(
        *eligibility_prefetches(),
        Prefetch("lots", queryset=lots_with_sites()),
        Prefetch("grant_rules", queryset=GrantRule.objects.order_by("category")),
        Prefetch("required_documents", queryset=RequiredDocument.objects.order_by("order", "pk")),
        Prefetch("extra_questions", queryset=ExtraQuestion.objects.order_by("order", "pk")),
        Prefetch("documents", queryset=CallDocument.objects.order_by("order", "pk")),
        Prefetch("amendments", queryset=Amendment.objects.order_by("-published_at", "-number")),
        Prefetch("faq_entries", queryset=published_faq(at=at), to_attr="published_faq"),
    )


# What the checks, the summary and the canonical content of an application read of its call.
CONFIGURATION = (
    Prefetch("eligible_applicant_types"),
    Prefetch("eligible_neighbourhoods"),
    Prefetch("lots", queryset=Lot.objects.order_by("number")),
    Prefetch("grant_rules"),
    Prefetch("required_documents"),
    Prefetch("extra_questions"),
)
KEPT_CALLS = 256

# {call id: (the call's updated_at, when it was read, {relation: prefetched queryset})}
_configurations: dict[int, tuple[datetime, float, dict[str, Any]]] = {}


def with_configuration(call: Call) -> Call:
    """``call`` with its ``CONFIGURATION`` prefetched: six queries, or none when this process
    read the same version of the call less than ``CALL_CONFIGURATION_CACHE_SECONDS`` ago.

    The version is the call's ``updated_at``, read with the call itself: every service that
    changes a lot, a grant rule, a required document or a question touches it
    (``programmes.services.parts``), so no worker serves an old configuration after the
    change commits. The age limit covers what no service of the call changes (a neighbourhood
    or an applicant type renamed). The prefetched objects are shared and must not be changed.
    """
    seconds = settings.CALL_CONFIGURATION_CACHE_SECONDS
    kept = _configurations.get(call.pk)
    now = time.monotonic()
    if seconds > 0 and kept is not None and kept[0] == call.updated_at and now - kept[1] < seconds:
        prefetched = getattr(call, "_prefetched_objects_cache", {})
        call._prefetched_objects_cache = {**prefetched, **kept[2]}  # type: ignore[attr-defined]
        return call
    prefetch_related_objects([call], *CONFIGURATION)
    if seconds > 0:
        if len(_configurations) >= KEPT_CALLS:
            _configurations.clear()
        cache = call._prefetched_objects_cache  # type: ignore[attr-defined]
        _configurations[call.pk] = (
            call.updated_at,
            now,
            {p.prefetch_to: cache[p.prefetch_to] for p in CONFIGURATION},
        )
    return call
