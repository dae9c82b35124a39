"""People who apply, the organisations and informal groups they act for, and their members.

Applicants are not city-scoped: one account applies to calls of any city. Their audit
events go to their own stream (``person:…``, ``organisation:…``, ``group:…``).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rione.applicants.validators import (
    normalise_code,
    validate_entity_cf,
    validate_partita_iva,
    validate_person_cf,
)
from rione.core.models import TimeStampedModel
from rione.territory.models import RuntsSection


class Person(TimeStampedModel):
    """The profile of a user who applies: who they are for the city."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    first_name = models.CharField(_("nome"), max_length=150)
    last_name = models.CharField(_("cognome"), max_length=150)
    codice_fiscale = models.CharField(
        _("codice fiscale"), max_length=16, unique=True, validators=[validate_person_cf]
    )
    phone = models.CharField(_("telefono"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"person:{self.user_id}"


class PrivacyConsent(models.Model):
    """A user accepted one version of the privacy notice at a given time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    version = models.CharField(_("versione dell'informativa"), max_length=40)
    accepted_at = models.DateTimeField(_("accettata il"))

    class Meta:
        verbose_name = _("consenso all'informativa privacy")
        verbose_name_plural = _("consensi all'informativa privacy")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_consent_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"person:{self.user_id}"


class LegalForm(models.TextChoices):
    """Third-sector entities by RUNTS section (same codes as RuntsSection), then other forms."""

    ODV = RuntsSection.ODV.value, RuntsSection.ODV.label
    APS = RuntsSection.APS.value, RuntsSection.APS.label
    PHILANTHROPIC = RuntsSection.PHILANTHROPIC.value, RuntsSection.PHILANTHROPIC.label
    SOCIAL_ENTERPRISE = RuntsSection.SOCIAL_ENTERPRISE.value, RuntsSection.SOCIAL_ENTERPRISE.label
    NETWORK_ASSOCIATION = (
        RuntsSection.NETWORK_ASSOCIATION.value,
        RuntsSection.NETWORK_ASSOCIATION.label,
    )
    MUTUAL_AID = RuntsSection.MUTUAL_AID.value, RuntsSection.MUTUAL_AID.label
    OTHER_ETS = RuntsSection.OTHER_ETS.value, RuntsSection.OTHER_ETS.label
    ASSOCIATION = "association", _("Associazione non iscritta al RUNTS")
    COOPERATIVE = "cooperative", _("Cooperativa (non sociale)")
    COMPANY = "company", _("Impresa o società")
    FOUNDATION = "foundation", _("Fondazione non iscritta al RUNTS")
    COMMITTEE = "committee", _("Comitato")
    RELIGIOUS_BODY = "religious_body", _("Ente religioso civilmente riconosciuto")
    OTHER = "other", _("Altra forma giuridica")


ETS_FORMS = frozenset(RuntsSection.values)


class Organisation(TimeStampedModel):
    """A legal entity that applies: an ETS, an association, a company…"""

    name = models.CharField(_("denominazione"), max_length=250)
    legal_form = models.CharField(_("forma giuridica"), max_length=32, choices=LegalForm.choices)
    codice_fiscale = models.CharField(
        _("codice fiscale"), max_length=16, blank=True, validators=[validate_entity_cf]
    )
    partita_iva = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    pec = models.EmailField(
        _("PEC"), help_text=_("L'indirizzo di posta certificata per le comunicazioni ufficiali.")
    )
    runts_number = models.CharField(_("numero di iscrizione al RUNTS"), max_length=40, blank=True)
    runts_registered_on = models.DateField(_("data di iscrizione al RUNTS"), null=True, blank=True)
    registered_office = models.CharField(_("sede legale"), max_length=300)
    legal_rep_name = models.CharField(_("legale rappresentante: nome e cognome"), max_length=250)
    legal_rep_cf = models.CharField(
        _("legale rappresentante: codice fiscale"),
        max_length=16,
        validators=[validate_person_cf],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(codice_fiscale="") | ~Q(partita_iva=""),
                name="organisation_has_cf_or_vat",
            ),
            models.CheckConstraint(
                condition=~Q(legal_form__in=sorted(ETS_FORMS))
                | (~Q(runts_number="") & Q(runts_registered_on__isnull=False)),
                name="ets_has_runts_registration",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ets(self) -> bool:
        return self.legal_form in ETS_FORMS

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"organisation:{self.pk}"

    def clean(self) -> None:
        self.codice_fiscale = normalise_code(self.codice_fiscale)
        self.partita_iva = normalise_code(self.partita_iva).removeprefix("IT")
        self.legal_rep_cf = normalise_code(self.legal_rep_cf)
        errors: dict[str, Any] = {}
        if not self.codice_fiscale and not self.partita_iva:
            errors["codice_fiscale"] = _(
                "Indica il codice fiscale dell'ente, la partita IVA o entrambi."
            )
        if self.is_ets:
            if not self.runts_number.strip():
                errors["runts_number"] = _(
                    "Un ente del Terzo settore deve indicare il numero di iscrizione al RUNTS."
                )
            if self.runts_registered_on is None:
                errors["runts_registered_on"] = _(
                    "Un ente del Terzo settore deve indicare la data di iscrizione al RUNTS."
                )
        if errors:
            raise ValidationError(errors)


class MemberRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legale rappresentante")
    DELEGATE = "delegate", _("Delegato")
    MEMBER = "member", _("Componente")


MANAGING_ROLES = frozenset({MemberRole.LEGAL_REPRESENTATIVE, MemberRole.DELEGATE})


class OrganisationMembership(TimeStampedModel):
    """A user acts for an organisation with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("ruolo"), max_length=32, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("componente dell'ente")
        verbose_name_plural = _("componenti dell'ente")
        ordering = ["organisation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGING_ROLES

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"organisation:{self.organisation_id}"


class MembershipInvitation(TimeStampedModel):
    """A manager of an organisation invites someone by e-mail to act for it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("indirizzo e-mail"))
    role = models.CharField(_("ruolo"), max_length=32, choices=MemberRole.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("scade il"))
    accepted_at = models.DateTimeField(_("accettato il"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("invito a un ente")
        verbose_name_plural = _("inviti a un ente")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"organisation:{self.organisation_id}"


class InformalGroup(TimeStampedModel):
    """Citizens without a legal entity, with named members and one contact person."""

    name = models.CharField(_("nome del gruppo"), max_length=250)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_for_groups",
        verbose_name=_("referente"),
    )

    class Meta:
        verbose_name = _("gruppo informale")
        verbose_name_plural = _("gruppi informali")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"group:{self.pk}"


class GroupMember(TimeStampedModel):
    """A named member of an informal group."""

    group = models.ForeignKey(InformalGroup, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField(_("nome"), max_length=150)
    last_name = models.CharField(_("cognome"), max_length=150)
    codice_fiscale = models.CharField(
        _("codice fiscale"), max_length=16, validators=[validate_person_cf]
    )

    class Meta:
        verbose_name = _("componente del gruppo")
        verbose_name_plural = _("componenti del gruppo")
        ordering = ["group", "last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "codice_fiscale"], name="one_member_per_cf_in_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def owning_city_id(self) -> None:
        return None

    @property
    def audit_stream(self) -> str:
        return f"group:{self.group_id}"
