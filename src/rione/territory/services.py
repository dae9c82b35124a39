"""Use cases of the territory: cities, districts, neighbourhoods, sites and taxonomies."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rione.core.audit import record_event, snapshot
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, delete_record, update_record
from rione.territory import defaults
from rione.territory.models import (
    ApplicantType,
    City,
    CostCategory,
    District,
    Neighbourhood,
    Sector,
    Site,
    TargetGroup,
    TaxonomyTerm,
)

CITY_FIELDS = frozenset(
    {
        "name",
        "official_name",
        "ipa_code",
        "region",
        "description",
        "address",
        "email",
        "pec",
        "phone",
        "website",
        "office",
        "opening_hours",
        "is_published",
    }
)
DISTRICT_FIELDS = frozenset({"name", "code", "slug", "order"})
NEIGHBOURHOOD_FIELDS = frozenset({"district", "name", "slug", "is_target_area", "order"})
SITE_FIELDS = frozenset(
    {
        "neighbourhood",
        "name",
        "slug",
        "address",
        "postcode",
        "latitude",
        "longitude",
        "description",
        "is_illustrative",
    }
)
TERM_FIELDS = frozenset({"name", "name_en", "slug", "order", "is_active"})
APPLICANT_TYPE_FIELDS = TERM_FIELDS | {"category", "runts_section"}


def _term_fields(model: type[TaxonomyTerm]) -> frozenset[str]:
    return APPLICANT_TYPE_FIELDS if model is ApplicantType else TERM_FIELDS


TAXONOMIES: dict[str, type[TaxonomyTerm]] = {
    "sectors": Sector,
    "target-groups": TargetGroup,
    "applicant-types": ApplicantType,
    "cost-categories": CostCategory,
}


@transaction.atomic
def create_city(*, by: User, values: Mapping[str, Any]) -> City:
    """Create a city with the default taxonomies. Platform superusers only."""
    ensure_perm(by, "territory.create_city")
    city = City(**values)
    city.full_clean()
    city.save()
    seed_default_taxonomies(city)
    record_event(city, "city.created", by=by, data={"after": snapshot(city)})
    return city


def seed_default_taxonomies(city: City) -> None:
    """Give ``city`` the default sectors, targets, applicant types and cost categories (idempotent)."""
    plain = [
        (Sector, defaults.SECTORS),
        (TargetGroup, defaults.TARGET_GROUPS),
        (CostCategory, defaults.COST_CATEGORIES),
    ]
    for model, rows in plain:
        model._default_manager.bulk_create(
            [
                model(city=city, slug=slug, name=name, name_en=name_en, order=index)
                for index, (slug, name, name_en) in enumerate(rows)
            ],
            ignore_conflicts=True,
        )
    ApplicantType.objects.bulk_create(
        [
            ApplicantType(
                city=city,
                slug=slug,
                name=name,
                name_en=name_en,
                order=index,
                category=category,
                runts_section=section,
            )
            for index, (slug, name, name_en, category, section) in enumerate(
                defaults.APPLICANT_TYPES
            )
        ],
        ignore_conflicts=True,
    )


def update_city(
    *, city: City, by: User, values: Mapping[str, Any], expected_updated_at: datetime | None = None
) -> City:
    return update_record(
        city,
        by=by,
        perm="territory.change_city",
        values=values,
        expected_updated_at=expected_updated_at,
        editable=CITY_FIELDS,
    )


def _same_city(city: City, **related: Any) -> None:
    errors = {
        name: _("Scegli un elemento della stessa città.")
        for name, obj in related.items()
        if obj is not None and obj.owning_city_id != city.pk
    }
    if errors:
        raise ValidationError(errors)


def create_district(*, city: City, by: User, values: Mapping[str, Any]) -> District:
    return create_record(
        District,
        by=by,
        perm="territory.manage_areas",
        perm_obj=city,
        values=values,
        editable=DISTRICT_FIELDS,
        fixed={"city": city},
    )


def update_district(*, district: District, by: User, values: Mapping[str, Any]) -> District:
    return update_record(
        district, by=by, perm="territory.manage_areas", values=values, editable=DISTRICT_FIELDS
    )


def delete_district(*, district: District, by: User) -> None:
    ensure_perm(by, "territory.manage_areas", district)
    if district.neighbourhoods.exists():
        raise ValidationError(
            _("La municipalità ha ancora dei quartieri: spostali o eliminali prima.")
        )
    delete_record(district, by=by, perm="territory.manage_areas")


def create_neighbourhood(*, city: City, by: User, values: Mapping[str, Any]) -> Neighbourhood:
    ensure_perm(by, "territory.manage_areas", city)
    _same_city(city, district=values.get("district"))
    return create_record(
        Neighbourhood,
        by=by,
        perm="territory.manage_areas",
        perm_obj=city,
        values=values,
        editable=NEIGHBOURHOOD_FIELDS,
        fixed={"city": city},
    )


def update_neighbourhood(
    *, neighbourhood: Neighbourhood, by: User, values: Mapping[str, Any]
) -> Neighbourhood:
    ensure_perm(by, "territory.manage_areas", neighbourhood)
    _same_city(neighbourhood.city, district=values.get("district"))
    return update_record(
        neighbourhood,
        by=by,
        perm="territory.manage_areas",
        values=values,
        editable=NEIGHBOURHOOD_FIELDS,
    )


def delete_neighbourhood(*, neighbourhood: Neighbourhood, by: User) -> None:
    ensure_perm(by, "territory.manage_areas", neighbourhood)
    if neighbourhood.calls.exists():
        raise ValidationError(
            _("Il quartiere è indicato in uno o più avvisi e non può essere eliminato.")
        )
    delete_record(neighbourhood, by=by, perm="territory.manage_areas")


def create_site(*, city: City, by: User, values: Mapping[str, Any]) -> Site:
    ensure_perm(by, "territory.manage_sites", city)
    _same_city(city, neighbourhood=values.get("neighbourhood"))
    return create_record(
        Site,
        by=by,
        perm="territory.manage_sites",
        perm_obj=city,
        values=values,
        editable=SITE_FIELDS,
        fixed={"city": city},
    )


def update_site(
    *, site: Site, by: User, values: Mapping[str, Any], expected_updated_at: datetime | None = None
) -> Site:
    ensure_perm(by, "territory.manage_sites", site)
    _same_city(site.city, neighbourhood=values.get("neighbourhood"))
    return update_record(
        site,
        by=by,
        perm="territory.manage_sites",
        values=values,
        expected_updated_at=expected_updated_at,
        editable=SITE_FIELDS,
    )


def delete_site(*, site: Site, by: User) -> None:
    ensure_perm(by, "territory.manage_sites", site)
    if site.lots.exists():
        raise ValidationError(_("La sede è assegnata a un lotto e non può essere eliminata."))
    delete_record(site, by=by, perm="territory.manage_sites")


def create_term(
    *, model: type[TaxonomyTerm], city: City, by: User, values: Mapping[str, Any]
) -> TaxonomyTerm:
    return create_record(
        model,
        by=by,
        perm="territory.manage_taxonomies",
        perm_obj=city,
        values=values,
        editable=_term_fields(model),
        fixed={"city": city},
    )


def update_term(*, term: TaxonomyTerm, by: User, values: Mapping[str, Any]) -> TaxonomyTerm:
    return update_record(
        term,
        by=by,
        perm="territory.manage_taxonomies",
        values=values,
        editable=_term_fields(type(term)),
    )
