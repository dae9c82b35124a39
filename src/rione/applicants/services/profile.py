"""A user's own profile and consent to the privacy notice."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rione.applicants.models import Person, PrivacyConsent
from rione.applicants.validators import normalise_code
from rione.core import clock
from rione.core.audit import record_event
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, update_record

PERSON_FIELDS = frozenset({"first_name", "last_name", "codice_fiscale", "phone"})


def current_privacy_version() -> str:
    return str(settings.PRIVACY_NOTICE_VERSION)


def has_current_consent(user: User) -> bool:
    return PrivacyConsent.objects.filter(user=user, version=current_privacy_version()).exists()


@transaction.atomic
def save_profile(
    *,
    user: User,
    by: User,
    values: Mapping[str, Any],
    language: str | None = None,
    expected_updated_at: datetime | None = None,
) -> Person:
    """Create or update ``user``'s profile; the name is copied to the account too.

    Only the user themself may do it (`applicants.change_profile`). Raises
    ValidationError for a wrong codice fiscale or one already used by another profile,
    ConcurrentEdit when the profile changed since ``expected_updated_at``.
    """
    ensure_perm(by, "applicants.change_profile", user)
    clean = dict(values)
    if "codice_fiscale" in clean:
        clean["codice_fiscale"] = normalise_code(clean["codice_fiscale"])
        taken = Person.objects.filter(codice_fiscale=clean["codice_fiscale"]).exclude(user=user)
        if clean["codice_fiscale"] and taken.exists():
            raise ValidationError(
                {
                    "codice_fiscale": _(
                        "Questo codice fiscale è già usato da un altro profilo: se è il tuo, "
                        "accedi con l'account con cui l'hai registrato."
                    )
                }
            )
    existing = Person.objects.filter(user=user).first()
    if existing is None:
        person = create_record(
            Person,
            by=by,
            perm="applicants.change_profile",
            perm_obj=user,
            values=clean,
            editable=PERSON_FIELDS,
            fixed={"user": user},
        )
    else:
        person = update_record(
            existing,
            by=by,
            perm="applicants.change_profile",
            values=clean,
            editable=PERSON_FIELDS,
            expected_updated_at=expected_updated_at,
        )
    _sync_account(user, person, language, by=by)
    return person


def _sync_account(user: User, person: Person, language: str | None, *, by: User) -> None:
    fields = {"first_name": person.first_name, "last_name": person.last_name}
    if language is not None:
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise ValidationError({"language": _("Scegli una lingua disponibile.")})
        fields["language"] = language
    changed = {k: v for k, v in fields.items() if getattr(user, k) != v}
    if not changed:
        return
    old = {k: getattr(user, k) for k in changed}
    for name, value in changed.items():
        setattr(user, name, value)
    user.save(update_fields=list(changed))
    record_event(
        person,
        "user.account_updated",
        by=by,
        data={"changes": {k: {"old": old[k], "new": v} for k, v in changed.items()}},
    )


@transaction.atomic
def accept_privacy_notice(
    *, by: User, version: str | None = None, at: datetime | None = None
) -> PrivacyConsent:
    """Record that ``by`` accepted the privacy notice now in force (idempotent per version)."""
    moment = clock.resolve(at)
    version = version or current_privacy_version()
    consent, created = PrivacyConsent.objects.get_or_create(
        user=by, version=version, defaults={"accepted_at": moment}
    )
    if created:
        record_event(
            consent,
            "privacy_consent.accepted",
            by=by,
            at=moment,
            data={"version": version, "accepted_at": moment},
        )
    return consent
