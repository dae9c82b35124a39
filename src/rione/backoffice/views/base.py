"""What every back-office view shares: access to the city, service errors on forms, pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applications.models import Attachment, Proposal
from rione.applications.services.staff import record_attachment_download
from rione.core.errors import DomainError
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import User
from rione.core.permissions import access
from rione.territory.models import City

PAGE_SIZE = 25

# Database constraints whose default message names the constraint: the field and words to show.
CONSTRAINT_ERRORS: dict[str, tuple[str, Any]] = {
    "call_closes_after_opening": (
        "closes_at",
        gettext_lazy("La scadenza deve essere successiva all'apertura delle candidature."),
    ),
    "call_cap_positive": (
        "cap_selected",
        gettext_lazy("Il numero massimo di proposte selezionate deve essere almeno 1."),
    ),
    "published_call_has_dates": (
        "opens_at",
        gettext_lazy("Un avviso pubblicato deve avere apertura e scadenza."),
    ),
    "grant_min_not_above_max": (
        "max_grant",
        gettext_lazy("Il contributo massimo non può essere inferiore al contributo minimo."),
    ),
    "cofinancing_pct_0_100": (
        "min_cofinancing_pct",
        gettext_lazy("Il cofinanziamento minimo deve essere compreso tra 0 e 100%."),
    ),
    "stage_ends_after_start": (
        "ends_on",
        gettext_lazy("La fine della fase non può precedere l'inizio."),
    ),
    "extension_has_new_deadline": (
        "new_closes_at",
        gettext_lazy("Una proroga deve indicare la nuova scadenza."),
    ),
    "site_latitude_range": ("latitude", gettext_lazy("La latitudine va da -90 a 90.")),
    "site_longitude_range": ("longitude", gettext_lazy("La longitudine va da -180 a 180.")),
    "site_coordinates_both_or_none": (
        "longitude",
        gettext_lazy("Indica sia la latitudine sia la longitudine, oppure nessuna."),
    ),
    "city_ipa_code_unique": ("ipa_code", gettext_lazy("Un'altra città ha già questo codice IPA.")),
    "runts_section_only_for_ets": (
        "runts_section",
        gettext_lazy("La sezione RUNTS si indica solo per gli enti del Terzo settore."),
    ),
}
SCOPE_FIELDS = frozenset({"city", "call", "programme"})


def _locate(
    form: forms.BaseForm, field: str | None, error: ValidationError
) -> tuple[str | None, Any]:
    message = error.message % error.params if error.params else error.message
    text = str(message)
    for name, (target, nice) in CONSTRAINT_ERRORS.items():
        if name in text:
            return (target if target in form.fields else None), nice
    if error.code == "unique_together" and error.params:
        for candidate in error.params.get("unique_check", ()):
            if candidate in form.fields and candidate not in SCOPE_FIELDS:
                return candidate, _("Questo valore è già usato: scegline un altro.")
    if field in form.fields and field != NON_FIELD_ERRORS:
        return field, message
    return None, message


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                for single in item.error_list if hasattr(item, "error_list") else [item]:
                    target, message = _locate(form, field, single)
                    form.add_error(target, message)
    else:
        for single in error.error_list:
            target, message = _locate(form, None, single)
            form.add_error(target, message)


def run_service(form: forms.BaseForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Call ``action``; on a refusal put the message on ``form`` and report failure."""
    try:
        return True, action()
    except ValidationError as error:
        attach_errors(form, error)
    except DomainError as error:  # ConcurrentEdit included
        form.add_error(None, str(error.message))
    return False, None


def run_action(request: AuthenticatedHttpRequest, action: Callable[[], Any], success: str) -> bool:
    """A button (POST without a form): flash the outcome instead of re-rendering a form."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    except DomainError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, success)
    return True


def require(request: AuthenticatedHttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and at least one staff role somewhere (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(request, "core.use_backoffice")
        if settings.REQUIRE_STAFF_MFA and not has_totp(request.user):
            messages.warning(
                request,
                _("Per usare la gestione attiva prima l'autenticazione a due fattori (TOTP)."),
            )
            activate = reverse("mfa_activate_totp")
            return redirect(f"{activate}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def city_view(
    perm: str | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve ``city_slug`` (404 unless the user is staff there), then require ``perm`` on it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @staff_view
        @wraps(view)
        def wrapper(
            request: AuthenticatedHttpRequest, city_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            city = access(
                request.user, City.objects.all(), perm="core.view_city_backoffice", slug=city_slug
            )
            if perm:
                require(request, perm, city)
            return view(request, city, *args, **kwargs)

        return wrapper

    return decorator


def paginate(
    request: AuthenticatedHttpRequest,
    items: QuerySet[Any] | list[Any],
    size: int = PAGE_SIZE,
    param: str = "pagina",
) -> Page:
    page = Paginator(items, size).get_page(request.GET.get(param))
    page.param = param  # type: ignore[attr-defined]
    return page


def render_form(
    request: AuthenticatedHttpRequest,
    *,
    city: City,
    form: forms.BaseForm,
    title: str,
    crumbs: list[tuple[str, str]],
    cancel_url: str,
    nav: str = "",
    submit_label: str | None = None,
    multipart: bool = False,
    intro: str = "",
    extra: dict[str, Any] | None = None,
    template: str = "backoffice/form.html",
) -> HttpResponse:
    status = 200
    context = {
        "city": city,
        "form": form,
        "title": title,
        "crumbs": crumbs,
        "cancel_url": cancel_url,
        "nav": nav,
        "submit_label": submit_label or _("Salva"),
        "multipart": multipart,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, template, context, status=status)


def saved(request: AuthenticatedHttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


def label_of(obj: Model) -> str:
    return str(obj._meta.verbose_name)


def staff_download(attachment: Attachment | None, *, proposal: Proposal, by: User) -> FileResponse:
    """An applicant's file for staff who may see it: audited, never sniffed nor cached.

    404 when there is no such file, or it is gone from storage.
    """
    if attachment is None:
        raise Http404
    attachment.proposal = proposal
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_attachment_download(attachment=attachment, by=by)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
