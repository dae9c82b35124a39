"""The published projects behind the open data, written when a ranking selects them.

A record of the open data is a proposal selected in the chosen ranking of its call (see
``opendata``). Finding those records means reading every receipt of the scope and its
ranking entries; across the country that takes seconds. ``OpenProject`` keeps the answer:
one row per record, with the columns the API filters, sorts and counts by. It is written by
``services.refresh_open_projects`` whenever what selects a proposal changes (a ranking
published, an entry renounced or revoked, a proposal withdrawn, a new version) and read by
the API and the files. The record's text is still read from the receipt it points to.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rione.applicants.models import ETS_FORMS
from rione.applications.models import Proposal, Receipt
from rione.core.models import MoneyField
from rione.evaluation.models import Ranking
from rione.programmes.models import Call
from rione.territory.models import City, Neighbourhood, Sector, TargetGroup


class OpenStatus(models.TextChoices):
    """The ``stato`` of a record, by the kind of ranking that selected it (the API's codes)."""

    SELECTED_PROVISIONAL = "selected_provisional", _("Selezionato in graduatoria provvisoria")
    SELECTED_FINAL = "selected_final", _("Selezionato in graduatoria definitiva")


class ApplicantType(models.TextChoices):
    """The applicant's family, as on the dashboard (``indicators.APPLICANT_KINDS``)."""

    ETS = "ets", _("ETS da solo")
    ETS_NETWORK = "ets_network", _("ETS capofila di una rete")
    INFORMAL_GROUP = "informal_group", _("Gruppo informale")
    OTHER = "other", _("Altro ente da solo")
    OTHER_NETWORK = "other_network", _("Altro ente capofila di una rete")

    @classmethod
    def of(cls, applicant: dict[str, Any]) -> "ApplicantType":
        """The type of the ``applicant`` part of a receipt's content."""
        if applicant.get("kind") == "informal_group":
            return cls.INFORMAL_GROUP
        form = applicant.get("legal_form")
        ets = isinstance(form, str) and form in ETS_FORMS
        if applicant.get("network") in (True, 1, "1", "true"):
            return cls.ETS_NETWORK if ets else cls.OTHER_NETWORK
        return cls.ETS if ets else cls.OTHER


class OpenProject(models.Model):
    """A selected proposal as the open data publishes it, with its filter columns."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    receipt = models.ForeignKey(
        Receipt,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("L'ultima versione presentata, da cui si legge il record."),
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("stato"), max_length=24, choices=OpenStatus.choices)
    awarded = MoneyField(_("contributo assegnato"))
    first_submitted_at = models.DateTimeField(_("prima presentazione"), null=True)
    applicant_type = models.CharField(
        _("tipologia di proponente"), max_length=16, choices=ApplicantType.choices
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(
        _("scritto il"), help_text=_("Quando il record è stato riscritto: cambia i file in cache.")
    )
    neighbourhoods = models.ManyToManyField(Neighbourhood, related_name="+", blank=True)
    target_groups = models.ManyToManyField(TargetGroup, related_name="+", blank=True)

    class Meta:
        verbose_name = _("progetto pubblicato")
        verbose_name_plural = _("progetti pubblicati")
        ordering = ("call_id", "proposal_id")  # no join to the calls to sort
        indexes = [
            models.Index(fields=["call", "proposal"], name="openproject_call_idx"),
            models.Index(
                fields=["city", "applicant_type", "call", "proposal"], name="openproject_type_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}-{self.proposal_id}"
