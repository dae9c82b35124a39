"""Password hashing: Argon2id with OWASP's parameters (see docs/decisions/0010-argon2id.md)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id, 19 MiB of memory, 2 passes, 1 lane.

    Django's own parameters (100 MiB, 8 lanes) cost several times the CPU of a login on a
    small server; these are the minimum OWASP recommends and cost about a tenth of Django's
    PBKDF2 default. The parameters are stored in each hash: a hash made with other
    parameters is rehashed at the next login (``must_update``), as is a PBKDF2 one.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
