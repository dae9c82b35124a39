"""The catalogue of a city's open data, described with DCAT-AP_IT.

A dataset is the list of selected projects (the records of ``opendata``) of one public
call with a published ranking, or of one published programme, over its public calls that
have one. A programme without a published ranking has no dataset yet: it would be empty
and DCAT-AP_IT wants a date of last change (``dct:modified``), which is the date of the
latest published ranking. ``dct:issued`` is the date of the first.

The publisher and rights holder is the city (``dcatapit:Agent``); its ``dct:identifier``
is the IPA code when the city has recorded one (``City.ipa_code``), its slug otherwise, and a
dataset's ``dct:identifier`` is "<that identifier>:<local id>" as DCAT-AP_IT asks. The
themes are SOCI (population and society) and GOVE (government and public sector) of the
EU data-theme vocabulary; the licence is CC BY 4.0 from the Italian licences vocabulary.

Reading is one query, whatever the number of calls and programmes; the JSON-LD is built
from the datasets without further queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import DateTimeField, OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.clock import ROME
from rione.evaluation.models import Ranking
from rione.monitoring.opendata import LICENCE, LICENCE_URL
from rione.programmes.models import Call, CallQuerySet, Programme
from rione.territory.models import City

EU = "http://publications.europa.eu/resource/authority/"
THEMES: tuple[str, ...] = ("SOCI", "GOVE")
# The Italian labels of the EU data themes used here.
THEME_LABELS: dict[str, Any] = {
    "SOCI": gettext_lazy("Popolazione e società"),
    "GOVE": gettext_lazy("Governo e settore pubblico"),
}
LICENCE_URI = "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40"
LICENCE_NAME = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)"
CONTEXT: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# Format code of the EU file-type vocabulary -> media type.
MEDIA_TYPES: dict[str, str] = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Distribution:
    format: str  # a key of MEDIA_TYPES
    url: str  # a path on this site
    direct: bool = True  # the URL answers with the file itself (dcat:downloadURL)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def format_uri(self) -> str:
        return f"{EU}file-type/{self.format}"


@dataclass(frozen=True)
class Dataset:
    kind: str  # "call" or "programme"
    local_id: str
    title: str
    description: str
    city: City
    landing_page: str  # a path: the public dashboard
    issued: date
    modified: date
    contact_email: str
    distributions: tuple[Distribution, ...]
    themes: tuple[str, ...] = field(default=THEMES)

    @property
    def identifier(self) -> str:
        return f"{publisher_id(self.city)}:{self.local_id}"

    @property
    def theme_labels(self) -> list[tuple[str, Any]]:
        return [(code, THEME_LABELS[code]) for code in self.themes]


def publisher_id(city: City) -> str:
    """The city's IPA code when it has recorded one, else its slug."""
    return city.ipa_code or city.slug


def contact_name(city: City) -> str:
    return city.office or city.official_name or city.name


def _day(value: datetime) -> date:
    return timezone.localtime(value, ROME).date()


def _xlsx(city: City, call: Call) -> tuple[Distribution, ...]:
    """The XLSX distribution of a call, when the site offers one."""
    try:  # the XLSX file is built in the background by ``views_exports``
        url = reverse("monitoring:opendata_xlsx", args=[city.slug, call.slug])
    except NoReverseMatch:
        return ()
    return (Distribution("XLSX", url, direct=False),)  # a page that prepares the file


def _calls(calls: CallQuerySet) -> list[Call]:
    """The public calls among ``calls`` with a published ranking, with its first and last
    publication (``first_ranking``, ``last_ranking``). One query."""
    published = Ranking.objects.filter(call=OuterRef("pk"), published_at__isnull=False)
    return list(
        calls.public()
        .annotate(
            first_ranking=Subquery(
                published.order_by("published_at").values("published_at")[:1],
                output_field=DateTimeField(),
            ),
            last_ranking=Subquery(
                published.order_by("-published_at").values("published_at")[:1],
                output_field=DateTimeField(),
            ),
        )
        .filter(last_ranking__isnull=False)
        .select_related("city", "programme")
        .order_by("city__name", "city_id", "programme__title", "programme_id", "opens_at", "pk")
    )


def _call_dataset(call: Call) -> Dataset:
    city = call.city
    return Dataset(
        kind="call",
        local_id=f"progetti-avviso-{call.slug}",
        title=_("Progetti selezionati: %(call)s") % {"call": call.title},
        description=_(
            "Un record per ogni progetto selezionato nella graduatoria pubblicata "
            "dell'avviso «%(call)s» di %(city)s: titolo, sintesi, beneficiario (per i "
            "gruppi informali solo «Gruppo informale»), territorio, settore, destinatari, "
            "importi e date."
        )
        % {"call": call.title, "city": city.name},
        city=city,
        landing_page=reverse("monitoring:call_public", args=[city.slug, call.slug]),
        issued=_day(call.first_ranking),  # type: ignore[attr-defined]
        modified=_day(call.last_ranking),  # type: ignore[attr-defined]
        contact_email=call.contact_email or city.email,
        distributions=(
            Distribution("CSV", reverse("monitoring:opendata_csv", args=[city.slug, call.slug])),
            Distribution("JSON", reverse("monitoring:opendata_json", args=[city.slug, call.slug])),
            *_xlsx(city, call),
        ),
    )


def _programme_dataset(programme: Programme, calls: list[Call]) -> Dataset:
    city = calls[0].city
    args = [city.slug, programme.slug]
    return Dataset(
        kind="programme",
        local_id=f"progetti-programma-{programme.slug}",
        title=_("Progetti selezionati nel programma %(programme)s")
        % {"programme": programme.title},
        description=ngettext(
            "Un record per ogni progetto selezionato negli avvisi del programma "
            "«%(programme)s» di %(city)s che hanno una graduatoria pubblicata "
            "(%(count)d avviso), con gli stessi campi dei dati dei singoli avvisi.",
            "Un record per ogni progetto selezionato negli avvisi del programma "
            "«%(programme)s» di %(city)s che hanno una graduatoria pubblicata "
            "(%(count)d avvisi), con gli stessi campi dei dati dei singoli avvisi.",
            len(calls),
        )
        % {"programme": programme.title, "city": city.name, "count": len(calls)},
        city=city,
        landing_page=reverse("monitoring:programme_public", args=args),
        issued=min(_day(c.first_ranking) for c in calls),  # type: ignore[attr-defined]
        modified=max(_day(c.last_ranking) for c in calls),  # type: ignore[attr-defined]
        contact_email=city.email,
        distributions=(
            Distribution("CSV", reverse("monitoring:opendata_programme_csv", args=args)),
            Distribution("JSON", reverse("monitoring:opendata_programme_json", args=args)),
        ),
    )


@dataclass(frozen=True)
class ProgrammeDatasets:
    """A programme's own dataset followed by those of its calls."""

    programme: Programme
    datasets: tuple[Dataset, ...]


def grouped_datasets(calls: CallQuerySet) -> list[ProgrammeDatasets]:
    """The datasets of the public ``calls`` with a published ranking, by programme. One query."""
    groups: dict[int, list[Call]] = {}
    for call in _calls(calls):
        groups.setdefault(call.programme_id, []).append(call)
    return [
        ProgrammeDatasets(
            programme=members[0].programme,
            datasets=(
                _programme_dataset(members[0].programme, members),
                *(_call_dataset(c) for c in members),
            ),
        )
        for members in groups.values()
    ]


def city_catalogue(*, city: City) -> list[ProgrammeDatasets]:
    """The catalogue of a published city, by programme. One query."""
    return grouped_datasets(Call.objects.filter(city=city))


def public_datasets(*, city_slug: str | None = None) -> list[Dataset]:
    """Every dataset of the published cities (of one, by slug), flat. One query."""
    calls = Call.objects.all() if city_slug is None else Call.objects.filter(city__slug=city_slug)
    return [d for group in grouped_datasets(calls) for d in group.datasets]


# --- JSON-LD ----------------------------------------------------------------------------


def _text(value: str) -> dict[str, str]:
    return {"@language": (get_language() or "it")[:2], "@value": value}


def _date(value: date) -> dict[str, str]:
    return {"@type": "xsd:date", "@value": value.isoformat()}


def _agent(city: City, absolute: Callable[[str], str]) -> dict[str, Any]:
    return {
        "@id": absolute(reverse("portal:city", args=[city.slug])),
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "dct:identifier": publisher_id(city),
        "foaf:name": city.official_name or city.name,
    }


def _contact(dataset: Dataset, absolute: Callable[[str], str]) -> dict[str, Any]:
    city = dataset.city
    point: dict[str, Any] = {
        "@type": ["vcard:Organization", "dcatapit:Organization"],
        "vcard:fn": contact_name(city),
        "vcard:hasURL": {"@id": absolute(reverse("portal:contacts", args=[city.slug]))},
    }
    if dataset.contact_email:
        point["vcard:hasEmail"] = {"@id": f"mailto:{dataset.contact_email}"}
    return point


def licence_document() -> dict[str, Any]:
    return {
        "@id": LICENCE_URI,
        "@type": "dcatapit:LicenseDocument",
        "foaf:name": LICENCE_NAME,
        "dct:type": {"@id": "http://purl.org/adms/licencetype/Attribution"},
        "dct:source": {"@id": LICENCE_URL},
    }


def dataset_jsonld(dataset: Dataset, absolute: Callable[[str], str]) -> dict[str, Any]:
    agent = _agent(dataset.city, absolute)
    return {
        "@id": absolute(dataset.landing_page) + "#" + dataset.local_id,
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": dataset.identifier,
        "dct:title": _text(dataset.title),
        "dct:description": _text(dataset.description),
        "dct:issued": _date(dataset.issued),
        "dct:modified": _date(dataset.modified),
        "dct:publisher": agent,
        "dct:rightsHolder": agent,
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/IRREG"},
        "dct:language": {"@id": f"{EU}language/ITA"},
        "dcat:theme": [{"@id": f"{EU}data-theme/{theme}"} for theme in dataset.themes],
        "dcat:landingPage": {"@id": absolute(dataset.landing_page)},
        "dcat:contactPoint": _contact(dataset, absolute),
        "dcat:distribution": [
            {
                "@id": absolute(d.url),
                "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                "dct:title": _text(f"{dataset.title} ({d.format})"),
                "dct:format": {"@id": d.format_uri},
                "dcat:mediaType": d.media_type,
                "dcat:accessURL": {"@id": absolute(d.url)},
                **({"dcat:downloadURL": {"@id": absolute(d.url)}} if d.direct else {}),
                "dct:license": licence_document(),
            }
            for d in dataset.distributions
        ],
    }


def catalogue_jsonld(
    *, city: City, groups: list[ProgrammeDatasets], absolute: Callable[[str], str]
) -> dict[str, Any]:
    """The city's catalogue as a JSON-LD document (``dcatapit:Catalog``). No query.

    ``absolute`` turns a path into an absolute URL (``request.build_absolute_uri``).
    An empty catalogue is dated today; otherwise by its datasets.
    """
    datasets = [d for group in groups for d in group.datasets]
    today = timezone.localtime(clock.now(), ROME).date()
    page = absolute(reverse("monitoring:opendata_catalogue", args=[city.slug]))
    return {
        "@context": CONTEXT,
        "@id": page,
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _text(_("Dati aperti di %(city)s") % {"city": city.name}),
        "dct:description": _text(
            _(
                "I progetti selezionati negli avvisi pubblicati da %(city)s su questo sito, "
                "per avviso e per programma, con licenza %(licence)s."
            )
            % {"city": city.name, "licence": LICENCE}
        ),
        "dct:publisher": _agent(city, absolute),
        "dct:issued": _date(min((d.issued for d in datasets), default=today)),
        "dct:modified": _date(max((d.modified for d in datasets), default=today)),
        "dct:language": {"@id": f"{EU}language/ITA"},
        "foaf:homepage": {"@id": page},
        "dcat:themeTaxonomy": {"@id": f"{EU}data-theme"},
        "dcat:dataset": [dataset_jsonld(d, absolute) for d in datasets],
    }
