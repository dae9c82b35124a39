"""The demo accounts: one per role and city, plus a platform admin, an applicant and a citizen.

Demo only: every account shares one password, printed by ``load_demo`` and listed in the README.
"""

from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password

from rione.core.models import Role
from rione.demo.specs import DemoAccount

PASSWORD = "rione-demo-2026"  # noqa: S105 - a published demo password, never used in production

SUPERUSER = "superuser"
APPLICANT = "applicant"
CITIZEN = "citizen"

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@rione.demo", "Amministratore", "Piattaforma", SUPERUSER),
    DemoAccount("admin.napoli@rione.demo", "Anna", "Esposito", Role.CITY_ADMIN, "napoli"),
    DemoAccount("manager.napoli@rione.demo", "Ciro", "Russo", Role.PROGRAMME_MANAGER, "napoli"),
    DemoAccount("evaluator.napoli@rione.demo", "Giulia", "De Luca", Role.EVALUATOR, "napoli"),
    DemoAccount("evaluator2.napoli@rione.demo", "Raffaele", "Cuccurullo", Role.EVALUATOR, "napoli"),
    DemoAccount("evaluator3.napoli@rione.demo", "Annalisa", "Marino", Role.EVALUATOR, "napoli"),
    DemoAccount("mentor.napoli@rione.demo", "Marco", "Romano", Role.MENTOR, "napoli"),
    DemoAccount("finance.napoli@rione.demo", "Teresa", "Capasso", Role.FINANCE_OFFICER, "napoli"),
    DemoAccount("admin.milano@rione.demo", "Laura", "Colombo", Role.CITY_ADMIN, "milano"),
    DemoAccount(
        "manager.milano@rione.demo", "Paolo", "Brambilla", Role.PROGRAMME_MANAGER, "milano"
    ),
    DemoAccount("evaluator.milano@rione.demo", "Chiara", "Ferrari", Role.EVALUATOR, "milano"),
    DemoAccount("mentor.milano@rione.demo", "Luca", "Galli", Role.MENTOR, "milano"),
    DemoAccount("finance.milano@rione.demo", "Francesca", "Villa", Role.FINANCE_OFFICER, "milano"),
    DemoAccount("applicant@rione.demo", "Salvatore", "Iovine", APPLICANT),
    DemoAccount("citizen@rione.demo", "Rosa", "Gargiulo", CITIZEN),
)


def staff_of(city_slug: str) -> tuple[DemoAccount, ...]:
    return tuple(a for a in ACCOUNTS if a.city_slug == city_slug)


DEMO_SALT = "rionedemo2026"  # fixed, so that a reload compares strings instead of hashing


@cache
def _hashed(hashers: tuple[str, ...]) -> str:
    return make_password(PASSWORD, salt=DEMO_SALT)


def password_hash() -> str:
    """The demo password hashed once, the same for every account and every run.

    Hashing it again for each of the hundred demo applicants would take minutes with the
    production hasher, and checking it at each reload seconds; a fixed salt is harmless for
    a password published in the README.
    """
    return _hashed(tuple(settings.PASSWORD_HASHERS))
