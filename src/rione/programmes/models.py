"""Programmes, their stages, calls with lots and rules, documents, FAQ and amendments."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rione.core.files import private_storage
from rione.core.models import MoneyField, PercentField, TimeStampedModel
from rione.territory.models import ApplicantCategory, ApplicantType, City, Neighbourhood, Site


class Programme(TimeStampedModel):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("identificativo"), max_length=80)
    summary = models.CharField(_("sintesi"), max_length=400)
    description = models.TextField(_("descrizione"), blank=True)
    funding_source = models.CharField(
        _("fonte di finanziamento"),
        max_length=250,
        blank=True,
        help_text=_("Ad esempio: PON Metro 2014-2020 Asse 3 Azione 3.3.1"),
    )
    total_budget = MoneyField(_("dotazione complessiva"), null=True, blank=True)
    is_published = models.BooleanField(_("pubblicato"), default=False)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        ordering = ["city", "title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="programme_slug_unique_in_city"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_city_id(self) -> int:
        return self.city_id

    @property
    def audit_stream(self) -> str:
        return f"programme:{self.pk}"


class Stage(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField(_("ordine"))
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    starts_on = models.DateField(_("inizio"), null=True, blank=True)
    ends_on = models.DateField(_("fine"), null=True, blank=True)

    class Meta:
        verbose_name = _("fase")
        verbose_name_plural = _("fasi")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="stage_order_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def owning_city_id(self) -> int:
        return self.programme.city_id

    @property
    def audit_stream(self) -> str:
        return f"programme:{self.programme_id}"


class CallKind(models.TextChoices):
    CALL_FOR_IDEAS = "call_for_ideas", _("Chiamata di idee")
    INCUBATION = "incubation", _("Selezione per l'incubazione")
    GRANT = "grant", _("Contributi a fondo perduto")
    CODESIGN = "codesign", _("Co-progettazione")
    CROWDFUNDING = "crowdfunding", _("Ammissione al crowdfunding")
    TENDER = "tender", _("Gara per servizi")


class CallStatus(models.TextChoices):
    """What is stored. Whether a published call is upcoming, open or closed follows the clock."""

    DRAFT = "draft", _("Bozza")
    PUBLISHED = "published", _("Pubblicato")
    EVALUATION = "evaluation", _("In valutazione")
    PROVISIONAL_RANKING = "provisional_ranking", _("Graduatoria provvisoria")
    FINAL_RANKING = "final_ranking", _("Graduatoria definitiva")
    ARCHIVED = "archived", _("Archiviato")


class CallPhase(models.TextChoices):
    """What people see: the stored status, with ``published`` split by the clock."""

    DRAFT = "draft", _("Bozza")
    SCHEDULED = "scheduled", _("In arrivo")
    OPEN = "open", _("Aperto")
    CLOSED = "closed", _("Chiuso")
    EVALUATION = "evaluation", _("In valutazione")
    PROVISIONAL_RANKING = "provisional_ranking", _("Graduatoria provvisoria")
    FINAL_RANKING = "final_ranking", _("Graduatoria definitiva")
    ARCHIVED = "archived", _("Archiviato")


# The life cycle of a call. Transitions out of SCHEDULED and OPEN into OPEN and
# CLOSED happen by the clock alone; the others are staff decisions.
CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallPhase.DRAFT: frozenset({CallPhase.SCHEDULED, CallPhase.OPEN}),
    CallPhase.SCHEDULED: frozenset({CallPhase.DRAFT, CallPhase.OPEN}),
    CallPhase.OPEN: frozenset({CallPhase.CLOSED}),
    CallPhase.CLOSED: frozenset({CallPhase.EVALUATION}),
    CallPhase.EVALUATION: frozenset({CallPhase.PROVISIONAL_RANKING}),
    CallPhase.PROVISIONAL_RANKING: frozenset({CallPhase.FINAL_RANKING}),
    CallPhase.FINAL_RANKING: frozenset({CallPhase.ARCHIVED}),
    CallPhase.ARCHIVED: frozenset(),
}
CLOCK_DRIVEN = frozenset(
    {(CallPhase.SCHEDULED, CallPhase.OPEN), (CallPhase.OPEN, CallPhase.CLOSED)}
)
STATUS_OF_PHASE: dict[str, str] = {
    CallPhase.DRAFT: CallStatus.DRAFT,
    CallPhase.SCHEDULED: CallStatus.PUBLISHED,
    CallPhase.OPEN: CallStatus.PUBLISHED,
    CallPhase.CLOSED: CallStatus.PUBLISHED,
    CallPhase.EVALUATION: CallStatus.EVALUATION,
    CallPhase.PROVISIONAL_RANKING: CallStatus.PROVISIONAL_RANKING,
    CallPhase.FINAL_RANKING: CallStatus.FINAL_RANKING,
    CallPhase.ARCHIVED: CallStatus.ARCHIVED,
}
PUBLIC_STATUSES = frozenset(set(CallStatus.values) - {CallStatus.DRAFT})
AFTER_CLOSING_STATUSES = frozenset(
    {
        CallStatus.EVALUATION,
        CallStatus.PROVISIONAL_RANKING,
        CallStatus.FINAL_RANKING,
        CallStatus.ARCHIVED,
    }
)


class CallQuerySet(models.QuerySet["Call"]):
    def public(self) -> "CallQuerySet":
        return self.filter(
            status__in=PUBLIC_STATUSES, programme__is_published=True, city__is_published=True
        )

    def open_at(self, at: datetime) -> "CallQuerySet":
        return self.filter(status=CallStatus.PUBLISHED, opens_at__lte=at, closes_at__gt=at)

    def upcoming_at(self, at: datetime) -> "CallQuerySet":
        return self.filter(status=CallStatus.PUBLISHED, opens_at__gt=at)

    def closed_at(self, at: datetime) -> "CallQuerySet":
        return self.filter(
            Q(status=CallStatus.PUBLISHED, closes_at__lte=at) | Q(status__in=AFTER_CLOSING_STATUSES)
        )

    def in_phase(self, phase: str, at: datetime) -> "CallQuerySet":
        if phase == CallPhase.OPEN:
            return self.open_at(at)
        if phase == CallPhase.SCHEDULED:
            return self.upcoming_at(at)
        if phase == CallPhase.CLOSED:
            return self.closed_at(at)
        return self.filter(status=STATUS_OF_PHASE[phase])


class Call(TimeStampedModel):
    """A public call (avviso, bando): rules, deadline, lots and documents."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="calls")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    stage = models.ForeignKey(
        Stage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("fase"),
    )
    title = models.CharField(_("titolo"), max_length=250)
    slug = models.SlugField(_("identificativo"), max_length=80)
    kind = models.CharField(_("tipo di avviso"), max_length=32, choices=CallKind.choices)
    status = models.CharField(
        _("stato"), max_length=32, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    summary = models.CharField(_("sintesi"), max_length=500, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    who_can_apply = models.TextField(_("chi può partecipare"), blank=True)
    opens_at = models.DateTimeField(_("apertura candidature"), null=True, blank=True)
    closes_at = models.DateTimeField(_("scadenza"), null=True, blank=True)
    budget = MoneyField(_("dotazione del bando"), null=True, blank=True)
    cap_selected = models.PositiveIntegerField(
        _("numero massimo di proposte selezionate"), null=True, blank=True
    )
    duration_months = models.PositiveIntegerField(
        _("durata dei progetti (mesi)"), null=True, blank=True
    )
    allows_multiple_proposals = models.BooleanField(_("più proposte per proponente"), default=False)
    min_group_members = models.PositiveIntegerField(
        _("componenti minimi di un gruppo informale"),
        null=True,
        blank=True,
        help_text=_(
            "Quanti componenti con nome e codice fiscale deve avere un gruppo informale. Vuoto: il valore predefinito della piattaforma."
        ),
    )
    restricted_to_call = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_calls",
        verbose_name=_("riservato ai partecipanti dell'avviso"),
    )
    eligible_applicant_types = models.ManyToManyField(
        ApplicantType, blank=True, related_name="calls", verbose_name=_("proponenti ammessi")
    )
    eligible_neighbourhoods = models.ManyToManyField(
        Neighbourhood, blank=True, related_name="calls", verbose_name=_("quartieri ammessi")
    )
    contact_email = models.EmailField(_("e-mail per informazioni"), blank=True)
    is_illustrative = models.BooleanField(
        _("dati illustrativi"),
        default=False,
        help_text=_("Alcuni dati sono esemplificativi (ambiente dimostrativo)."),
    )
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)

    objects = CallQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("avviso")
        verbose_name_plural = _("avvisi")
        ordering = ["-opens_at", "title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="call_slug_unique_in_city"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(cap_selected__isnull=True) | Q(cap_selected__gt=0),
                name="call_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_group_members__isnull=True) | Q(min_group_members__gt=0),
                name="call_min_group_members_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="published_call_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["status", "opens_at", "closes_at"], name="call_phase_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_city_id(self) -> int:
        return self.city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.pk}"

    def phase_at(self, at: datetime) -> CallPhase:
        if self.status != CallStatus.PUBLISHED:
            return CallPhase(self.status)
        assert self.opens_at is not None and self.closes_at is not None
        if at < self.opens_at:
            return CallPhase.SCHEDULED
        if at < self.closes_at:
            return CallPhase.OPEN
        return CallPhase.CLOSED

    @property
    def group_minimum(self) -> int:
        """Named members an informal group needs to apply to this call."""
        return self.min_group_members or int(settings.INFORMAL_GROUP_MIN_MEMBERS)

    @property
    def phase(self) -> CallPhase:
        from rione.core import clock

        return self.phase_at(clock.now())


class CallPart(TimeStampedModel):
    """Anything that belongs to one call and is audited in the call's chain."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @property
    def owning_city_id(self) -> int:
        return self.call.city_id

    @property
    def audit_stream(self) -> str:
        return f"call:{self.call_id}"


class Lot(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveIntegerField(_("numero"))
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    budget = MoneyField(_("dotazione"), null=True, blank=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="lots", verbose_name=_("sedi"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lotto")
        verbose_name_plural = _("lotti")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="lot_number_unique_in_call"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class GrantRule(CallPart):
    """Grant range and minimum co-financing for one family of applicant."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="grant_rules")
    category = models.CharField(
        _("tipologia di proponente"), max_length=32, choices=ApplicantCategory.choices
    )
    min_grant = MoneyField(_("contributo minimo"))
    max_grant = MoneyField(_("contributo massimo"))
    min_cofinancing_pct = PercentField(_("cofinanziamento minimo (%)"))

    class Meta:
        verbose_name = _("regola di contributo")
        verbose_name_plural = _("regole di contributo")
        ordering = ["call", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "category"], name="one_grant_rule_per_category"
            ),
            models.CheckConstraint(
                condition=Q(min_grant__lte=F("max_grant")), name="grant_min_not_above_max"
            ),
            models.CheckConstraint(
                condition=Q(min_cofinancing_pct__gte=0) & Q(min_cofinancing_pct__lte=100),
                name="cofinancing_pct_0_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())


class RequiredDocument(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("indicazioni"), blank=True)
    is_mandatory = models.BooleanField(_("obbligatorio"), default=True)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("documento richiesto")
        verbose_name_plural = _("documenti richiesti")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Testo breve")
    LONG_TEXT = "long_text", _("Testo lungo")
    YES_NO = "yes_no", _("Sì / No")
    NUMBER = "number", _("Numero")
    CHOICE = "choice", _("Scelta da un elenco")


class ExtraQuestion(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="extra_questions")
    order = models.PositiveIntegerField(_("ordine"), default=0)
    text = models.CharField(_("domanda"), max_length=400)
    help_text = models.CharField(_("aiuto alla compilazione"), max_length=400, blank=True)
    kind = models.CharField(
        _("tipo di risposta"),
        max_length=20,
        choices=QuestionKind.choices,
        default=QuestionKind.LONG_TEXT,
    )
    choices = models.TextField(_("opzioni (una per riga)"), blank=True)
    is_required = models.BooleanField(_("obbligatoria"), default=True)
    max_length = models.PositiveIntegerField(_("lunghezza massima"), null=True, blank=True)

    class Meta:
        verbose_name = _("domanda aggiuntiva")
        verbose_name_plural = _("domande aggiuntive")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.text


def call_document_path(instance: "CallDocument", filename: str) -> str:
    return f"calls/{instance.call_id}/{filename}"


class CallDocument(CallPart):
    """A public document of the call (the call text, forms, annexes) as PDF."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titolo"), max_length=200)
    file = models.FileField(_("file PDF"), upload_to=call_document_path, storage=private_storage)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dimensione"))
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("documento dell'avviso")
        verbose_name_plural = _("documenti dell'avviso")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class FaqEntry(CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.TextField(_("domanda"))
    answer = models.TextField(_("risposta"))
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("domanda frequente")
        verbose_name_plural = _("domande frequenti")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.question[:80]


class AmendmentKind(models.TextChoices):
    EXTENSION = "extension", _("Proroga dei termini")
    CORRECTION = "correction", _("Rettifica")


class Amendment(CallPart):
    """A dated extension (proroga) or correction (rettifica) of a published call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField(_("numero"))
    kind = models.CharField(_("tipo"), max_length=20, choices=AmendmentKind.choices)
    text = models.TextField(_("testo"))
    previous_closes_at = models.DateTimeField(_("scadenza precedente"), null=True, blank=True)
    new_closes_at = models.DateTimeField(_("nuova scadenza"), null=True, blank=True)
    published_at = models.DateTimeField(_("pubblicata il"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("modifica dell'avviso")
        verbose_name_plural = _("modifiche dell'avviso")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="amendment_number_unique"),
            models.CheckConstraint(
                condition=~Q(kind="extension") | Q(new_closes_at__isnull=False),
                name="extension_has_new_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n. {self.number}"
