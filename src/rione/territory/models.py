"""City -> District (Municipalità) -> Neighbourhood (quartiere), Sites, and per-city taxonomies."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rione.core.models import TimeStampedModel

# Top-level paths that a city slug may not take.
RESERVED_CITY_SLUGS = frozenset(
    {
        "account",
        "accessibilita",
        "admin",
        "api",
        "area-personale",
        "cerca",
        "documenti",
        "gestione",
        "i18n",
        "media",
        "privacy",
        "robots.txt",
        "sitemap.xml",
        "static",
        "ricevute",
        "dati",
    }
)


def validate_city_slug(value: str) -> None:
    if value in RESERVED_CITY_SLUGS:
        raise ValidationError(
            _("«%(slug)s» è un indirizzo riservato: scegli un altro identificativo."),
            params={"slug": value},
        )


# The code of an administration in the Indice dei domicili digitali della PA (IPA): "c_f839"
# for the Comune di Napoli ("c_" and the cadastral code), "cmna" for its Città metropolitana.
validate_ipa_code = RegexValidator(
    r"^[a-z0-9_]{2,20}$",
    _(
        "Il codice IPA ha da 2 a 20 caratteri tra lettere minuscole, cifre e trattino basso "
        "(per esempio c_f839)."
    ),
    code="ipa_code",
)


class City(TimeStampedModel):
    """A Comune or Città metropolitana that runs programmes on rione."""

    name = models.CharField(_("nome"), max_length=120)
    official_name = models.CharField(_("nome ufficiale"), max_length=200, blank=True)
    ipa_code = models.CharField(
        _("codice IPA"),
        max_length=20,
        blank=True,
        validators=[validate_ipa_code],
        help_text=_(
            "Il codice dell'ente nell'Indice dei domicili digitali della PA (indicepa.gov.it), "
            "per esempio c_f839 per il Comune di Napoli: identifica l'ente come editore dei "
            "dati aperti."
        ),
    )
    slug = models.SlugField(_("identificativo"), unique=True, validators=[validate_city_slug])
    region = models.CharField(_("regione"), max_length=80, blank=True)
    description = models.TextField(_("presentazione"), blank=True)
    address = models.CharField(_("indirizzo della sede"), max_length=250, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    website = models.URLField(_("sito istituzionale"), blank=True)
    office = models.CharField(_("ufficio responsabile"), max_length=200, blank=True)
    opening_hours = models.CharField(_("orari di apertura al pubblico"), max_length=200, blank=True)
    is_published = models.BooleanField(_("visibile sul portale"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("città")
        verbose_name_plural = _("città")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ipa_code"],
                condition=~Q(ipa_code=""),
                name="city_ipa_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_city_id(self) -> int:
        return self.pk

    @property
    def audit_stream(self) -> str:
        return f"city:{self.pk}"


class District(TimeStampedModel):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("nome"), max_length=120)
    code = models.CharField(_("sigla"), max_length=20, blank=True)
    slug = models.SlugField(_("identificativo"))
    order = models.PositiveIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipalità")
        verbose_name_plural = _("municipalità")
        ordering = ["city", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="district_slug_unique_in_city"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}" if self.code else self.name

    @property
    def owning_city_id(self) -> int:
        return self.city_id


class Neighbourhood(TimeStampedModel):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="neighbourhoods")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(_("nome"), max_length=120)
    slug = models.SlugField(_("identificativo"))
    is_target_area = models.BooleanField(
        _("area bersaglio"),
        default=False,
        help_text=_("Quartiere a cui si rivolgono i programmi di innovazione sociale."),
    )
    order = models.PositiveIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quartiere")
        verbose_name_plural = _("quartieri")
        ordering = ["city", "district__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"], name="neighbourhood_slug_unique_in_city"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_city_id(self) -> int:
        return self.city_id

    def clean(self) -> None:
        if self.district_id and self.city_id and self.district.city_id != self.city_id:
            raise ValidationError(
                {"district": _("La municipalità deve appartenere alla stessa città.")}
            )


class Site(TimeStampedModel):
    """A physical space: an ERP ground floor, a hub, a library room."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="sites")
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("quartiere"),
    )
    name = models.CharField(_("nome"), max_length=150)
    slug = models.SlugField(_("identificativo"))
    address = models.CharField(_("indirizzo"), max_length=250)
    postcode = models.CharField(_("CAP"), max_length=10, blank=True)
    latitude = models.DecimalField(
        _("latitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    description = models.TextField(_("descrizione"), blank=True)
    is_illustrative = models.BooleanField(
        _("dati illustrativi"),
        default=False,
        help_text=_("L'indirizzo è indicativo e va verificato con l'amministrazione."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sede")
        verbose_name_plural = _("sedi")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="site_slug_unique_in_city"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="site_coordinates_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_city_id(self) -> int:
        return self.city_id

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Indica sia la latitudine sia la longitudine, oppure nessuna."))
        neighbourhood = self.neighbourhood
        if neighbourhood is not None and self.city_id and neighbourhood.city_id != self.city_id:
            raise ValidationError(
                {"neighbourhood": _("Il quartiere deve appartenere alla stessa città.")}
            )


class TaxonomyTerm(TimeStampedModel):
    """A per-city term with an Italian name and an optional English one."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nome"), max_length=150)
    name_en = models.CharField(_("nome in inglese"), max_length=150, blank=True)
    slug = models.SlugField(_("identificativo"))
    order = models.PositiveIntegerField(_("ordine"), default=0)
    is_active = models.BooleanField(_("in uso"), default=True)

    class Meta:
        abstract = True
        ordering = ["city", "order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "it").startswith("en"):
            return self.name_en
        return self.name

    @property
    def owning_city_id(self) -> int:
        return self.city_id


def _unique_slug(model_name: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(fields=["city", "slug"], name=f"{model_name}_slug_unique_in_city")
    ]


class Sector(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("settore")
        verbose_name_plural = _("settori")
        constraints = _unique_slug("sector")


class TargetGroup(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("gruppo destinatario")
        verbose_name_plural = _("gruppi destinatari")
        constraints = _unique_slug("targetgroup")


class CostCategory(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("categoria di costo")
        verbose_name_plural = _("categorie di costo")
        constraints = _unique_slug("costcategory")


class ApplicantCategory(models.TextChoices):
    """The families of applicant that calls set grant ranges and quotas for."""

    ETS = "ets", _("Ente del Terzo settore (ETS)")
    INFORMAL_GROUP = "informal_group", _("Gruppo informale")
    NETWORK = "network", _("Rete di partenariato")
    BUSINESS = "business", _("Impresa")
    SCHOOL = "school", _("Scuola")
    UNIVERSITY = "university", _("Università o ente di ricerca")
    CULTURAL_INSTITUTION = "cultural_institution", _("Museo, biblioteca o istituzione culturale")
    PUBLIC_BODY = "public_body", _("Ente pubblico")
    OTHER = "other", _("Altro")


class RuntsSection(models.TextChoices):
    """The seven sections of the national third-sector register (art. 46 D.Lgs. 117/2017)."""

    ODV = "odv", _("Organizzazioni di volontariato (ODV)")
    APS = "aps", _("Associazioni di promozione sociale (APS)")
    PHILANTHROPIC = "philanthropic", _("Enti filantropici")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Imprese sociali, incluse le cooperative sociali")
    NETWORK_ASSOCIATION = "network_association", _("Reti associative")
    MUTUAL_AID = "mutual_aid", _("Società di mutuo soccorso")
    OTHER_ETS = "other_ets", _("Altri enti del Terzo settore")


class ApplicantType(TaxonomyTerm):
    category = models.CharField(_("famiglia"), max_length=32, choices=ApplicantCategory.choices)
    runts_section = models.CharField(
        _("sezione RUNTS"), max_length=32, choices=RuntsSection.choices, blank=True
    )

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("tipologia di proponente")
        verbose_name_plural = _("tipologie di proponente")
        constraints = [
            *_unique_slug("applicanttype"),
            models.CheckConstraint(
                condition=Q(runts_section="") | Q(category="ets"),
                name="runts_section_only_for_ets",
            ),
        ]
