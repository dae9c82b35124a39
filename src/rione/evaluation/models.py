"""Admissibility, commissions, conflicts of interest, rubric and scores, rankings, appeals.

Decisions here are what a city must be able to prove afterwards: every outcome,
sign-off, publication, appeal decision and promotion is also an AuditEvent in the
call's stream.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rione.applications.models import Attachment, Proposal
from rione.core.models import MoneyField, TimeStampedModel
from rione.programmes.models import Call, CallPart, Lot, RequiredDocument


class PointsField(models.DecimalField):
    """Points of a score or a threshold: Decimal with two places."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        return name, path, args, kwargs


# Admissibility


class AdmissibilityOutcome(models.TextChoices):
    PENDING = "pending", _("Da verificare")
    ADMISSIBLE = "admissible", _("Ammissibile")
    NOT_ADMISSIBLE = "not_admissible", _("Non ammissibile")
    INTEGRATION_REQUESTED = "integration_requested", _("Integrazione richiesta")


ADMISSIBILITY_TRANSITIONS: dict[str, frozenset[str]] = {
    AdmissibilityOutcome.PENDING: frozenset(
        {
            AdmissibilityOutcome.ADMISSIBLE,
            AdmissibilityOutcome.NOT_ADMISSIBLE,
            AdmissibilityOutcome.INTEGRATION_REQUESTED,
        }
    ),
    AdmissibilityOutcome.INTEGRATION_REQUESTED: frozenset(
        {AdmissibilityOutcome.ADMISSIBLE, AdmissibilityOutcome.NOT_ADMISSIBLE}
    ),
    # An outcome may be reviewed (e.g. after an appeal), always with a new reason.
    AdmissibilityOutcome.ADMISSIBLE: frozenset({AdmissibilityOutcome.NOT_ADMISSIBLE}),
    AdmissibilityOutcome.NOT_ADMISSIBLE: frozenset({AdmissibilityOutcome.ADMISSIBLE}),
}


class ChecklistItem(CallPart):
    """A manual admissibility check defined by staff for one call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="admissibility_items")
    text = models.CharField(_("verifica"), max_length=300)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("voce della verifica di ammissibilità")
        verbose_name_plural = _("voci della verifica di ammissibilità")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class AdmissibilityReview(TimeStampedModel):
    """The admissibility of one proposal: automatic checks, manual items, outcome and reason."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="admissibility"
    )
    outcome = models.CharField(
        _("esito"),
        max_length=30,
        choices=AdmissibilityOutcome.choices,
        default=AdmissibilityOutcome.PENDING,
    )
    reason = models.TextField(_("motivazione"), blank=True)
    automatic = models.JSONField(_("verifiche automatiche"), default=dict, blank=True)
    manual = models.JSONField(_("verifiche manuali"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)

    class Meta:
        verbose_name = _("verifica di ammissibilità")
        verbose_name_plural = _("verifiche di ammissibilità")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | ~Q(reason=""),
                name="admissibility_outcome_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.get_outcome_display()}"

    @property
    def owning_city_id(self) -> int:
        return self.proposal.owning_city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.proposal.call_id}"


class IntegrationRequest(TimeStampedModel):
    """Soccorso istruttorio: staff ask for something missing, by a deadline; the applicant answers."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="integration_requests"
    )
    message = models.TextField(_("che cosa serve"))
    required_document = models.ForeignKey(
        RequiredDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("documento richiesto"),
    )
    due_at = models.DateTimeField(_("termine per rispondere"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("risposta"), blank=True)
    attachment = models.ForeignKey(
        Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("richiesta di integrazione")
        verbose_name_plural = _("richieste di integrazione")
        ordering = ["proposal", "-created_at"]

    def __str__(self) -> str:
        return self.message[:80]

    @property
    def owning_city_id(self) -> int:
        return self.proposal.owning_city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.proposal.call_id}"


# Commissions and scoring


class ScoringMethod(models.TextChoices):
    MEAN = "mean", _("Media dei punteggi dei componenti")
    CONSENSUS = "consensus", _("Punteggio unico concordato, registrato dal presidente")


class Commission(TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="commissions")
    lot = models.ForeignKey(
        Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="commissions"
    )
    name = models.CharField(_("nome"), max_length=200)
    method = models.CharField(
        _("aggregazione dei punteggi"),
        max_length=20,
        choices=ScoringMethod.choices,
        default=ScoringMethod.MEAN,
    )
    evaluators_per_proposal = models.PositiveIntegerField(
        _("valutatori per proposta"),
        null=True,
        blank=True,
        help_text=_("Vuoto: tutti i componenti valutano tutte le proposte."),
    )
    outlier_gap = PointsField(
        _("scarto che segnala un punteggio da discutere"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("commissione")
        verbose_name_plural = _("commissioni")
        ordering = ["call", "lot__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "lot"],
                condition=Q(lot__isnull=False),
                name="one_commission_per_lot",
            ),
            models.UniqueConstraint(
                fields=["call"], condition=Q(lot__isnull=True), name="one_commission_per_call"
            ),
            models.CheckConstraint(
                condition=Q(evaluators_per_proposal__isnull=True)
                | Q(evaluators_per_proposal__gt=0),
                name="evaluators_per_proposal_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_city_id(self) -> int:
        return self.call.city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.call_id}"


class InCommission:
    """Owned by a commission's city and audited in its stream (the call's)."""

    commission: Commission

    @property
    def owning_city_id(self) -> int:
        return self.commission.owning_city_id

    @property
    def audit_stream(self) -> str:
        return self.commission.audit_stream


class CommissionRole(models.TextChoices):
    CHAIR = "chair", _("Presidente")
    MEMBER = "member", _("Componente")
    SECRETARY = "secretary", _("Segretario")


SCORING_ROLES = frozenset({CommissionRole.CHAIR, CommissionRole.MEMBER})


class CommissionMember(InCommission, TimeStampedModel):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_seats"
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=CommissionRole.choices)

    class Meta:
        verbose_name = _("componente della commissione")
        verbose_name_plural = _("componenti della commissione")
        ordering = ["commission", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="one_seat_per_person"),
            models.UniqueConstraint(
                fields=["commission"], condition=Q(role="chair"), name="one_chair_per_commission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ConflictDeclaration(models.Model):
    """A member declares, before opening a proposal, whether they have a conflict of interest."""

    member = models.ForeignKey(
        CommissionMember, on_delete=models.CASCADE, related_name="declarations"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    has_conflict = models.BooleanField(_("conflitto di interessi"))
    reason = models.TextField(_("motivo"), blank=True)
    declared_at = models.DateTimeField(_("dichiarato il"))

    class Meta:
        verbose_name = _("dichiarazione sul conflitto di interessi")
        verbose_name_plural = _("dichiarazioni sul conflitto di interessi")
        constraints = [
            models.UniqueConstraint(fields=["member", "proposal"], name="one_declaration"),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(reason=""), name="conflict_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal_id}"


class Assignment(models.Model):
    """Which member scores which proposal."""

    member = models.ForeignKey(
        CommissionMember, on_delete=models.CASCADE, related_name="assignments"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "proposal"], name="one_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.proposal_id}"


class Criterion(CallPart):
    """A criterion of the call's rubric; leaves are scored, a parent sums its sub-criteria."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("codice"), max_length=20)
    title = models.CharField(_("criterio"), max_length=300)
    description = models.TextField(_("indicazioni per i valutatori"), blank=True)
    max_points = PointsField(_("punteggio massimo"))
    weight = PointsField(_("peso"), default=1)
    min_points = PointsField(_("punteggio minimo"), null=True, blank=True)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("criterio di valutazione")
        verbose_name_plural = _("criteri di valutazione")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(min_points__isnull=True)
                | (Q(min_points__gte=0) & Q(min_points__lte=F("max_points"))),
                name="criterion_min_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class BonusKind(models.TextChoices):
    NETWORK = "network", _("Proposta presentata da una rete")
    PRIORITY_NEIGHBOURHOOD = "priority_neighbourhood", _("Quartiere prioritario")


class BonusRule(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="bonus_rules")
    kind = models.CharField(_("premialità"), max_length=30, choices=BonusKind.choices)
    points = PointsField(_("punti"))

    class Meta:
        verbose_name = _("premialità")
        verbose_name_plural = _("premialità")
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="one_bonus_per_kind"),
            models.CheckConstraint(condition=Q(points__gt=0), name="bonus_positive"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("In compilazione")
    SIGNED = "signed", _("Firmata")


class Evaluation(TimeStampedModel):
    """One member's scores of one proposal: saved as draft, then signed off (then final)."""

    member = models.ForeignKey(
        CommissionMember, on_delete=models.PROTECT, related_name="evaluations"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evaluations")
    status = models.CharField(
        _("stato"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    comment = models.TextField(_("giudizio complessivo"), blank=True)
    signed_at = models.DateTimeField(_("firmata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        constraints = [
            models.UniqueConstraint(fields=["member", "proposal"], name="one_evaluation"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False),
                name="signed_evaluation_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal_id}"

    @property
    def owning_city_id(self) -> int:
        return self.proposal.owning_city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.proposal.call_id}"


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = PointsField(_("punti"))
    comment = models.TextField(_("commento"), blank=True)

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class ConsensusScore(models.Model):
    """The chair records one agreed score per criterion when the commission scores by consensus."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = PointsField(_("punti"))
    comment = models.TextField(_("commento"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "proposal", "criterion"], name="one_consensus_score"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="consensus_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.criterion_id}: {self.points}"


# Rankings


class Overflow(models.TextChoices):
    SKIP = "skip", _("Passa alla successiva che rientra nella dotazione")
    PARTIAL = "partial", _("Finanzia in parte con quanto resta")
    STOP = "stop", _("Interrompi il finanziamento nel lotto")


class Participation(models.TextChoices):
    SUBMITTED = "submitted", _("Chi ha presentato una proposta")
    ADMISSIBLE = "admissible", _("Chi è stato ammesso")
    SELECTED = "selected", _("Chi è stato selezionato")


class SelectionRules(CallPart):
    """How a call turns scores into a ranking: thresholds, cap, budgets, quotas, tie-breaks."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="selection_rules")
    overall_min = PointsField(_("punteggio minimo complessivo"), null=True, blank=True)
    overflow = models.CharField(
        _("quando la proposta successiva non rientra nella dotazione"),
        max_length=10,
        choices=Overflow.choices,
        default=Overflow.SKIP,
    )
    quotas = models.JSONField(_("numero massimo per tipologia"), default=dict, blank=True)
    reserved = models.JSONField(_("quote riservate per tipologia"), default=dict, blank=True)
    tie_breaks = models.JSONField(_("criteri di parità"), default=list, blank=True)
    appeal_days = models.PositiveIntegerField(_("giorni per i ricorsi"), default=10)
    earlier_call_participation = models.CharField(
        _("chi conta come partecipante per gli avvisi successivi riservati"),
        max_length=20,
        choices=Participation.choices,
        default=Participation.SUBMITTED,
    )

    class Meta:
        verbose_name = _("regole di selezione")
        verbose_name_plural = _("regole di selezione")

    def __str__(self) -> str:
        return str(self.call)


class RankingKind(models.TextChoices):
    PROVISIONAL = "provisional", _("Provvisoria")
    FINAL = "final", _("Definitiva")


class EntryStatus(models.TextChoices):
    SELECTED = "selected", _("Selezionata")
    ELIGIBLE_NOT_SELECTED = "eligible_not_selected", _("Idonea non selezionata")
    BELOW_THRESHOLD = "below_threshold", _("Sotto la soglia")
    NOT_ADMISSIBLE = "not_admissible", _("Non ammissibile")
    RENOUNCED = "renounced", _("Rinuncia")
    REVOKED = "revoked", _("Revocata")


class Ranking(TimeStampedModel):
    """A computed ranking of a call; published as provisional, then final with the approving act."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="rankings")
    kind = models.CharField(_("tipo"), max_length=20, choices=RankingKind.choices)
    computed_at = models.DateTimeField(_("calcolata il"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    appeals_close_at = models.DateTimeField(_("termine per i ricorsi"), null=True, blank=True)
    act_number = models.CharField(_("numero della determina"), max_length=60, blank=True)
    act_date = models.DateField(_("data della determina"), null=True, blank=True)
    content = models.TextField(_("contenuto canonico"), blank=True)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("graduatoria")
        verbose_name_plural = _("graduatorie")
        ordering = ["call", "-computed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="final") | Q(published_at__isnull=True) | ~Q(act_number=""),
                name="published_final_ranking_has_act",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.get_kind_display()}"

    @property
    def owning_city_id(self) -> int:
        return self.call.city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.call_id}"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("posizione"), null=True, blank=True)
    score = PointsField(_("punteggio"), null=True, blank=True)
    status = models.CharField(_("esito"), max_length=30, choices=EntryStatus.choices)
    reason = models.CharField(_("regola che ha deciso"), max_length=60)
    reason_detail = models.CharField(max_length=100, blank=True)
    awarded = MoneyField(_("contributo assegnato"), default=0)

    class Meta:
        verbose_name = _("posizione in graduatoria")
        verbose_name_plural = _("posizioni in graduatoria")
        ordering = ["ranking", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "proposal"], name="one_entry_per_proposal"),
        ]
        # Ranking pages read one ranking's entries by id, 50 at a time: without it the
        # database walks the primary key through every ranking of the country.
        indexes = [models.Index(fields=["ranking", "id"], name="rankingentry_ranking_id_idx")]

    def __str__(self) -> str:
        return f"{self.position} · {self.proposal_id}"


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("In esame")
    UPHELD = "upheld", _("Accolto")
    REJECTED = "rejected", _("Respinto")


class Appeal(TimeStampedModel):
    """An applicant contests the provisional ranking; staff record the decision."""

    ranking = models.ForeignKey(Ranking, on_delete=models.PROTECT, related_name="appeals")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("motivi del ricorso"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("presentato il"))
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="+")
    outcome = models.CharField(
        _("esito"), max_length=20, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    decision = models.TextField(_("decisione motivata"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)

    class Meta:
        verbose_name = _("ricorso")
        verbose_name_plural = _("ricorsi")
        ordering = ["ranking", "filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "proposal"], name="one_appeal_per_ranking"),
            models.CheckConstraint(
                condition=Q(outcome="pending") | ~Q(decision=""),
                name="appeal_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.get_outcome_display()}"

    @property
    def owning_city_id(self) -> int:
        return self.ranking.owning_city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.ranking.call_id}"


# Commission sessions (the minutes)


class CommissionSession(InCommission, TimeStampedModel):
    """A sitting of a commission: when and where, who was present, what was discussed and decided.

    The sessions, with the scores and the decisions of the call, make up the commission's
    minutes (verbale), downloadable as a PDF.
    """

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("data e ora della seduta"))
    place = models.CharField(
        _("luogo"),
        max_length=200,
        help_text=_("Ad esempio «Sala giunta, Palazzo San Giacomo» oppure «videoconferenza»."),
    )
    present = models.ManyToManyField(
        CommissionMember,
        related_name="sessions_attended",
        verbose_name=_("componenti presenti"),
    )
    notes = models.TextField(_("discussione e decisioni"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("seduta della commissione")
        verbose_name_plural = _("sedute della commissione")
        ordering = ["commission", "held_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "held_at"], name="one_session_per_commission_and_time"
            ),
            models.CheckConstraint(condition=~Q(place=""), name="session_has_place"),
            models.CheckConstraint(condition=~Q(notes=""), name="session_has_notes"),
        ]

    def __str__(self) -> str:
        return f"{self.commission} · {self.held_at:%Y-%m-%d %H:%M}"
