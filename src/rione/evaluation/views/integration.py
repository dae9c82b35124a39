"""Integration requests after the request: the applicant's answer and the staff's download.

The applicant's page lives in the personal area and answers 404 to anyone who is not one
of the proposal's applicants; the download is the call's managers' (as the review page).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from rione.applications.models import Proposal
from rione.backoffice.views.base import (
    city_view,
    run_service,
    staff_download,
)
from rione.backoffice.views.calls import get_call
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.evaluation import services
from rione.evaluation.forms import (
    IntegrationAnswerForm,
)
from rione.evaluation.models import (
    IntegrationRequest,
)
from rione.evaluation.views.admissibility import PERM, proposal_under_review
from rione.territory.models import City


# city_view is typed for HttpResponse; a FileResponse streams (StreamingHttpResponse).
@city_view()  # type: ignore[arg-type]
def integration_attachment(
    request: AuthenticatedHttpRequest, city: City, pk: int, proposal_pk: int, request_pk: int
) -> FileResponse:
    """The file an applicant sent with an answer; the download is audited."""
    call = get_call(request, city, pk, PERM)
    proposal = proposal_under_review(request, call, proposal_pk)
    found = get_object_or_404(
        IntegrationRequest.objects.select_related("attachment"), proposal=proposal, pk=request_pk
    )
    attachment = found.attachment
    return staff_download(attachment, proposal=proposal, by=request.user)


# Applicant


@login_required
def integration_answer(request: AuthenticatedHttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """The applicant answers an integration request: text and, optionally, a file."""
    proposal: Proposal = access(
        request.user,
        Proposal.objects.select_related("call__city"),
        perm="applications.open_in_personal_area",
        pk=pk,
    )
    found = get_object_or_404(
        IntegrationRequest.objects.select_related("required_document", "attachment"),
        proposal=proposal,
        pk=request_pk,
    )
    now = clock.now()
    is_answered = found.answered_at is not None
    is_overdue = not is_answered and found.due_at <= now
    can_answer = request.user.has_perm("applications.submit_proposal", proposal)
    form = IntegrationAnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        ok, _answered = run_service(
            form,
            lambda: services.answer_integration(
                request=found,
                by=request.user,
                answer=form.cleaned_data["answer"],
                upload=form.cleaned_data["file"] or None,
            ),
        )
        if ok:
            messages.success(request, _("Risposta inviata. La città la esaminerà."))
            return redirect("evaluation:integration_answer", proposal.pk, found.pk)
    list_url = reverse("applications:list")
    return render(
        request,
        "evaluation/integration_answer.html",
        {
            "title": _("Richiesta di integrazione"),
            "proposal": proposal,
            "integration": found,
            "is_answered": is_answered,
            "is_overdue": is_overdue,
            "can_answer": can_answer,
            "form": form,
            "cancel_url": list_url,
            "crumbs": [
                (_("Area personale"), reverse("applicants:home")),
                (_("Le mie domande"), list_url),
                (str(proposal), None),
                (_("Richiesta di integrazione"), None),
            ],
        },
    )


ONE = "gestione/<slug:city_slug>/avvisi/<int:pk>/ammissibilita/proposte/<int:proposal_pk>/"

urlpatterns: list[URLPattern] = [
    path(
        ONE + "integrazioni/<int:request_pk>/allegato/",
        integration_attachment,
        name="integration_attachment",
    ),
    path(
        "area-personale/domande/<int:pk>/integrazioni/<int:request_pk>/",
        integration_answer,
        name="integration_answer",
    ),
]
