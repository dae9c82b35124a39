"""Italian identifiers checked with python-stdnum, with messages that say what is wrong."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.it import codicefiscale, iva

PERSON_CF_LENGTH = 16
ENTITY_CF_LENGTH = 11


def normalise_code(value: str) -> str:
    """Upper case, without spaces, dots or dashes (people copy codes in many shapes)."""
    return "".join(ch for ch in (value or "") if ch not in " .-\t").upper()


def validate_person_cf(value: str) -> None:
    """A person's codice fiscale: 16 characters with a check letter."""
    code = normalise_code(value)
    if len(code) != PERSON_CF_LENGTH:
        raise ValidationError(
            _("Il codice fiscale deve avere 16 caratteri (ne hai scritti %(n)d)."),
            code="cf_length",
            params={"n": len(code)},
        )
    try:
        codicefiscale.validate(code)
    except InvalidChecksum as error:
        raise ValidationError(
            _(
                "Il carattere di controllo del codice fiscale non è corretto: "
                "controlla di averlo copiato bene."
            ),
            code="cf_checksum",
        ) from error
    except (InvalidFormat, InvalidLength) as error:
        raise ValidationError(
            _(
                "Il codice fiscale non ha la forma giusta: 6 lettere (cognome e nome), "
                "2 cifre (anno), 1 lettera (mese), 2 cifre (giorno), 4 caratteri (comune) "
                "e 1 lettera di controllo."
            ),
            code="cf_format",
        ) from error


def validate_entity_cf(value: str) -> None:
    """The codice fiscale of an organisation: 11 digits (or 16 characters for a sole trader)."""
    code = normalise_code(value)
    if len(code) == PERSON_CF_LENGTH:
        validate_person_cf(code)
        return
    if len(code) != ENTITY_CF_LENGTH:
        raise ValidationError(
            _(
                "Il codice fiscale di un ente deve avere 11 cifre (ne hai scritte %(n)d), "
                "oppure 16 caratteri per una ditta individuale."
            ),
            code="cf_length",
            params={"n": len(code)},
        )
    if not code.isdigit():
        raise ValidationError(
            _("Il codice fiscale di un ente è fatto di sole cifre."), code="cf_format"
        )
    try:
        codicefiscale.validate(code)
    except InvalidChecksum as error:
        raise ValidationError(
            _(
                "L'ultima cifra del codice fiscale (cifra di controllo) non è corretta: "
                "controlla di averlo copiato bene."
            ),
            code="cf_checksum",
        ) from error
    except (InvalidFormat, InvalidLength) as error:
        raise ValidationError(
            _("Il codice fiscale dell'ente non è valido."), code="cf_format"
        ) from error


def validate_partita_iva(value: str) -> None:
    """A partita IVA: 11 digits, the last one a check digit."""
    code = normalise_code(value)
    if code.startswith("IT"):
        code = code[2:]
    if len(code) != ENTITY_CF_LENGTH:
        raise ValidationError(
            _("La partita IVA deve avere 11 cifre (ne hai scritte %(n)d)."),
            code="iva_length",
            params={"n": len(code)},
        )
    if not code.isdigit():
        raise ValidationError(_("La partita IVA è fatta di sole cifre."), code="iva_format")
    try:
        iva.validate(code)
    except InvalidChecksum as error:
        raise ValidationError(
            _(
                "L'ultima cifra della partita IVA (cifra di controllo) non è corretta: "
                "controlla di averla copiata bene."
            ),
            code="iva_checksum",
        ) from error
    except (InvalidComponent, InvalidFormat, InvalidLength) as error:
        raise ValidationError(
            _("La partita IVA non è valida: l'ufficio provinciale indicato non esiste."),
            code="iva_format",
        ) from error
