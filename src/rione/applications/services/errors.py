"""Errors of the proposal use cases."""

from django.utils.translation import gettext_lazy as _

from rione.core.errors import DomainError


class CallNotOpen(DomainError):
    code = "call_not_open"
    message = _(
        "L'avviso non è aperto: le domande si possono compilare e presentare solo "
        "tra l'apertura e la scadenza."
    )


class ProposalLocked(DomainError):
    code = "proposal_locked"
    message = _(
        "La domanda è già stata presentata e non si può modificare. "
        "Prima della scadenza puoi riaprirla per presentarne una nuova versione."
    )


class StepConflict(DomainError):
    code = "step_conflict"
    message = _(
        "Qualcun altro ha salvato questa sezione mentre la stavi compilando. "
        "Le tue modifiche non sono state salvate: ricarica la pagina per vedere la versione "
        "attuale e inseriscile di nuovo."
    )


class NewerVersionExists(DomainError):
    code = "newer_version_exists"
    message = _(
        "Questa pagina mostrava una versione superata della domanda: nel frattempo ne è stata "
        "presentata una più recente, poi riaperta. Ricarica la pagina, controlla e presenta di nuovo."
    )


class NotReadyToSubmit(DomainError):
    code = "not_ready_to_submit"
    message = _("La domanda non può ancora essere presentata.")

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems=problems)
        self.problems = problems
