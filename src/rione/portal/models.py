"""Editorial content of the public portal: news and clarifications, stories from the neighbourhoods."""

from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rione.core.models import TimeStampedModel
from rione.programmes.models import Call, Programme
from rione.territory.models import City, Neighbourhood


class PublishableQuerySet(models.QuerySet[Any]):
    def published(self, at: datetime) -> "PublishableQuerySet":
        return self.filter(published_at__isnull=False, published_at__lte=at)


class NewsKind(models.TextChoices):
    NEWS = "news", _("Notizia")
    CLARIFICATION = "clarification", _("Chiarimento")


class News(TimeStampedModel):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="news")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("programma"),
    )
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("avviso"),
    )
    kind = models.CharField(
        _("tipo"), max_length=20, choices=NewsKind.choices, default=NewsKind.NEWS
    )
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("identificativo"), max_length=80)
    summary = models.CharField(_("sintesi"), max_length=400)
    body = models.TextField(_("testo"))
    published_at = models.DateTimeField(
        _("data di pubblicazione"),
        null=True,
        blank=True,
        help_text=_("Vuoto: non pubblicata. Una data futura programma la pubblicazione."),
    )

    objects = PublishableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notizia")
        verbose_name_plural = _("notizie")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="news_slug_unique_in_city"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_city_id(self) -> int:
        return self.city_id


class Story(TimeStampedModel):
    """A story from the neighbourhoods ("Voci dai quartieri")."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="stories")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("programma"),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("quartiere"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("identificativo"), max_length=80)
    summary = models.CharField(_("sintesi"), max_length=400)
    body = models.TextField(_("testo"))
    told_by = models.CharField(
        _("raccontata da"),
        max_length=150,
        blank=True,
        help_text=_("Un'organizzazione o un gruppo; non indicare dati personali senza consenso."),
    )
    published_at = models.DateTimeField(_("data di pubblicazione"), null=True, blank=True)

    objects = PublishableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("storia dai quartieri")
        verbose_name_plural = _("voci dai quartieri")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="story_slug_unique_in_city"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_city_id(self) -> int:
        return self.city_id
