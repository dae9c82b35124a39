"""Staff pages of a commission's sessions and the download of its minutes (verbale) as a PDF.

Who sees what: managers of the city and the members of the commission (chair, members,
secretary) read the sessions and download the minutes; only the chair and the secretary
record, correct and delete sessions (others who see the page get 403). Everyone else gets
404, whatever the city, like the other pages of the commission.
"""

from typing import Any

from django import forms
from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rione.backoffice.forms import rome_datetime_field
from rione.backoffice.views.base import (
    city_view,
    render_form,
    require,
    run_action,
    run_service,
    saved,
)
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.evaluation import minutes as minutes_document
from rione.evaluation import selectors
from rione.evaluation.models import Commission, CommissionMember, CommissionSession
from rione.evaluation.services import minutes as minutes_services
from rione.evaluation.views.commissions import (
    VIEW,
    access_call,
    access_commission,
    commission_prefix,
    evaluation_crumbs,
    page_context,
)
from rione.programmes.models import Call
from rione.territory.models import City

RECORD = "evaluation.record_session"


class PresentField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user} ({obj.get_role_display()})"


class SessionForm(forms.Form):
    """A session of the commission; the service checks the time, the place and who was present."""

    held_at = rome_datetime_field(gettext_lazy("data e ora della seduta"), required=True)
    place = forms.CharField(
        label=gettext_lazy("luogo"),
        max_length=200,
        help_text=gettext_lazy(
            "Ad esempio «Sala giunta, Palazzo San Giacomo» oppure «videoconferenza»."
        ),
        error_messages={"required": gettext_lazy("Indica dove si è tenuta la seduta.")},
    )
    present = PresentField(
        label=gettext_lazy("componenti presenti"),
        queryset=CommissionMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Indica almeno un componente presente.")},
    )
    notes = forms.CharField(
        label=gettext_lazy("discussione e decisioni"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Che cosa è stato discusso e deciso: finisce nel verbale così come è scritto. "
            "Non indicare nomi di persone fisiche che hanno presentato proposte: usa il numero "
            "di protocollo."
        ),
        error_messages={
            "required": gettext_lazy("Scrivi che cosa è stato discusso e deciso nella seduta.")
        },
    )

    def __init__(self, *args: Any, members: QuerySet[CommissionMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = self.fields["present"]
        assert isinstance(present, forms.ModelMultipleChoiceField)
        present.queryset = members

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_at": data["held_at"],
            "place": data["place"],
            "present": list(data["present"]),
            "notes": data["notes"],
        }


def _members(commission: Commission) -> QuerySet[CommissionMember]:
    return (
        CommissionMember.objects.filter(commission=commission)
        .select_related("user")
        .order_by("role", "pk")
    )


def _sessions_url(city: City, call: Call, commission: Commission) -> str:
    return reverse("evaluation:commission_sessions", args=[city.slug, call.pk, commission.pk])


def _session_of(commission: Commission, session_pk: int) -> CommissionSession:
    session = CommissionSession.objects.filter(commission=commission, pk=session_pk).first()
    if session is None:
        raise Http404
    return session


@city_view()
def minutes_overview(request: AuthenticatedHttpRequest, city: City, call_pk: int) -> HttpResponse:
    """The "Sedute e verbale" tab: each commission the user may see, its sessions and minutes."""
    call = access_call(request, city, call_pk)
    commissions = [
        c
        for c in selectors.commissions_of(call=call).annotate(
            session_count=Count("sessions"), last_session=Max("sessions__held_at")
        )
        if request.user.has_perm(VIEW, c)
    ]
    return render(
        request,
        "evaluation/minutes_overview.html",
        {
            **page_context(request, city, call, "minutes"),
            "title": _("Sedute e verbale: %(call)s") % {"call": call.title},
            "crumbs": [*evaluation_crumbs(city, call), (_("Sedute e verbale"), "")],
            "commissions": commissions,
        },
    )


@city_view()
def commission_sessions(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    sessions = list(
        CommissionSession.objects.filter(commission=commission)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("present", queryset=_members(commission)))
        .order_by("held_at", "pk")
    )
    return render(
        request,
        "evaluation/commission_sessions.html",
        {
            **page_context(request, city, call, "minutes"),
            "title": _("Sedute: %(commission)s") % {"commission": commission.name},
            "crumbs": [
                *evaluation_crumbs(city, call),
                (
                    _("Sedute e verbale"),
                    reverse("evaluation:minutes_overview", args=[city.slug, call.pk]),
                ),
                (commission.name, ""),
            ],
            "commission": commission,
            "sessions": sessions,
            "can_record": request.user.has_perm(RECORD, commission),
        },
    )


def _session_form(
    request: AuthenticatedHttpRequest,
    city: City,
    call: Call,
    commission: Commission,
    session: CommissionSession | None,
) -> HttpResponse:
    back = _sessions_url(city, call, commission)
    members = _members(commission)
    if session is None:
        initial: dict[str, Any] = {"present": list(members)}
    else:
        initial = {
            "held_at": session.held_at,
            "place": session.place,
            "present": list(session.present.all()),
            "notes": session.notes,
        }
    form = SessionForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if session is None:
            ok, _result = run_service(
                form,
                lambda: minutes_services.record_session(
                    commission=commission, by=request.user, **values
                ),
            )
            message = _("Seduta registrata.")
        else:
            ok, _result = run_service(
                form,
                lambda: minutes_services.update_session(session=session, by=request.user, **values),
            )
            message = _("Seduta aggiornata.")
        if ok:
            return saved(
                request,
                message,
                "evaluation:commission_sessions",
                city.slug,
                call.pk,
                commission.pk,
            )
    title = _("Registra una seduta") if session is None else _("Modifica la seduta")
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=title,
        crumbs=[
            *evaluation_crumbs(city, call),
            (
                _("Sedute e verbale"),
                reverse("evaluation:minutes_overview", args=[city.slug, call.pk]),
            ),
            (commission.name, back),
            (title, ""),
        ],
        cancel_url=back,
        intro=_(
            "Registra la seduta dopo che si è tenuta: data e ora, luogo, componenti presenti e "
            "che cosa è stato discusso e deciso. Il verbale in PDF la riporta così."
        ),
        template="evaluation/session_form.html",
        extra={"call": call, "commission": commission, "session": session},
    )


@city_view()
def session_create(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    require(request, RECORD, commission)
    return _session_form(request, city, call, commission, None)


@city_view()
def session_edit(
    request: AuthenticatedHttpRequest,
    city: City,
    call_pk: int,
    commission_pk: int,
    session_pk: int,
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    session = _session_of(commission, session_pk)
    require(request, RECORD, commission)
    return _session_form(request, city, call, commission, session)


@require_POST
@city_view()
def session_delete(
    request: AuthenticatedHttpRequest,
    city: City,
    call_pk: int,
    commission_pk: int,
    session_pk: int,
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    session = _session_of(commission, session_pk)
    require(request, RECORD, commission)
    run_action(
        request,
        lambda: minutes_services.delete_session(session=session, by=request.user),
        _("Seduta eliminata."),
    )
    return redirect("evaluation:commission_sessions", city.slug, call.pk, commission.pk)


@require_GET
@city_view()
def minutes_download(
    request: AuthenticatedHttpRequest, city: City, call_pk: int, commission_pk: int
) -> HttpResponse:
    call = access_call(request, city, call_pk)
    commission = access_commission(request, call, commission_pk)
    content, _minutes = minutes_document.minutes_pdf(commission=commission, at=clock.now())
    response = HttpResponse(content, content_type="application/pdf")
    name = f"verbale-{call.slug}-commissione-{commission.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


call_prefix = "gestione/<slug:city_slug>/avvisi/<int:call_pk>/"

urlpatterns: list[URLPattern] = [
    path(f"{call_prefix}commissione/sedute/", minutes_overview, name="minutes_overview"),
    path(f"{commission_prefix}sedute/", commission_sessions, name="commission_sessions"),
    path(f"{commission_prefix}sedute/nuova/", session_create, name="commission_session_create"),
    path(
        f"{commission_prefix}sedute/<int:session_pk>/",
        session_edit,
        name="commission_session_edit",
    ),
    path(
        f"{commission_prefix}sedute/<int:session_pk>/elimina/",
        session_delete,
        name="commission_session_delete",
    ),
    path(f"{commission_prefix}verbale.pdf", minutes_download, name="commission_minutes_pdf"),
]
