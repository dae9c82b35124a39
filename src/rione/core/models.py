"""Base models, users, staff roles and the append-only audit trail."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rione.core.files import private_storage


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        abstract = True


class MoneyField(models.DecimalField):
    """Euro amounts: Decimal, 2 places, up to 999 billion."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        kwargs.pop("validators", None)
        return name, path, args, kwargs


class PercentField(models.DecimalField):
    """A percentage between 0 and 100 with two places."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "validators", [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_digits", "decimal_places", "validators"):
            kwargs.pop(key, None)
        return name, path, args, kwargs


class EmailUserManager(UserManager["User"]):
    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("indirizzo e-mail"), unique=True)
    language = models.CharField(_("lingua"), max_length=8, choices=settings.LANGUAGES, default="it")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.email


class Role(models.TextChoices):
    """Staff roles, each scoped to one city. Applicants and citizens need no role."""

    CITY_ADMIN = "city_admin", _("Amministratore della città")
    PROGRAMME_MANAGER = "programme_manager", _("Responsabile di programma")
    EVALUATOR = "evaluator", _("Valutatore")
    MENTOR = "mentor", _("Mentore")
    FINANCE_OFFICER = "finance_officer", _("Responsabile finanziario")


class StaffRole(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    city = models.ForeignKey("territory.City", on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ruolo dello staff")
        verbose_name_plural = _("ruoli dello staff")
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "role"], name="one_role_per_user_city"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.city}"

    @property
    def owning_city_id(self) -> int:
        return self.city_id


class Invitation(TimeStampedModel):
    """A city admin invites someone by e-mail to take a staff role in the city."""

    email = models.EmailField(_("indirizzo e-mail"))
    city = models.ForeignKey("territory.City", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
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
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()} ({self.city})"

    @property
    def owning_city_id(self) -> int:
        return self.city_id


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only")


class AuditStream(models.Model):
    """The head of one hash chain (one per call, per city…): the row writers lock."""

    name = models.CharField(max_length=120, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who did what to which object, when; chained by SHA-256 to the previous event of its stream."""

    stream = models.CharField(max_length=120, db_index=True)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField(_("quando"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(_("azione"), max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    city_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="one_seq_per_audit_stream"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only")


class ApiToken(models.Model):
    """A personal token for the applicant API. Only the SHA-256 of its secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nome"), max_length=100)
    token_hash = models.CharField(_("impronta SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("creato il"))
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    expires_at = models.DateTimeField(_("scade il"))

    class Meta:
        verbose_name = _("token per l'API")
        verbose_name_plural = _("token per l'API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_stream(self) -> str:
        return f"user:{self.user_id}"

    def is_usable_at(self, at: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > at


def export_path(instance: "Export", filename: str) -> str:
    return f"exports/{instance.city_id}/{instance.token}/{filename}"


class ExportKind(models.TextChoices):
    """What a file export holds; each kind is a dataset in ``rione.core.exports.DATASETS``."""

    OPEN_DATA_PROJECTS = "opendata_projects", _("Dati aperti: progetti selezionati di un avviso")
    PROPOSALS = "proposals", _("Proposte presentate a un avviso")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In preparazione")
    DONE = "done", _("Pronto")
    FAILED = "failed", _("Non riuscito")


class Export(models.Model):
    """A file built in the background (XLSX), with its progress, kept for a few days.

    ``fingerprint`` names the version of the data the file reflects: a request for the
    same kind, parameters and fingerprint reuses a queued, running or finished export,
    and a change of the data (a new ranking, a new submission…) gives a new fingerprint
    and so a new file. ``rows_done`` is written by the builder every few hundred rows
    with a plain UPDATE, so that other requests can show the progress. The file is in
    private storage and is served only through a view that checks who may have it.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("tipo"), max_length=40, choices=ExportKind.choices)
    city = models.ForeignKey("territory.City", on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("parametri"), default=dict, blank=True)
    fingerprint = models.CharField(_("versione dei dati"), max_length=64)
    public = models.BooleanField(_("pubblico"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("righe previste"), default=0)
    rows_done = models.PositiveIntegerField(_("righe scritte"), default=0)
    file = models.FileField(
        upload_to=export_path, storage=private_storage, max_length=300, blank=True
    )
    file_name = models.CharField(_("nome del file"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("dimensione"), default=0)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("errore"), blank=True)
    created_at = models.DateTimeField(_("richiesto il"))
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finito il"), null=True, blank=True)

    class Meta:
        verbose_name = _("esportazione")
        verbose_name_plural = _("esportazioni")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="export_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file=""),
                name="export_done_has_file",
            ),
            # One file per version of the data: concurrent requests share it.
            models.UniqueConstraint(
                fields=["kind", "city", "public", "fingerprint"],
                condition=~models.Q(status="failed"),
                name="one_live_export_per_data",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.token}"

    @property
    def owning_city_id(self) -> int:
        return self.city_id

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}

    @property
    def percent(self) -> int:
        """Progress from 0 to 100; 100 only when the file is ready."""
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
