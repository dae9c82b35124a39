"""Evaluators' pages: my evaluations, the declaration on conflicts of interest, the scoring
form, and the chair's consensus scores.

The declaration comes first: until a member declares no conflict on a proposal, its
pages show who the applicant is and nothing of what they propose. A member who declares a
conflict never sees the proposal again (404), nor does anyone without a seat on its
commission, whatever the call or city.
"""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from rione.applications import selectors as application_selectors
from rione.applications.models import STANDING, Proposal, ReceiptKind
from rione.backoffice.views.base import city_view, paginate, require, run_service
from rione.core.http import AuthenticatedHttpRequest
from rione.evaluation import selectors
from rione.evaluation.forms import ConflictForm, ScoresForm
from rione.evaluation.models import (
    SCORING_ROLES,
    Assignment,
    CommissionMember,
    ConflictDeclaration,
    ConsensusScore,
    Evaluation,
    EvaluationStatus,
    ScoringMethod,
)
from rione.evaluation.services import commissions as commission_services
from rione.evaluation.services import scoring as scoring_services
from rione.evaluation.views.commissions import (
    access_call,
    access_commission,
    evaluation_crumbs,
    page_context,
    proposal_in,
)
from rione.territory.models import City


def my_evaluations_crumbs(city: City) -> list[tuple[str, str]]:
    return [
        (city.name, reverse("backoffice:city", args=[city.slug])),
        (_("Le mie valutazioni"), reverse("evaluation:my_evaluations", args=[city.slug])),
    ]


def standing_proposal(city: City, proposal_pk: int) -> Proposal:
    proposal = (
        Proposal.objects.filter(pk=proposal_pk, call__city=city, status__in=STANDING)
        .select_related("call")
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def scoring_seat(request: AuthenticatedHttpRequest, proposal: Proposal) -> CommissionMember:
    """The user's chair or member seat on the proposal's commission, unless conflicted; else 404."""
    commission = selectors.commission_for(proposal=proposal)
    seat = (
        CommissionMember.objects.filter(
            commission=commission, user=request.user, role__in=SCORING_ROLES
        )
        .select_related("commission__call")
        .first()
        if commission is not None
        else None
    )
    if seat is None:
        raise Http404
    if ConflictDeclaration.objects.filter(
        member=seat, proposal=proposal, has_conflict=True
    ).exists():
        raise Http404
    return seat


def submitted_version(proposal: Proposal) -> tuple[Any, dict[str, Any]]:
    version = next(
        (
            r
            for r in application_selectors.receipts_of(proposal=proposal)
            if r.kind != ReceiptKind.WITHDRAWAL
        ),
        None,
    )
    if version is None:
        raise Http404
    return version, application_selectors.submitted_content(receipt=version)


@city_view()
def my_evaluations(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    page = paginate(request, selectors.my_assignments(user=request.user, city=city))
    return render(
        request,
        "evaluation/scoring_list.html",
        {
            "city": city,
            "nav": "evaluations",
            "title": _("Le mie valutazioni"),
            "crumbs": [
                (city.name, reverse("backoffice:city", args=[city.slug])),
                (_("Le mie valutazioni"), ""),
            ],
            "page": page,
            "rows": selectors.my_assignment_rows(page.object_list),
        },
    )


@city_view()
def conflict_declare(
    request: AuthenticatedHttpRequest, city: City, proposal_pk: int
) -> HttpResponse:
    proposal = standing_proposal(city, proposal_pk)
    seat = scoring_seat(request, proposal)
    assigned = Assignment.objects.filter(member=seat, proposal=proposal).exists()
    if ConflictDeclaration.objects.filter(member=seat, proposal=proposal).exists():
        return _after_declaration(city, proposal, seat, assigned)
    _version, content = submitted_version(proposal)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        has_conflict = bool(form.cleaned_data["has_conflict"])
        ok, _declaration = run_service(
            form,
            lambda: commission_services.declare_conflict(
                proposal=proposal,
                has_conflict=has_conflict,
                reason=form.cleaned_data["reason"],
                by=request.user,
            ),
        )
        if ok:
            if has_conflict:
                messages.success(
                    request,
                    _(
                        "Dichiarazione registrata: hai un conflitto di interessi, la proposta "
                        "non ti è più assegnata."
                    ),
                )
                return redirect("evaluation:my_evaluations", city.slug)
            messages.success(request, _("Dichiarazione registrata: puoi valutare la proposta."))
            return _after_declaration(city, proposal, seat, assigned)
    title = str(content.get("idea", {}).get("title") or _("Proposta senza titolo"))
    return render(
        request,
        "evaluation/scoring_declaration.html",
        {
            "city": city,
            "nav": "evaluations",
            "title": _("Conflitto di interessi: %(title)s") % {"title": title},
            "proposal_title": title,
            "crumbs": [*my_evaluations_crumbs(city), (_("Dichiarazione"), "")],
            "applicant": content.get("applicant") or {},
            "partners": content.get("partners") or [],
            "call": proposal.call,
            "form": form,
        },
    )


def _after_declaration(
    city: City, proposal: Proposal, seat: CommissionMember, assigned: bool
) -> HttpResponse:
    if assigned:
        return redirect("evaluation:scoring_form", city.slug, proposal.pk)
    commission = seat.commission
    return redirect("evaluation:commission_detail", city.slug, commission.call_id, commission.pk)


@city_view()
def scoring_form(request: AuthenticatedHttpRequest, city: City, proposal_pk: int) -> HttpResponse:
    proposal = standing_proposal(city, proposal_pk)
    seat = scoring_seat(request, proposal)
    if not Assignment.objects.filter(member=seat, proposal=proposal).exists():
        raise Http404
    if not ConflictDeclaration.objects.filter(member=seat, proposal=proposal).exists():
        return redirect("evaluation:conflict_declare", city.slug, proposal.pk)
    call = seat.commission.call
    criteria = selectors.criteria_of(call=call)
    leaves = [c for c in criteria if getattr(c, "is_leaf", False)]
    evaluation = Evaluation.objects.filter(member=seat, proposal=proposal).first()
    scores = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation else {}
    initial: dict[str, Any] = {"comment": evaluation.comment if evaluation else ""}
    for criterion_id, score in scores.items():
        initial[f"points_{criterion_id}"] = score.points
        initial[f"comment_{criterion_id}"] = score.comment
    signed = evaluation is not None and evaluation.status == EvaluationStatus.SIGNED
    form = ScoresForm(None if signed else (request.POST or None), initial=initial, criteria=leaves)
    if request.method == "POST" and not signed and form.is_valid():
        sign = request.POST.get("azione") == "firma"
        if sign and not form.cleaned_data.get("confirm"):
            form.add_error("confirm", _("Spunta la conferma per firmare la valutazione."))
        else:
            points, comments = form.points(), form.comments()
            comment = str(form.cleaned_data.get("comment") or "")
            if sign:
                ok, _evaluation = run_service(
                    form,
                    lambda: scoring_services.sign_evaluation(
                        proposal=proposal,
                        by=request.user,
                        points=points,
                        comments=comments,
                        comment=comment,
                    ),
                )
            else:
                ok, _evaluation = run_service(
                    form,
                    lambda: scoring_services.save_scores(
                        proposal=proposal,
                        by=request.user,
                        points=points,
                        comments=comments,
                        comment=comment,
                    ),
                )
            if ok:
                messages.success(
                    request,
                    _("Valutazione firmata.") if sign else _("Bozza salvata."),
                )
                return redirect("evaluation:scoring_form", city.slug, proposal.pk)
    version, content = submitted_version(proposal)
    title = str(content.get("idea", {}).get("title") or _("Proposta senza titolo"))
    total = sum((s.points for s in scores.values()), Decimal(0))
    sums = selectors.parent_sums(criteria, {pk: s.points for pk, s in scores.items()})
    return render(
        request,
        "evaluation/scoring_form.html",
        {
            "city": city,
            "nav": "evaluations",
            "title": title,
            "crumbs": [*my_evaluations_crumbs(city), (title, "")],
            "call": call,
            "proposal": proposal,
            "version": version,
            "content": content,
            "attachment_urls": {
                item["id"]: reverse(
                    "backoffice:proposal_attachment",
                    args=[city.slug, call.pk, proposal.pk, item["id"]],
                )
                for item in content.get("attachments", [])
            },
            "rows": [
                {
                    "criterion": c,
                    "points": form[f"points_{c.pk}"] if c.is_leaf else None,  # type: ignore[attr-defined]
                    "comment": form[f"comment_{c.pk}"] if c.is_leaf else None,  # type: ignore[attr-defined]
                    "score": scores.get(c.pk),
                    "sum": sums.get(c.pk),
                }
                for c in criteria
            ],
            "form": form,
            "evaluation": evaluation,
            "signed": signed,
            "total": total,
        },
    )


@city_view()
def consensus(
    request: AuthenticatedHttpRequest,
    city: City,
    call_pk: int,
    commission_pk: int,
    proposal_pk: int,
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    if commission.method != ScoringMethod.CONSENSUS:
        raise Http404
    proposal = proposal_in(commission, proposal_pk, request.user)
    if proposal is None:
        raise Http404
    require(request, "evaluation.chair_commission", commission)
    chair = scoring_seat(request, proposal)
    if not ConflictDeclaration.objects.filter(member=chair, proposal=proposal).exists():
        return redirect("evaluation:conflict_declare", city.slug, proposal.pk)
    criteria = selectors.criteria_of(call=call)
    leaves = [c for c in criteria if getattr(c, "is_leaf", False)]
    agreed = {
        s.criterion_id: s
        for s in ConsensusScore.objects.filter(commission=commission, proposal=proposal)
    }
    initial = {f"points_{pk}": s.points for pk, s in agreed.items()} | {
        f"comment_{pk}": s.comment for pk, s in agreed.items()
    }
    form = ScoresForm(request.POST or None, initial=initial, criteria=leaves, overall=False)
    detail_url = reverse("evaluation:commission_detail", args=[city.slug, call.pk, commission.pk])
    if request.method == "POST" and form.is_valid():
        points = {pk: value for pk, value in form.points().items() if value is not None}
        ok, _scores = run_service(
            form,
            lambda: scoring_services.record_consensus(
                commission=commission,
                proposal=proposal,
                points=points,
                comments=form.comments(),
                by=request.user,
            ),
        )
        if ok:
            messages.success(request, _("Punteggio concordato registrato."))
            return redirect(detail_url)
    members = selectors.commission_members(commission=commission)
    signed = selectors.signed_scores(proposal_ids=[proposal.pk], commission=commission).get(
        proposal.pk, {}
    )
    leaf_map = {c.pk: c for c in leaves}
    outliers = set(selectors.outlier_ids(leaf_map, signed, commission.outlier_gap))
    evaluators = [m for m in members if m.pk in signed]
    title = selectors.version_title(proposal)
    return render(
        request,
        "evaluation/scoring_consensus.html",
        {
            **page_context(request, city, call, "commissions"),
            "title": _("Punteggio concordato: %(title)s") % {"title": title},
            "crumbs": [
                *evaluation_crumbs(city, call),
                (commission.name, detail_url),
                (_("Consenso"), ""),
            ],
            "commission": commission,
            "proposal": proposal,
            "evaluators": evaluators,
            "rows": [
                {
                    "criterion": c,
                    "points": form[f"points_{c.pk}"] if c.is_leaf else None,  # type: ignore[attr-defined]
                    "comment": form[f"comment_{c.pk}"] if c.is_leaf else None,  # type: ignore[attr-defined]
                    "given": [signed[m.pk].get(c.pk) for m in evaluators],
                    "outlier": c.pk in outliers,
                }
                for c in criteria
            ],
            "form": form,
            "cancel_url": detail_url,
        },
    )


urlpatterns = [
    path("gestione/<slug:city_slug>/valutazioni/", my_evaluations, name="my_evaluations"),
    path(
        "gestione/<slug:city_slug>/valutazioni/<int:proposal_pk>/",
        scoring_form,
        name="scoring_form",
    ),
    path(
        "gestione/<slug:city_slug>/valutazioni/<int:proposal_pk>/dichiarazione/",
        conflict_declare,
        name="conflict_declare",
    ),
    path(
        "gestione/<slug:city_slug>/avvisi/<int:call_pk>/commissione/<int:commission_pk>/"
        "proposte/<int:proposal_pk>/consenso/",
        consensus,
        name="scoring_consensus",
    ),
]
