"""Typed, coded, translated domain errors; mapped to HTTP in one place."""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    message: Any = _("Operazione non consentita.")
    status = 409

    def __init__(self, message: Any = None, **details: Any) -> None:
        if message is not None:
            self.message = message
        self.details = details
        super().__init__(str(self.message))


class InvalidTransition(DomainError):
    code = "invalid_transition"
    message = _("Questo passaggio di stato non è consentito.")

    def __init__(self, *, source: str, target: str) -> None:
        super().__init__(
            _("Non è possibile passare dallo stato «%(source)s» a «%(target)s».")
            % {"source": source, "target": target},
            source=source,
            target=target,
        )


class NotAllowed(DomainError):
    code = "not_allowed"
    message = _("Non hai i permessi per questa operazione.")
    status = 403
