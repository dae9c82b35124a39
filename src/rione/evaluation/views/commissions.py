"""Staff pages of a call's evaluation set-up: the rubric, the commissions and their progress.

Who sees what: managers of the city set everything up; members of a commission of the call
(chair, members, secretary) read the rubric and their commission's progress; the chair
reassigns. Everyone else gets 404, whatever the city. A proposal on which the reader
declared a conflict of interest never shows.
"""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rione.applications.models import Proposal
from rione.backoffice.views.base import (
    city_view,
    paginate,
    render_form,
    require,
    run_action,
    run_service,
    saved,
)
from rione.backoffice.views.calls import call_crumbs
from rione.backoffice.views.proposals import call_tabs_context
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import User
from rione.core.permissions import access
from rione.evaluation import selectors
from rione.evaluation.forms import (
    BonusRuleForm,
    CommissionForm,
    CriterionForm,
    MemberForm,
    ReassignForm,
)
from rione.evaluation.models import (
    SCORING_ROLES,
    BonusKind,
    BonusRule,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Criterion,
    ScoringMethod,
)
from rione.evaluation.services import commissions as commission_services
from rione.evaluation.services import scoring as scoring_services
from rione.programmes.models import Call, Lot
from rione.territory.models import City

MANAGE = "evaluation.manage_commission"
VIEW = "evaluation.view_commission"


def access_call(request: AuthenticatedHttpRequest, city: City, call_pk: int) -> Call:
    """A call of ``city`` whose evaluation the user may follow (manager or member); else 404."""
    call: Call = access(
        request.user,
        Call.objects.filter(city=city).select_related("programme", "stage"),
        perm=VIEW,
        pk=call_pk,
    )
    return call


def access_commission(
    request: AuthenticatedHttpRequest, call: Call, commission_pk: int
) -> Commission:
    """A commission of ``call`` the user manages or sits on; else 404."""
    commission: Commission = access(
        request.user,
        Commission.objects.filter(call=call).select_related("call", "lot"),
        perm=VIEW,
        pk=commission_pk,
    )
    return commission


def evaluation_crumbs(city: City, call: Call) -> list[tuple[str, str]]:
    return [
        *call_crumbs(city, call),
        (_("Commissione"), reverse("evaluation:commission_list", args=[city.slug, call.pk])),
    ]


def page_context(
    request: AuthenticatedHttpRequest, city: City, call: Call, section: str
) -> dict[str, Any]:
    """What every page under the call's "Commissione" tab shares."""
    return {
        "city": city,
        "call": call,
        "nav": "calls",
        "tab": "commission",
        "section": section,
        "can_manage": request.user.has_perm(MANAGE, call),
        **call_tabs_context(request, call),
    }


def hidden_from(user: User) -> QuerySet[ConflictDeclaration, int]:
    """Proposals on which ``user`` declared a conflict (as ids, for ``exclude``)."""
    return ConflictDeclaration.objects.filter(member__user=user, has_conflict=True).values_list(
        "proposal_id", flat=True
    )


# Rubric


@city_view()
def rubric(request: AuthenticatedHttpRequest, city: City, call_pk: int) -> HttpResponse:
    call = access_call(request, city, call_pk)
    bonus = dict(BonusRule.objects.filter(call=call).values_list("kind", "points"))
    return render(
        request,
        "evaluation/rubric_detail.html",
        {
            **page_context(request, city, call, "rubric"),
            "title": _("Griglia di valutazione: %(call)s") % {"call": call.title},
            "crumbs": [*evaluation_crumbs(city, call), (_("Griglia di valutazione"), "")],
            "criteria": selectors.criteria_of(call=call),
            "bonus_rules": [(kind, label, bonus.get(kind)) for kind, label in BonusKind.choices],
            "locked": selectors.rubric_locked(call=call),
        },
    )


def _criterion_form(
    request: AuthenticatedHttpRequest, city: City, call: Call, criterion: Criterion | None
) -> HttpResponse:
    rubric_url = reverse("evaluation:rubric", args=[city.slug, call.pk])
    parents = None
    initial: dict[str, Any] = {"weight": 1, "order": 0}
    if criterion is None:
        parents = Criterion.objects.filter(call=call).order_by("order", "pk")
        if request.GET.get("sotto", "").isdigit():
            initial["parent"] = int(request.GET["sotto"])
    else:
        initial = {
            name: getattr(criterion, name)
            for name in (
                "code",
                "title",
                "description",
                "max_points",
                "weight",
                "min_points",
                "order",
            )
        }
    form = CriterionForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        if criterion is None:
            ok, _result = run_service(
                form,
                lambda: scoring_services.create_criterion(call=call, by=request.user, **data),
            )
        else:
            ok, _result = run_service(
                form,
                lambda: scoring_services.update_criterion(
                    criterion=criterion, by=request.user, **data
                ),
            )
        if ok:
            return saved(
                request,
                _("Griglia di valutazione aggiornata."),
                "evaluation:rubric",
                city.slug,
                call.pk,
            )
    title = (
        _("Nuovo criterio")
        if criterion is None
        else _("Modifica il criterio %(code)s") % {"code": criterion.code}
    )
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=title,
        crumbs=[
            *evaluation_crumbs(city, call),
            (_("Griglia di valutazione"), rubric_url),
            (title, ""),
        ],
        cancel_url=rubric_url,
    )


@city_view()
def criterion_create(request: AuthenticatedHttpRequest, city: City, call_pk: int) -> HttpResponse:
    call = access_call(request, city, call_pk)
    require(request, MANAGE, call)
    return _criterion_form(request, city, call, None)


@city_view()
def criterion_edit(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, criterion_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    require(request, MANAGE, call)
    criterion = Criterion.objects.filter(call=call, pk=criterion_pk).first()
    if criterion is None:
        raise Http404
    return _criterion_form(request, city, call, criterion)


@require_POST
@city_view()
def criterion_delete(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, criterion_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    require(request, MANAGE, call)
    criterion = Criterion.objects.filter(call=call, pk=criterion_pk).first()
    if criterion is None:
        raise Http404
    run_action(
        request,
        lambda: scoring_services.delete_criterion(criterion=criterion, by=request.user),
        _("Criterio eliminato."),
    )
    return redirect("evaluation:rubric", city.slug, call.pk)


@city_view()
def bonus_rule_edit(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, kind: str
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    require(request, MANAGE, call)
    if kind not in BonusKind.values:
        raise Http404
    label = BonusKind(kind).label
    current = BonusRule.objects.filter(call=call, kind=kind).first()
    form = BonusRuleForm(
        request.POST or None, initial={"points": current.points if current else None}
    )
    if request.method == "POST" and form.is_valid():
        points = form.cleaned_data["points"]
        ok, _rule = run_service(
            form,
            lambda: scoring_services.set_bonus_rule(
                call=call, kind=kind, points=points, by=request.user
            ),
        )
        if ok:
            return saved(
                request, _("Premialità aggiornata."), "evaluation:rubric", city.slug, call.pk
            )
    rubric_url = reverse("evaluation:rubric", args=[city.slug, call.pk])
    title = _("Premialità: %(kind)s") % {"kind": label}
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=title,
        crumbs=[
            *evaluation_crumbs(city, call),
            (_("Griglia di valutazione"), rubric_url),
            (title, ""),
        ],
        cancel_url=rubric_url,
    )


# Commissions


@city_view()
def commission_list(request: AuthenticatedHttpRequest, city: City, call_pk: int) -> HttpResponse:
    call = access_call(request, city, call_pk)
    visible = [c for c in selectors.commissions_of(call=call) if request.user.has_perm(VIEW, c)]
    return render(
        request,
        "evaluation/commission_list.html",
        {
            **page_context(request, city, call, "commissions"),
            "title": _("Commissione: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Commissione"), "")],
            "commissions": visible,
        },
    )


def _commission_values(form: CommissionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "method": data["method"],
        "evaluators_per_proposal": data.get("evaluators_per_proposal"),
        "outlier_gap": data.get("outlier_gap"),
    }


@city_view()
def commission_create(request: AuthenticatedHttpRequest, city: City, call_pk: int) -> HttpResponse:
    call = access_call(request, city, call_pk)
    require(request, MANAGE, call)
    form = CommissionForm(
        request.POST or None,
        initial={"method": ScoringMethod.MEAN, "name": _("Commissione di valutazione")},
        lots=Lot.objects.filter(call=call).order_by("number"),
    )
    if request.method == "POST" and form.is_valid():
        values = _commission_values(form)
        lot = form.cleaned_data.get("lot")
        ok, commission = run_service(
            form,
            lambda: commission_services.create_commission(
                call=call, by=request.user, lot=lot, **values
            ),
        )
        if ok:
            return saved(
                request,
                _("Commissione creata: ora nomina i componenti."),
                "evaluation:commission_detail",
                city.slug,
                call.pk,
                commission.pk,
            )
    list_url = reverse("evaluation:commission_list", args=[city.slug, call.pk])
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Nuova commissione"),
        crumbs=[*evaluation_crumbs(city, call), (_("Nuova commissione"), "")],
        cancel_url=list_url,
    )


@city_view()
def commission_detail(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    members = selectors.commission_members(commission=commission)
    criteria = selectors.criteria_of(call=call)
    proposals = selectors.evaluated_proposals(commission=commission).exclude(
        pk__in=hidden_from(request.user)
    )
    page = paginate(request, proposals)
    rows = selectors.progress_rows(
        commission=commission, proposals=list(page.object_list), members=members, criteria=criteria
    )
    return render(
        request,
        "evaluation/commission_detail.html",
        {
            **page_context(request, city, call, "commissions"),
            "title": commission.name,
            "crumbs": [*evaluation_crumbs(city, call), (commission.name, "")],
            "commission": commission,
            "members": members,
            "scoring_members": sum(1 for m in members if m.role in SCORING_ROLES),
            "leaf_count": sum(1 for c in criteria if getattr(c, "is_leaf", False)),
            "page": page,
            "rows": rows,
            "is_chair": request.user.has_perm("evaluation.chair_commission", commission),
            "is_consensus": commission.method == ScoringMethod.CONSENSUS,
        },
    )


@city_view()
def commission_edit(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    require(request, MANAGE, commission)
    form = CommissionForm(
        request.POST or None,
        initial={
            "name": commission.name,
            "method": commission.method,
            "evaluators_per_proposal": commission.evaluators_per_proposal,
            "outlier_gap": commission.outlier_gap,
        },
    )
    detail_url = reverse("evaluation:commission_detail", args=[city.slug, call.pk, commission.pk])
    if request.method == "POST" and form.is_valid():
        values = _commission_values(form)
        ok, _result = run_service(
            form,
            lambda: commission_services.update_commission(
                commission=commission, by=request.user, **values
            ),
        )
        if ok:
            return saved(
                request,
                _("Commissione aggiornata."),
                "evaluation:commission_detail",
                city.slug,
                call.pk,
                commission.pk,
            )
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Modifica la commissione"),
        crumbs=[*evaluation_crumbs(city, call), (commission.name, detail_url), (_("Modifica"), "")],
        cancel_url=detail_url,
    )


@city_view()
def member_add(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    require(request, MANAGE, commission)
    people = (
        User.objects.filter(staff_roles__city=city)
        .exclude(commission_seats__commission=commission)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )
    form = MemberForm(request.POST or None, people=people)
    detail_url = reverse("evaluation:commission_detail", args=[city.slug, call.pk, commission.pk])
    if request.method == "POST" and form.is_valid():
        user, role = form.cleaned_data["user"], form.cleaned_data["role"]
        ok, _member = run_service(
            form,
            lambda: commission_services.add_member(
                commission=commission, user=user, role=role, by=request.user
            ),
        )
        if ok:
            return saved(
                request,
                _("%(name)s fa ora parte della commissione.") % {"name": user},
                "evaluation:commission_detail",
                city.slug,
                call.pk,
                commission.pk,
            )
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Nomina un componente"),
        crumbs=[*evaluation_crumbs(city, call), (commission.name, detail_url), (_("Nomina"), "")],
        cancel_url=detail_url,
        submit_label=_("Nomina"),
    )


@require_POST
@city_view()
def member_remove(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int, member_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    require(request, MANAGE, commission)
    member = CommissionMember.objects.filter(commission=commission, pk=member_pk).first()
    if member is None:
        raise Http404
    run_action(
        request,
        lambda: commission_services.remove_member(member=member, by=request.user),
        _("Componente rimosso dalla commissione."),
    )
    return redirect("evaluation:commission_detail", city.slug, call.pk, commission.pk)


@require_POST
@city_view()
def assign(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    require(request, MANAGE, commission)
    outcome: dict[str, Any] = {}

    def action() -> None:
        outcome["report"] = commission_services.assign_all(commission=commission, by=request.user)

    if run_action(request, action, _("Assegnazione completata.")):
        report = outcome["report"]
        if report.short:
            messages.warning(
                request,
                _(
                    "%(n)s proposte hanno meno valutatori del previsto: mancano componenti "
                    "senza conflitti di interessi."
                )
                % {"n": len(report.short)},
            )
    return redirect("evaluation:commission_detail", city.slug, call.pk, commission.pk)


@city_view()
def reassign(
    request: AuthenticatedHttpRequest,
    city: City,
    call_pk: int,
    commission_pk: int,
    proposal_pk: int,
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    proposal = proposal_in(commission, proposal_pk, request.user)
    if proposal is None:
        raise Http404
    require(request, "evaluation.chair_commission", commission)
    scoring = CommissionMember.objects.filter(
        commission=commission, role__in=SCORING_ROLES
    ).select_related("user")
    form = ReassignForm(
        request.POST or None,
        current=scoring.filter(assignments__proposal=proposal),
        candidates=scoring.exclude(assignments__proposal=proposal),
    )
    detail_url = reverse("evaluation:commission_detail", args=[city.slug, call.pk, commission.pk])
    if request.method == "POST" and form.is_valid():
        source, target = form.cleaned_data["from_member"], form.cleaned_data["to_member"]
        ok, _assignment = run_service(
            form,
            lambda: commission_services.reassign(
                proposal=proposal, from_member=source, to_member=target, by=request.user
            ),
        )
        if ok:
            return saved(
                request,
                _("Proposta riassegnata."),
                "evaluation:commission_detail",
                city.slug,
                call.pk,
                commission.pk,
            )
    title = _("Riassegna: %(title)s") % {"title": selectors.version_title(proposal)}
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=title,
        crumbs=[
            *evaluation_crumbs(city, call),
            (commission.name, detail_url),
            (_("Riassegna"), ""),
        ],
        cancel_url=detail_url,
        submit_label=_("Riassegna"),
        intro=_(
            "Chi ha già firmato la valutazione non può essere sostituito; una bozza di chi "
            "lascia la proposta viene eliminata."
        ),
    )


def proposal_in(commission: Commission, proposal_pk: int, user: User) -> Proposal | None:
    """A standing proposal in ``commission``'s scope not hidden from ``user`` by a conflict."""
    proposal: Proposal | None = (
        selectors.evaluated_proposals(commission=commission)
        .exclude(pk__in=hidden_from(user))
        .filter(pk=proposal_pk)
        .first()
    )
    return proposal


call_prefix = "gestione/<slug:city_slug>/avvisi/<int:call_pk>/"
commission_prefix = f"{call_prefix}commissione/<int:commission_pk>/"

urlpatterns = [
    path(f"{call_prefix}criteri/", rubric, name="rubric"),
    path(f"{call_prefix}criteri/nuovo/", criterion_create, name="criterion_create"),
    path(f"{call_prefix}criteri/<int:criterion_pk>/", criterion_edit, name="criterion_edit"),
    path(
        f"{call_prefix}criteri/<int:criterion_pk>/elimina/",
        criterion_delete,
        name="criterion_delete",
    ),
    path(f"{call_prefix}premialita/<slug:kind>/", bonus_rule_edit, name="bonus_rule_edit"),
    path(f"{call_prefix}commissione/", commission_list, name="commission_list"),
    path(f"{call_prefix}commissione/nuova/", commission_create, name="commission_create"),
    path(commission_prefix, commission_detail, name="commission_detail"),
    path(f"{commission_prefix}modifica/", commission_edit, name="commission_edit"),
    path(f"{commission_prefix}componenti/nuovo/", member_add, name="commission_member_add"),
    path(
        f"{commission_prefix}componenti/<int:member_pk>/rimuovi/",
        member_remove,
        name="commission_member_remove",
    ),
    path(f"{commission_prefix}assegna/", assign, name="commission_assign"),
    path(
        f"{commission_prefix}proposte/<int:proposal_pk>/riassegna/",
        reassign,
        name="commission_reassign",
    ),
]
