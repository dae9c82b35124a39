"""The applicant's pages: start a proposal, fill its steps, submit, reopen, withdraw, receipts.

Thin: resolve the proposal (someone else's answers 404), parse the form, call one
service, render. Every step page shows the step list with the state of each step.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rione.applications import selectors, services
from rione.applications.forms import (
    ApplicantStepForm,
    BaseBudgetLineFormSet,
    BudgetLineFormSet,
    BudgetStepForm,
    IdeaStepForm,
    NewProposalForm,
    PartnerForm,
    QuestionForm,
    QuestionsStepForm,
    StepForm,
    SubmitForm,
    TargetsStepForm,
    UploadForm,
    VerifyReceiptForm,
    WithdrawForm,
    proposal_initial,
)
from rione.applications.models import (
    Attachment,
    Partner,
    Proposal,
    Receipt,
    ReceiptKind,
    Step,
    StepState,
)
from rione.applications.services.canonical import proposal_content
from rione.backoffice.views.base import paginate, run_action, run_service
from rione.core import clock
from rione.core.errors import DomainError
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.evaluation import ranking_selectors
from rione.evaluation import selectors as evaluation_selectors
from rione.programmes.models import Call, CallPhase, RequiredDocument
from rione.territory.models import City

STEPS = list(Step)
READS = frozenset({"GET", "HEAD"})
PERM = "applications.open_in_personal_area"
Crumbs = list[tuple[str, str | None]]


def area_crumbs(*more: tuple[str, str | None]) -> Crumbs:
    return [
        (_("Area personale"), reverse("applicants:home")),
        (_("Le mie domande"), reverse("applications:list")),
        *more,
    ]


def proposal_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Resolve ``pk`` to a proposal of the user's organisations or groups (else 404)."""

    @login_required
    @wraps(view)
    def wrapper(
        request: AuthenticatedHttpRequest, pk: int, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        # A POST is carried out by a service that reads the proposal again under lock: here it
        # needs only the permission's and the redirect's columns (a refused one re-reads it all).
        if request.method in READS:
            proposal = selectors.with_lists(
                access(request.user, selectors.proposal_for_review(), perm=PERM, pk=pk)
            )
        else:
            proposal = access(request.user, selectors.proposal_for_action(), perm=PERM, pk=pk)
        return view(request, proposal, *args, **kwargs)

    return wrapper


def step_url(proposal: Proposal, step: str) -> str:
    return reverse("applications:step", args=[proposal.pk, step])


def step_context(
    request: AuthenticatedHttpRequest, proposal: Proposal, current: str
) -> dict[str, Any]:
    review = services.review_proposal(proposal)
    now = clock.now()
    call = proposal.call
    open_now = call.phase_at(now) == CallPhase.OPEN
    editable = proposal.is_editable and open_now
    return {
        "proposal": proposal,
        "call": call,
        "review": review,
        "step": current,
        "step_label": Step(current).label,
        "steps": [
            {
                "slug": s.value,
                "label": s.label,
                "number": n,
                "state": review.state(proposal, s),
                "url": step_url(proposal, s),
            }
            for n, s in enumerate(STEPS, start=1)
        ],
        "problems": review.by_step.get(current, []),
        "editable": editable,
        "open_now": open_now,
        "can_submit": request.user.has_perm("applications.submit_proposal", proposal),
        "next_url": _next_step_url(proposal, current),
        "title": f"{Step(current).label} · {proposal}",
        "crumbs": area_crumbs(
            (str(proposal), reverse("applications:proposal", args=[proposal.pk])),
            (str(Step(current).label), None),
        ),
        "session_seconds": request.session.get_expiry_age(),
        "revision": services.step_revision(proposal, current),
        "StepState": StepState,
    }


def _next_step_url(proposal: Proposal, current: str) -> str:
    index = [s.value for s in STEPS].index(current)
    following = STEPS[index + 1] if index + 1 < len(STEPS) else STEPS[-1]
    return step_url(proposal, following)


def _saved(request: AuthenticatedHttpRequest, proposal: Proposal, step: str) -> HttpResponse:
    messages.success(request, _("Sezione salvata."))
    if "save_next" in request.POST:
        return redirect(_next_step_url(proposal, step))
    return redirect(step_url(proposal, step))


def _render_step(
    request: AuthenticatedHttpRequest, proposal: Proposal, step: str, extra: dict[str, Any]
) -> HttpResponse:
    if request.method not in READS:  # a refused POST: show the whole proposal
        proposal = selectors.get_proposal(pk=proposal.pk)
    context = step_context(request, proposal, step)
    context.update(extra)
    return render(request, f"applications/step_{step}.html", context)


# The list and the start


@login_required
def my_proposals(request: AuthenticatedHttpRequest) -> HttpResponse:
    proposals = paginate(request, selectors.proposals_of(user=request.user))
    now = clock.now()
    outcomes = evaluation_selectors.applicant_admissibility(proposals=list(proposals), at=now)
    rankings = ranking_selectors.applicant_rankings(proposals=list(proposals), user=request.user)
    rows = [
        {
            "proposal": p,
            "next": next_action(p, now),
            "admissibility": outcomes.get(p.pk),
            "ranking": rankings.get(p.pk),
        }
        for p in proposals
    ]
    return render(
        request,
        "applications/list.html",
        {
            "title": _("Le mie domande"),
            "page": proposals,
            "rows": rows,
            "crumbs": [
                (_("Area personale"), reverse("applicants:home")),
                (_("Le mie domande"), None),
            ],
        },
    )


def next_action(proposal: Proposal, now: Any) -> str:
    open_now = proposal.call.phase_at(now) == CallPhase.OPEN
    if proposal.status == "withdrawn":
        return _("Ritirata: nessuna azione.")
    if proposal.status == "submitted":
        return (
            _("Presentata. Puoi riaprirla o ritirarla fino alla scadenza.")
            if open_now
            else _("Presentata: in attesa della valutazione.")
        )
    if not open_now:
        return _("Non presentata entro la scadenza.")
    if proposal.status == "reopened":
        return _(
            "Riaperta: presenta la nuova versione entro la scadenza, altrimenti resta valida quella già presentata."
        )
    return _("Bozza: completa i passi e presentala entro la scadenza.")


@login_required
def start(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.public().select_related("city", "programme"), pk=call_pk)
    now = clock.now()
    open_now = call.phase_at(now) == CallPhase.OPEN
    form = NewProposalForm(request.POST or None, user=request.user, call=call)
    if request.method == "POST" and open_now and form.is_valid():
        ok, proposal = run_service(
            form,
            lambda: services.start_proposal(
                call=call,
                by=request.user,
                is_network=form.cleaned_data["is_network"],
                lot=form.cleaned_data.get("lot"),
                **form.applicant_kwargs(),
            ),
        )
        if ok:
            messages.success(request, _("Domanda creata. Puoi salvarla e riprenderla quando vuoi."))
            return redirect(step_url(proposal, Step.IDEA))
    return render(
        request,
        "applications/start.html",
        {
            "title": _("Nuova domanda"),
            "call": call,
            "form": form,
            "open_now": open_now,
            "has_person": hasattr(request.user, "person"),
            "crumbs": area_crumbs((call.title, None)),
        },
    )


@proposal_view
def proposal(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    """Send the applicant to the first step that needs work (or to the summary)."""
    review = services.review_proposal(proposal)
    for step in STEPS:
        if review.state(proposal, step) in {StepState.TODO, StepState.ERRORS}:
            return redirect(step_url(proposal, step))
    return redirect(step_url(proposal, Step.SUMMARY))


@proposal_view
def step(request: AuthenticatedHttpRequest, proposal: Proposal, step: str) -> HttpResponse:
    handler = STEP_VIEWS.get(step)
    if handler is None:
        raise Http404
    if request.method == "POST" and not proposal.is_editable:
        messages.error(request, str(services.ProposalLocked.message))
        return redirect(step_url(proposal, step))
    return handler(request, proposal)


def _revision(proposal: Proposal, step: str) -> dict[str, int]:
    return {"revision": services.step_revision(proposal, step)}


def _form_step(
    request: AuthenticatedHttpRequest,
    proposal: Proposal,
    step: str,
    form: StepForm,
    save: Callable[[int], Any],
    *,
    also_valid: Callable[[], bool] = lambda: True,
    extra: Callable[[], dict[str, Any]] = dict,
) -> HttpResponse:
    """Save a step when its form is valid and go on; otherwise show it with its errors."""
    if request.method == "POST" and form.is_valid() and also_valid():
        ok, _result = run_service(form, lambda: save(form.cleaned_data["revision"]))
        if ok:
            return _saved(request, proposal, step)
    return _render_step(request, proposal, step, {"form": form, **extra()})


def applicant_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    form = ApplicantStepForm(
        request.POST or None,
        user=request.user,
        call=proposal.call,
        initial={**proposal_initial(proposal), **_revision(proposal, Step.APPLICANT)},
    )

    def partners() -> dict[str, Any]:
        letters = {a.partner_id: a for a in proposal.attachments.all() if a.partner_id}
        return {
            "partners": [(p, letters.get(p.pk)) for p in proposal.partners.all()],
            "upload_form": UploadForm(),
        }

    return _form_step(
        request,
        proposal,
        Step.APPLICANT,
        form,
        lambda revision: services.save_applicant_step(
            proposal=proposal,
            by=request.user,
            is_network=form.cleaned_data["is_network"],
            lot=form.cleaned_data.get("lot"),
            revision=revision,
            **form.applicant_kwargs(),
        ),
        extra=partners,
    )


def idea_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    initial = {name: getattr(proposal, name) for name in services.IDEA_FIELDS}
    initial["neighbourhoods"] = [n.pk for n in proposal.neighbourhoods.all()]
    form = IdeaStepForm(
        request.POST or None,
        call=proposal.call,
        initial={**initial, **_revision(proposal, Step.IDEA)},
    )
    return _form_step(
        request,
        proposal,
        Step.IDEA,
        form,
        lambda revision: services.save_idea_step(
            proposal=proposal,
            by=request.user,
            values=form.values(),
            neighbourhoods=list(form.cleaned_data["neighbourhoods"]),
            revision=revision,
        ),
    )


def targets_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    form = TargetsStepForm(
        request.POST or None,
        call=proposal.call,
        current={t.target_group_id: t.participants for t in proposal.targets.all()},
        initial=_revision(proposal, Step.TARGETS),
    )
    return _form_step(
        request,
        proposal,
        Step.TARGETS,
        form,
        lambda revision: services.save_targets_step(
            proposal=proposal, by=request.user, rows=form.rows(), revision=revision
        ),
    )


def budget_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    lines_initial = [
        {
            "cost_category": line.cost_category_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_cost": line.unit_cost,
        }
        for line in proposal.budget_lines.all()
    ]
    form = BudgetStepForm(
        request.POST or None,
        initial={"requested_grant": proposal.requested_grant, **_revision(proposal, Step.BUDGET)},
    )
    formset = cast(
        BaseBudgetLineFormSet,
        BudgetLineFormSet(
            request.POST or None,
            initial=lines_initial,
            prefix="voci",
            form_kwargs={"city_id": proposal.call.city_id},
        ),
    )
    return _form_step(
        request,
        proposal,
        Step.BUDGET,
        form,
        lambda revision: services.save_budget_step(
            proposal=proposal,
            by=request.user,
            lines=formset.lines(),
            requested_grant=form.cleaned_data["requested_grant"],
            revision=revision,
        ),
        also_valid=formset.is_valid,
        extra=lambda: {
            "formset": formset,
            "summary": services.budget_of(proposal),
            "rule": services.grant_rule_for(proposal, proposal.call.grant_rules.all()),
            "lot": proposal.lot,
        },
    )


def questions_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    form = QuestionsStepForm(
        request.POST or None,
        call=proposal.call,
        current={a.question_id: a.value for a in proposal.answers.all()},
        initial=_revision(proposal, Step.QUESTIONS),
    )
    return _form_step(
        request,
        proposal,
        Step.QUESTIONS,
        form,
        lambda revision: services.save_answers_step(
            proposal=proposal, by=request.user, answers=form.answers(), revision=revision
        ),
    )


def attachments_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    files = [a for a in proposal.attachments.all() if not a.partner_id]
    by_document = {a.required_document_id: a for a in files if a.required_document_id}
    documents = [(d, by_document.get(d.pk)) for d in proposal.call.required_documents.all()]
    others = [a for a in files if a.required_document_id is None]
    from django.conf import settings

    return _render_step(
        request,
        proposal,
        Step.ATTACHMENTS,
        {
            "documents": documents,
            "others": others,
            "upload_form": UploadForm(),
            "file_limit_mb": settings.PROPOSAL_FILE_MAX_BYTES // (1024 * 1024),
            "total_limit_mb": settings.PROPOSAL_FILES_MAX_BYTES // (1024 * 1024),
            "used_bytes": sum(a.size for a in proposal.attachments.all()),
        },
    )


def summary_step(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    now = clock.now()
    form = SubmitForm(request.POST or None, initial={"expected_version": proposal.version})
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.submit_proposal(
                proposal=proposal,
                by=request.user,
                truthfulness=form.cleaned_data["truthfulness"],
                privacy=form.cleaned_data["privacy"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except services.NotReadyToSubmit as refusal:
            for problem in refusal.problems:
                form.add_error(None, problem)
        except PermissionDenied:
            form.add_error(
                None,
                _(
                    "Solo il legale rappresentante o un delegato dell'ente può presentare la domanda."
                ),
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Domanda presentata. Ecco la ricevuta."))
            return redirect("applications:receipt", receipt.pk)
    problems = services.submission_problems(proposal, by=request.user, at=now)
    return _render_step(
        request,
        proposal,
        Step.SUMMARY,
        {
            "form": form,
            "submission_problems": problems,
            "content": selectors.with_labels(
                proposal_content(proposal, version=proposal.version + 1, declarant=request.user)
            ),
            "attachment_urls": _attachment_urls(proposal),
            "budget": services.budget_of(proposal),
        },
    )


STEP_VIEWS: dict[str, Callable[[AuthenticatedHttpRequest, Proposal], HttpResponse]] = {
    Step.APPLICANT: applicant_step,
    Step.IDEA: idea_step,
    Step.TARGETS: targets_step,
    Step.BUDGET: budget_step,
    Step.QUESTIONS: questions_step,
    Step.ATTACHMENTS: attachments_step,
    Step.SUMMARY: summary_step,
}


def _attachment_urls(proposal: Proposal) -> dict[int, str]:
    return {
        a.pk: reverse("applications:attachment", args=[proposal.pk, a.pk])
        for a in Attachment.objects.filter(proposal=proposal).only("pk")
    }


# Partners and files


@require_POST
@proposal_view
def upload(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    back = step_url(proposal, Step.ATTACHMENTS)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(
            (request.POST.get("back") == "applicant" and step_url(proposal, Step.APPLICANT)) or back
        )
    document = None
    partner = None
    if form.cleaned_data["required_document"]:
        document = RequiredDocument.objects.filter(
            call=proposal.call, pk=form.cleaned_data["required_document"]
        ).first()
        if document is None:
            raise Http404
    if form.cleaned_data["partner"]:
        partner = Partner.objects.filter(proposal=proposal, pk=form.cleaned_data["partner"]).first()
        if partner is None:
            raise Http404
        back = step_url(proposal, Step.APPLICANT)
    run_action(
        request,
        lambda: services.add_attachment(
            proposal=proposal,
            by=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            required_document=document,
            partner=partner,
        ),
        _("File caricato."),
    )
    return redirect(back)


@require_POST
@proposal_view
def attachment_remove(
    request: AuthenticatedHttpRequest, proposal: Proposal, attachment_pk: int
) -> HttpResponse:
    attachment = get_object_or_404(Attachment, proposal=proposal, pk=attachment_pk, is_current=True)
    back = Step.APPLICANT if attachment.partner_id else Step.ATTACHMENTS
    run_action(
        request,
        lambda: services.remove_attachment(attachment=attachment, by=request.user),
        _("File rimosso dalla domanda."),
    )
    return redirect(step_url(proposal, back))


@require_GET
@proposal_view
def attachment(
    request: AuthenticatedHttpRequest, proposal: Proposal, attachment_pk: int
) -> FileResponse:
    found = get_object_or_404(Attachment, proposal=proposal, pk=attachment_pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=found.original_name)
    response["Content-Type"] = found.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _partner_form_page(
    request: AuthenticatedHttpRequest, proposal: Proposal, partner: Partner | None
) -> HttpResponse:
    if not proposal.is_editable:
        messages.error(request, str(services.ProposalLocked.message))
        return redirect(step_url(proposal, Step.APPLICANT))
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():

        def save() -> Partner:
            if partner is None:
                return services.add_partner(
                    proposal=proposal, by=request.user, values=form.values()
                )
            return services.update_partner(partner=partner, by=request.user, values=form.values())

        ok, _partner = run_service(form, save)
        if ok:
            messages.success(request, _("Partner salvato."))
            return redirect(step_url(proposal, Step.APPLICANT))
    back = step_url(proposal, Step.APPLICANT)
    return render(
        request,
        "applicants/form.html",
        {
            "form": form,
            "title": _("Nuovo partner") if partner is None else _("Modifica il partner"),
            "crumbs": area_crumbs((str(proposal), back), (_("Partner"), None)),
            "cancel_url": back,
            "submit_label": _("Salva il partner"),
        },
    )


@proposal_view
def partner_add(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    return _partner_form_page(request, proposal, None)


@proposal_view
def partner_edit(
    request: AuthenticatedHttpRequest, proposal: Proposal, partner_pk: int
) -> HttpResponse:
    return _partner_form_page(
        request, proposal, get_object_or_404(Partner, proposal=proposal, pk=partner_pk)
    )


@require_POST
@proposal_view
def partner_remove(
    request: AuthenticatedHttpRequest, proposal: Proposal, partner_pk: int
) -> HttpResponse:
    partner = get_object_or_404(Partner, proposal=proposal, pk=partner_pk)
    run_action(
        request,
        lambda: services.remove_partner(partner=partner, by=request.user),
        _("Partner rimosso."),
    )
    return redirect(step_url(proposal, Step.APPLICANT))


# After submission


@require_POST
@proposal_view
def reopen(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    ok = run_action(
        request,
        lambda: services.reopen_proposal(proposal=proposal, by=request.user),
        _(
            "Domanda riaperta. La versione presentata resta valida finché non ne presenti una nuova."
        ),
    )
    return redirect(step_url(proposal, Step.IDEA if ok else Step.SUMMARY))


@proposal_view
def withdraw(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, receipt = run_service(
            form,
            lambda: services.withdraw_proposal(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if ok:
            messages.success(request, _("Domanda ritirata. Ecco la ricevuta del ritiro."))
            return redirect("applications:receipt", receipt.pk)
    back = reverse("applications:list")
    return render(
        request,
        "applicants/form.html",
        {
            "form": form,
            "title": _("Ritira la domanda «%(title)s»") % {"title": proposal},
            "intro": _(
                "Il ritiro è definitivo: la domanda non sarà valutata. Riceverai una ricevuta con un numero di protocollo."
            ),
            "crumbs": area_crumbs(
                (str(proposal), reverse("applications:proposal", args=[proposal.pk])),
                (_("Ritiro"), None),
            ),
            "cancel_url": back,
            "submit_label": _("Ritira la domanda"),
        },
    )


@require_POST
@proposal_view
def discard(request: AuthenticatedHttpRequest, proposal: Proposal) -> HttpResponse:
    ok = run_action(
        request,
        lambda: services.discard_draft(proposal=proposal, by=request.user),
        _("Bozza eliminata."),
    )
    return redirect("applications:list" if ok else step_url(proposal, Step.SUMMARY))


# Receipts


def receipt_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        receipt = get_object_or_404(
            Receipt.objects.select_related(
                "call__city", "proposal__call", "proposal__group", "issued_by"
            ),
            pk=pk,
        )
        if not request.user.has_perm("applications.view_proposal", receipt.proposal):
            raise Http404
        return view(request, receipt)

    return wrapper


@receipt_view
def receipt(request: AuthenticatedHttpRequest, receipt: Receipt) -> HttpResponse:
    content = selectors.with_labels(json.loads(receipt.content))
    return render(
        request,
        "applications/receipt.html",
        {
            "title": _("Ricevuta n. %(n)d") % {"n": receipt.protocol_number},
            "receipt": receipt,
            "content": content,
            "is_withdrawal": receipt.kind == ReceiptKind.WITHDRAWAL,
            "attachment_urls": _attachment_urls(receipt.proposal),
            "verify_url": reverse(
                "applications:verify_receipt", args=[receipt.call.city.slug, receipt.call.slug]
            ),
            "crumbs": area_crumbs(
                (
                    str(receipt.proposal),
                    reverse("applications:proposal", args=[receipt.proposal_id]),
                ),
                (_("Ricevuta"), None),
            ),
        },
    )


@receipt_view
def receipt_pdf(request: AuthenticatedHttpRequest, receipt: Receipt) -> HttpResponse:
    from rione.applications.pdf import receipt_pdf as build

    return _pdf(build(receipt), f"ricevuta-{receipt.protocol_number}.pdf")


@receipt_view
def application_pdf(request: AuthenticatedHttpRequest, receipt: Receipt) -> HttpResponse:
    from rione.applications.pdf import application_pdf as build

    if receipt.kind == ReceiptKind.WITHDRAWAL:
        raise Http404
    return _pdf(build(receipt), f"domanda-{receipt.protocol_number}.pdf")


@receipt_view
def receipt_content(request: AuthenticatedHttpRequest, receipt: Receipt) -> HttpResponse:
    """The canonical content, byte for byte: its SHA-256 is the receipt's hash."""
    response = HttpResponse(
        receipt.content.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ricevuta-{receipt.protocol_number}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def verify_receipt(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    """Anyone can check that a receipt number and hash were really issued for this call."""
    city = get_object_or_404(City, slug=city_slug, is_published=True)
    call = get_object_or_404(Call.objects.public(), city=city, slug=call_slug)
    form = VerifyReceiptForm(request.GET or None)
    outcome = None
    found = None
    if form.is_bound and form.is_valid():
        found = selectors.find_receipt(
            call=call, protocol_number=form.cleaned_data["protocol_number"]
        )
        outcome = found is not None and found.sha256 == form.cleaned_data["sha256"]
        if not outcome:
            found = None
    response = render(
        request,
        "applications/verify.html",
        {
            "title": _("Verifica una ricevuta"),
            "city": city,
            "call": call,
            "form": form,
            "outcome": outcome,
            "found": found,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# Questions and session


@login_required
def ask(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.public().select_related("city"), pk=call_pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _question = run_service(
            form,
            lambda: services.ask_question(
                call=call, by=request.user, text=form.cleaned_data["text"]
            ),
        )
        if ok:
            messages.success(request, _("Domanda inviata. Riceverai la risposta per e-mail."))
            return redirect("applications:questions")
    return render(
        request,
        "applicants/form.html",
        {
            "form": form,
            "title": _("Fai una domanda sull'avviso «%(title)s»") % {"title": call.title},
            "intro": _(
                "Lo staff della città risponde per e-mail; le risposte utili a tutti sono pubblicate tra le domande frequenti dell'avviso."
            ),
            "crumbs": [
                (_("Area personale"), reverse("applicants:home")),
                (_("Quesiti"), reverse("applications:questions")),
                (_("Nuovo"), None),
            ],
            "cancel_url": reverse("portal:call_detail", args=[call.city.slug, call.slug]),
            "submit_label": _("Invia la domanda"),
        },
    )


@login_required
def questions(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/questions.html",
        {
            "title": _("I tuoi quesiti"),
            "page": paginate(request, selectors.questions_of(user=request.user)),
            "crumbs": [(_("Area personale"), reverse("applicants:home")), (_("Quesiti"), None)],
        },
    )


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Extend the session from the timeout warning; tells the page how long it has now."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False}, status=401)
    request.session.modified = True
    return JsonResponse({"authenticated": True, "seconds": request.session.get_expiry_age()})
