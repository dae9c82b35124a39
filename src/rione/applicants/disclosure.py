"""How an applicant is named in public: rankings, open data, dashboards.

A legal entity is public under its name. Natural persons never are: an informal group is
"Gruppo informale", and a business that carries its owner's name (a sole trader, *ditta
individuale*, which is a person in law, not an entity) is "Impresa individuale". See
docs/decisions/0009-public-names-of-applicants.md.
"""

import re
from typing import Any

from django.utils.translation import gettext as _

from rione.applicants.models import LegalForm

# The forms under which a sole trader registers: rione has no form of its own for them.
FORMS_OF_SOLE_TRADERS = frozenset({LegalForm.COMPANY.value, LegalForm.OTHER.value})


def names_a_person(entity_name: str, person_name: str) -> bool:
    """Whether every word of ``person_name`` (two letters or more) is a word of ``entity_name``."""
    words = [w for w in re.findall(r"\w+", person_name.casefold()) if len(w) > 1]
    found = set(re.findall(r"\w+", entity_name.casefold()))
    return bool(words) and all(word in found for word in words)


def public_applicant_name(
    *, kind: Any, name: Any, legal_form: Any = "", legal_representative: Any = ""
) -> str:
    """The name under which a proposal's applicant may be published.

    Takes the fields of the submitted version's ``applicant`` (``kind`` is
    ``"informal_group"`` or ``"organisation"``); values may be None.
    """
    if kind == "informal_group":
        return _("Gruppo informale")
    name, representative = str(name or ""), str(legal_representative or "")
    if str(legal_form or "") in FORMS_OF_SOLE_TRADERS and names_a_person(name, representative):
        return _("Impresa individuale")
    return name
