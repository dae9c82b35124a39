"""The personal area of applicants. Thin: parse input, call a service or selector, render.

Someone else's organisation or group answers 404; a member who may see an
organisation but not manage it gets 403 on the management pages.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rione.applicants import selectors, services
from rione.applicants.forms import (
    GroupForm,
    GroupMemberForm,
    GroupMemberFormSet,
    InviteMemberForm,
    NewOrganisationForm,
    OrganisationForm,
    ProfileForm,
)
from rione.applicants.models import (
    GroupMember,
    InformalGroup,
    MembershipInvitation,
    Organisation,
    OrganisationMembership,
)
from rione.backoffice.views.base import paginate, run_action, run_service
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access

Crumbs = list[tuple[str, str | None]]


def area_crumbs(*more: tuple[str, str | None]) -> Crumbs:
    return [(_("Area personale"), reverse("applicants:home")), *more]


def render_form(
    request: AuthenticatedHttpRequest,
    *,
    form: forms.BaseForm,
    title: str,
    crumbs: Crumbs,
    cancel_url: str,
    submit_label: str | None = None,
    intro: str = "",
    template: str = "applicants/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "crumbs": crumbs,
        "cancel_url": cancel_url,
        "submit_label": submit_label or _("Salva"),
        "intro": intro,
        **(extra or {}),
    }
    return render(request, template, context)


def organisation_view(
    perm: str | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve ``pk`` to an organisation the user acts for (else 404), then require ``perm``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(
            request: AuthenticatedHttpRequest, pk: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            organisation = access(
                request.user,
                Organisation.objects.all(),
                perm="applicants.view_organisation",
                pk=pk,
            )
            if perm and not request.user.has_perm(perm, organisation):
                raise PermissionDenied(perm)
            return view(request, organisation, *args, **kwargs)

        return wrapper

    return decorator


def group_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve ``pk`` to a group the user is the contact person of (else 404)."""

    @login_required
    @wraps(view)
    def wrapper(
        request: AuthenticatedHttpRequest, pk: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        group = access(
            request.user, InformalGroup.objects.all(), perm="applicants.view_group", pk=pk
        )
        return view(request, group, *args, **kwargs)

    return wrapper


# Personal area and profile


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "applicants/home.html",
        {
            "title": _("Area personale"),
            "person": selectors.get_person(user=user),
            "needs_consent": not services.has_current_consent(user),
            "memberships": paginate(
                request, selectors.list_memberships_of(user=user), param="pagina_enti"
            ),
            "groups": paginate(request, selectors.list_groups_of(user=user), param="pagina_gruppi"),
            "invitations": paginate(
                request, selectors.list_invitations_for(user=user), param="pagina_inviti"
            ),
            "crumbs": [(_("Area personale"), None)],
        },
    )


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    person = selectors.get_person(user=user)
    needs_consent = not services.has_current_consent(user)
    form = ProfileForm(
        request.POST or None,
        instance=person,
        needs_consent=needs_consent,
        language=user.language,
        initial=None if person else {"first_name": user.first_name, "last_name": user.last_name},
    )
    if request.method == "POST" and form.is_valid():

        def save() -> Any:
            saved = services.save_profile(
                user=user,
                by=user,
                values=form.values(exclude=("language", "privacy")),
                language=form.cleaned_data["language"],
                expected_updated_at=form.expected_updated_at,
            )
            if needs_consent:
                services.accept_privacy_notice(by=user)
            return saved

        ok, _person = run_service(form, save)
        if ok:
            messages.success(request, _("Profilo salvato."))
            return redirect("applicants:home")
    return render_form(
        request,
        form=form,
        title=_("Il tuo profilo"),
        crumbs=area_crumbs((_("Profilo"), None)),
        cancel_url=reverse("applicants:home"),
        intro=_(
            "Questi dati servono alla città per sapere chi presenta le domande. "
            "Il codice fiscale è verificato, non pubblicato."
        ),
        extra={"privacy_url": reverse("portal:privacy"), "needs_consent": needs_consent},
    )


# Organisations


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, organisation = run_service(
            form,
            lambda: services.create_organisation(
                by=request.user,
                values=form.values(),
                creator_role=form.cleaned_data["creator_role"],
            ),
        )
        if ok:
            messages.success(request, _("Ente registrato."))
            return redirect("applicants:organisation_detail", organisation.pk)
    return render_form(
        request,
        form=form,
        title=_("Registra un ente"),
        crumbs=area_crumbs((_("Nuovo ente"), None)),
        cancel_url=reverse("applicants:home"),
        submit_label=_("Registra l'ente"),
    )


@organisation_view()
def organisation_detail(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    can_manage = request.user.has_perm("applicants.manage_members", organisation)
    return render(
        request,
        "applicants/organisation_detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "can_manage": can_manage,
            "members": paginate(request, selectors.list_members(organisation=organisation)),
            "invitations": paginate(
                request,
                selectors.list_pending_invitations(organisation=organisation),
                param="pagina_inviti",
            )
            if can_manage
            else None,
            "crumbs": area_crumbs((organisation.name, None)),
        },
    )


@organisation_view("applicants.change_organisation")
def organisation_edit(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation)
    detail = reverse("applicants:organisation_detail", args=[organisation.pk])
    if request.method == "POST" and form.is_valid():
        ok, _saved = run_service(
            form,
            lambda: services.update_organisation(
                organisation=organisation,
                by=request.user,
                values=form.values(),
                expected_updated_at=form.expected_updated_at,
            ),
        )
        if ok:
            messages.success(request, _("Dati dell'ente salvati."))
            return redirect(detail)
    return render_form(
        request,
        form=form,
        title=_("Modifica i dati dell'ente"),
        crumbs=area_crumbs((organisation.name, detail), (_("Modifica"), None)),
        cancel_url=detail,
    )


@organisation_view("applicants.manage_members")
def member_invite(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    form = InviteMemberForm(request.POST or None)
    detail = reverse("applicants:organisation_detail", args=[organisation.pk])
    if request.method == "POST" and form.is_valid():
        ok, _invitation = run_service(
            form,
            lambda: services.invite_member(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            ),
        )
        if ok:
            messages.success(request, _("Invito inviato."))
            return redirect(detail)
    return render_form(
        request,
        form=form,
        title=_("Invita una persona"),
        crumbs=area_crumbs((organisation.name, detail), (_("Invita"), None)),
        cancel_url=detail,
        submit_label=_("Invia l'invito"),
    )


@require_POST
@organisation_view("applicants.manage_members")
def member_remove(
    request: AuthenticatedHttpRequest, organisation: Organisation, membership_pk: int
) -> HttpResponse:
    membership = OrganisationMembership.objects.filter(
        organisation=organisation, pk=membership_pk
    ).first()
    if membership is None:
        raise Http404
    run_action(
        request,
        lambda: services.remove_member(membership=membership, by=request.user),
        _("La persona non agisce più per l'ente."),
    )
    return redirect("applicants:organisation_detail", organisation.pk)


@require_POST
@organisation_view("applicants.manage_members")
def invitation_revoke(
    request: AuthenticatedHttpRequest, organisation: Organisation, invitation_pk: int
) -> HttpResponse:
    invitation = MembershipInvitation.objects.filter(
        organisation=organisation, pk=invitation_pk
    ).first()
    if invitation is None:
        raise Http404
    run_action(
        request,
        lambda: services.revoke_membership_invitation(invitation=invitation, by=request.user),
        _("Invito revocato."),
    )
    return redirect("applicants:organisation_detail", organisation.pk)


@login_required
def invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The invited person accepts; anyone else is told why they cannot."""
    invitation = (
        MembershipInvitation.objects.select_related("organisation").filter(token=token).first()
    )
    if invitation is None:
        raise Http404
    user = request.user
    if request.method == "POST":
        try:
            services.accept_membership_invitation(token=token, user=user)
        except services.InvitationNotUsable as error:
            messages.error(request, str(error.message))
            return redirect("applicants:invitation_accept", token)
        messages.success(
            request,
            _("Ora agisci per %(name)s.") % {"name": invitation.organisation.name},
        )
        return redirect("applicants:organisation_detail", invitation.organisation_id)
    problem = services.invitation_problem(invitation, user=user)
    return render(
        request,
        "applicants/invitation_accept.html",
        {
            "invitation": invitation,
            "title": _("Invito ad agire per %(name)s") % {"name": invitation.organisation.name},
            "problem": problem.message if problem else "",
            "logout_next": urlencode({"next": request.path}),
            "crumbs": area_crumbs((_("Invito"), None)),
        },
    )


# Informal groups


@login_required
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    minimum = services.default_min_members()
    form = GroupForm(request.POST or None)
    formset = GroupMemberFormSet(
        request.POST or None,
        prefix="componenti",
        initial=None if request.method == "POST" else [{}] * minimum,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        ok, group = run_service(
            form,
            lambda: services.create_group(
                by=request.user, name=form.cleaned_data["name"], members=formset.rows()
            ),
        )
        if ok:
            messages.success(request, _("Gruppo informale registrato."))
            return redirect("applicants:group_detail", group.pk)
    return render_form(
        request,
        form=form,
        title=_("Registra un gruppo informale"),
        crumbs=area_crumbs((_("Nuovo gruppo"), None)),
        cancel_url=reverse("applicants:home"),
        submit_label=_("Registra il gruppo"),
        intro=_(
            "Sarai tu il referente del gruppo. Indica almeno %(n)d componenti, te compreso, "
            "con nome, cognome e codice fiscale."
        )
        % {"n": minimum},
        template="applicants/group_form.html",
        extra={"formset": formset},
    )


@group_view
def group_detail(request: AuthenticatedHttpRequest, group: InformalGroup) -> HttpResponse:
    return render(
        request,
        "applicants/group_detail.html",
        {
            "title": group.name,
            "group": group,
            "members": paginate(request, selectors.list_group_members(group=group)),
            "member_form": GroupMemberForm(),
            "crumbs": area_crumbs((group.name, None)),
        },
    )


@group_view
def group_edit(request: AuthenticatedHttpRequest, group: InformalGroup) -> HttpResponse:
    form = GroupForm(request.POST or None, instance=group)
    detail = reverse("applicants:group_detail", args=[group.pk])
    if request.method == "POST" and form.is_valid():
        ok, _saved = run_service(
            form,
            lambda: services.update_group(
                group=group,
                by=request.user,
                values=form.values(),
                expected_updated_at=form.expected_updated_at,
            ),
        )
        if ok:
            messages.success(request, _("Gruppo salvato."))
            return redirect(detail)
    return render_form(
        request,
        form=form,
        title=_("Modifica il gruppo"),
        crumbs=area_crumbs((group.name, detail), (_("Modifica"), None)),
        cancel_url=detail,
    )


@group_view
def group_member_add(request: AuthenticatedHttpRequest, group: InformalGroup) -> HttpResponse:
    form = GroupMemberForm(request.POST or None)
    detail = reverse("applicants:group_detail", args=[group.pk])
    if request.method == "POST" and form.is_valid():
        ok, _member = run_service(
            form,
            lambda: services.add_group_member(group=group, by=request.user, values=form.values()),
        )
        if ok:
            messages.success(request, _("Componente aggiunto."))
            return redirect(detail)
    return render_form(
        request,
        form=form,
        title=_("Aggiungi un componente"),
        crumbs=area_crumbs((group.name, detail), (_("Nuovo componente"), None)),
        cancel_url=detail,
        submit_label=_("Aggiungi"),
    )


@require_POST
@group_view
def group_member_remove(
    request: AuthenticatedHttpRequest, group: InformalGroup, member_pk: int
) -> HttpResponse:
    member = GroupMember.objects.filter(group=group, pk=member_pk).first()
    if member is None:
        raise Http404
    run_action(
        request,
        lambda: services.remove_group_member(member=member, by=request.user),
        _("Componente rimosso."),
    )
    return redirect("applicants:group_detail", group.pk)
