"""Proposals (domande) to a call, their parts, attachments and the receipts of submission.

A proposal is the working copy the applicant edits step by step. Each submission
freezes its canonical content in a ``Receipt``; the latest submission is the one
evaluated, even while the applicant edits a reopened proposal.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rione.applicants.models import InformalGroup, Organisation
from rione.core.files import private_storage
from rione.core.models import MoneyField, TimeStampedModel
from rione.core.money import round_money
from rione.programmes.models import Call, ExtraQuestion, Lot, RequiredDocument
from rione.territory.models import CostCategory, Neighbourhood, Sector, TargetGroup


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Presentata")
    REOPENED = "reopened", _("Riaperta per modifiche")
    WITHDRAWN = "withdrawn", _("Ritirata")


PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.DRAFT: frozenset({ProposalStatus.SUBMITTED}),
    ProposalStatus.SUBMITTED: frozenset({ProposalStatus.REOPENED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.REOPENED: frozenset({ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.WITHDRAWN: frozenset(),
}
EDITABLE = frozenset({ProposalStatus.DRAFT, ProposalStatus.REOPENED})
# A proposal with a standing submission: staff see it and it counts as the applicant's one.
STANDING = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.REOPENED})


class Step(models.TextChoices):
    APPLICANT = "applicant", _("Proponente")
    IDEA = "idea", _("L'idea")
    TARGETS = "targets", _("Destinatari")
    BUDGET = "budget", _("Budget")
    QUESTIONS = "questions", _("Domande dell'avviso")
    ATTACHMENTS = "attachments", _("Allegati")
    SUMMARY = "summary", _("Riepilogo e invio")


class StepState(models.TextChoices):
    TODO = "todo", _("Da compilare")
    DONE = "done", _("Completato")
    ERRORS = "errors", _("Da correggere")
    NOT_NEEDED = "not_needed", _("Non richiesto")


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def standing(self) -> "ProposalQuerySet":
        return self.filter(status__in=STANDING)

    def ever_submitted(self) -> "ProposalQuerySet":
        return self.exclude(status=ProposalStatus.DRAFT)


class Proposal(TimeStampedModel):
    """A proposal to a call by an organisation (alone or leading a network) or an informal group."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals")
    lot = models.ForeignKey(
        Lot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("lotto"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("ente proponente"),
    )
    group = models.ForeignKey(
        InformalGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("gruppo informale"),
    )
    is_network = models.BooleanField(
        _("in rete di partenariato"),
        default=False,
        help_text=_("L'ente è capofila di una rete di partner."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )

    title = models.CharField(_("titolo"), max_length=200, blank=True)
    summary = models.TextField(_("sintesi"), max_length=1000, blank=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settore"),
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, blank=True, related_name="+", verbose_name=_("quartieri")
    )
    problem = models.TextField(_("problema o bisogno"), max_length=4000, blank=True)
    solution = models.TextField(_("soluzione proposta"), max_length=4000, blank=True)
    innovation = models.TextField(_("elementi di innovazione"), max_length=3000, blank=True)
    impact = models.TextField(_("impatto atteso"), max_length=3000, blank=True)
    sustainability = models.TextField(
        _("sostenibilità dopo il contributo"), max_length=3000, blank=True
    )
    requested_grant = MoneyField(_("contributo richiesto"), null=True, blank=True)

    saved_steps = models.JSONField(default=list, blank=True)
    step_revisions = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(_("versione"), default=0)
    submitted_at = models.DateTimeField(_("presentata il"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ritirata il"), null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, group__isnull=True)
                | Q(organisation__isnull=True, group__isnull=False),
                name="proposal_has_one_applicant",
            ),
            models.CheckConstraint(
                condition=Q(is_network=False) | Q(organisation__isnull=False),
                name="network_led_by_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(version__gt=0, submitted_at__isnull=False),
                name="submitted_proposal_has_version",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"], name="proposal_call_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title or str(_("Proposta senza titolo"))

    @property
    def owning_city_id(self) -> int:
        return self.call.city_id

    @property
    def audit_stream(self) -> str:
        return f"proposal:{self.pk}"

    @property
    def applicant(self) -> Organisation | InformalGroup:
        applicant = self.organisation or self.group
        assert applicant is not None
        return applicant

    @property
    def applicant_name(self) -> str:
        return str(self.applicant)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Partner(TimeStampedModel):
    """A partner of a network led by the proposing organisation."""

    class Kind(models.TextChoices):
        ETS = "ets", _("Ente del Terzo settore")
        SCHOOL = "school", _("Scuola")
        UNIVERSITY = "university", _("Università o ente di ricerca")
        BUSINESS = "business", _("Impresa")
        MUSEUM = "museum", _("Museo")
        LIBRARY = "library", _("Biblioteca")
        PUBLIC_BODY = "public_body", _("Ente pubblico")
        OTHER = "other", _("Altro")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("denominazione"), max_length=250)
    kind = models.CharField(_("tipo di partner"), max_length=20, choices=Kind.choices)
    codice_fiscale = models.CharField(_("codice fiscale o partita IVA"), max_length=16, blank=True)
    role = models.TextField(_("ruolo nel progetto"), max_length=1000)
    resources = models.TextField(_("risorse messe a disposizione"), max_length=1000)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partner")
        ordering = ["proposal_id", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_city_id(self) -> int:
        return self.proposal.owning_city_id

    @property
    def audit_stream(self) -> str:
        return f"proposal:{self.proposal_id}"


class Target(models.Model):
    """A target group of the proposal with the estimated number of participants."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="targets")
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("destinatari")
    )
    participants = models.PositiveIntegerField(_("partecipanti stimati"))

    class Meta:
        verbose_name = _("destinatari")
        verbose_name_plural = _("destinatari")
        ordering = ["proposal_id", "target_group__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "target_group"], name="one_row_per_target_group"
            ),
            models.CheckConstraint(condition=Q(participants__gt=0), name="participants_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.target_group} · {self.participants}"


class BudgetLine(models.Model):
    """A cost: quantity × unit cost, rounded to the cent."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    cost_category = models.ForeignKey(
        CostCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("voce di costo")
    )
    description = models.CharField(_("descrizione"), max_length=300)
    quantity = models.DecimalField(_("quantità"), max_digits=10, decimal_places=2)
    unit_cost = MoneyField(_("costo unitario"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("voce di budget")
        verbose_name_plural = _("voci di budget")
        ordering = ["proposal_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="budget_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="budget_unit_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return round_money(self.quantity * self.unit_cost)


class Answer(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ExtraQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(_("risposta"), blank=True)

    class Meta:
        verbose_name = _("risposta")
        verbose_name_plural = _("risposte")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.value[:80]


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A name made of the file's hash: the person's file name is kept in ``original_name`` only."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = (
        f".{extension}"
        if extension.isascii() and extension.isalnum() and len(extension) <= 5
        else ""
    )
    return f"proposals/{instance.proposal_id}/{instance.sha256}{suffix}"


class Attachment(models.Model):
    """An uploaded file. Once part of a submission it is never deleted, only detached."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    required_document = models.ForeignKey(
        RequiredDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("documento richiesto"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("lettera di impegno del partner"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("caricato il"))
    is_current = models.BooleanField(default=True)
    in_submission = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")
        ordering = ["proposal_id", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["proposal", "is_current"], name="attachment_current_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_city_id(self) -> int:
        return self.proposal.owning_city_id


class ReceiptKind(models.TextChoices):
    SUBMISSION = "submission", _("Presentazione")
    NEW_VERSION = "new_version", _("Nuova versione")
    WITHDRAWAL = "withdrawal", _("Ritiro")


class Receipt(models.Model):
    """Proof of a submission, a new version or a withdrawal, numbered without gaps per call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="receipts")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="receipts")
    protocol_number = models.PositiveIntegerField(_("numero di protocollo"))
    kind = models.CharField(_("tipo"), max_length=20, choices=ReceiptKind.choices)
    version = models.PositiveIntegerField(_("versione"))
    issued_at = models.DateTimeField(_("data e ora"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("contenuto canonico"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ricevuta")
        verbose_name_plural = _("ricevute")
        ordering = ["call", "protocol_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "protocol_number"], name="one_protocol_number_per_call"
            ),
            models.CheckConstraint(condition=Q(protocol_number__gt=0), name="protocol_positive"),
        ]
        indexes = [
            # The staff export reads the versions in this order, a chunk at a time.
            models.Index(fields=["issued_at", "proposal"], name="receipt_issued_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n. {self.protocol_number}"

    @property
    def owning_city_id(self) -> int:
        return self.call.city_id

    @property
    def audit_stream(self) -> str:
        return f"proposal:{self.proposal_id}"


class ProtocolCounter(models.Model):
    """The last protocol number issued in a call; its row is the lock that keeps numbers gapless."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(last_number__gte=0), name="counter_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.last_number}"


class ApplicantQuestion(TimeStampedModel):
    """A question an applicant asks about a call; staff answer it and may publish it as FAQ."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applicant_questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("domanda"), max_length=2000)
    answer = models.TextField(_("risposta"), blank=True)
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    faq_entry = models.ForeignKey(
        "programmes.FaqEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quesito")
        verbose_name_plural = _("quesiti")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="answered_question_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owning_city_id(self) -> int:
        return self.call.city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.call_id}"
