"""Reads of calls shared by the portal, the API and the back office (fixed query counts)."""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

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
