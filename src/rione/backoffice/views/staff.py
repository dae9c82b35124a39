"""The city's staff: roles, invitations, and accepting an invitation."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rione.core import clock, services
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import Invitation, StaffRole
from rione.core.permissions import access
from rione.territory.models import City

from ..forms import GrantRoleForm, InviteForm
from .base import city_view, paginate, render_form, run_action, run_service, saved


def _crumbs(city: City) -> list[tuple[str, str]]:
    return [
        (city.name, reverse("backoffice:city", args=[city.slug])),
        (_("Staff"), reverse("backoffice:staff_list", args=[city.slug])),
    ]


@city_view("core.manage_staff")
def staff_list(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    roles = StaffRole.objects.filter(city=city).select_related("user", "granted_by")
    invitations = Invitation.objects.filter(
        city=city, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=clock.now()
    ).select_related("invited_by")
    return render(
        request,
        "backoffice/staff_list.html",
        {
            "city": city,
            "nav": "staff",
            "title": _("Staff della città"),
            "crumbs": [_crumbs(city)[0], (_("Staff"), "")],
            "page": paginate(request, roles.order_by("user__email", "role", "pk")),
            "invitations": paginate(
                request, invitations.order_by("expires_at", "pk"), param="pagina_inviti"
            ),
        },
    )


@city_view("core.manage_staff")
def staff_invite(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, invitation = run_service(
            form,
            lambda: services.invite_staff(
                city=city,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            ),
        )
        if ok:
            return saved(
                request,
                _("Invito inviato a %(email)s.") % {"email": invitation.email},
                "backoffice:staff_list",
                city.slug,
            )
    return render_form(
        request,
        city=city,
        form=form,
        nav="staff",
        title=_("Invita una persona"),
        crumbs=[*_crumbs(city), (_("Invito"), "")],
        cancel_url=reverse("backoffice:staff_list", args=[city.slug]),
        submit_label=_("Invia l'invito"),
    )


@city_view("core.manage_staff")
def staff_grant(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    form = GrantRoleForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        ok, _role = run_service(
            form,
            lambda: services.grant_role(
                city=city,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=request.user,
            ),
        )
        if ok:
            return saved(request, _("Ruolo assegnato."), "backoffice:staff_list", city.slug)
    return render_form(
        request,
        city=city,
        form=form,
        nav="staff",
        title=_("Assegna un ruolo"),
        crumbs=[*_crumbs(city), (_("Ruolo"), "")],
        cancel_url=reverse("backoffice:staff_list", args=[city.slug]),
        submit_label=_("Assegna"),
    )


@require_POST
@city_view("core.manage_staff")
def staff_revoke(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    staff_role = access(
        request.user, StaffRole.objects.filter(city=city), perm="core.manage_staff", pk=pk
    )
    run_action(
        request,
        lambda: services.revoke_role(staff_role=staff_role, by=request.user),
        _("Ruolo revocato."),
    )
    return redirect("backoffice:staff_list", city.slug)


@require_POST
@city_view("core.manage_staff")
def invitation_revoke(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    invitation = access(
        request.user, Invitation.objects.filter(city=city), perm="core.manage_staff", pk=pk
    )
    run_action(
        request,
        lambda: services.revoke_invitation(invitation=invitation, by=request.user),
        _("Invito revocato."),
    )
    return redirect("backoffice:staff_list", city.slug)


def invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Open to everyone: strangers are asked to sign in; the invited person accepts."""
    invitation = (
        Invitation.objects.select_related("city").filter(token=token).first() if token else None
    )
    if invitation is None:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST" and user is not None:
        try:
            services.accept_invitation(token=token, user=user)
        except services.InvitationNotUsable as error:
            messages.error(request, str(error.message))
            return redirect("backoffice:invitation_accept", token)
        messages.success(
            request,
            _("Benvenuto nello staff di %(city)s.") % {"city": invitation.city.name},
        )
        return redirect("backoffice:city", invitation.city.slug)
    problem = services.invitation_problem(invitation, user=user)
    next_query = urlencode({"next": request.path})
    return render(
        request,
        "backoffice/invitation_accept.html",
        {
            "invitation": invitation,
            "title": _("Invito allo staff di %(city)s") % {"city": invitation.city.name},
            "problem": problem.message if problem else "",
            "login_url": f"{reverse('account_login')}?{next_query}",
            "signup_url": f"{reverse('account_signup')}?{next_query}",
            "anonymous": user is None,
            "crumbs": [],
        },
        status=200,
    )
