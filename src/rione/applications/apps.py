from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "rione.applications"
    verbose_name = _("Domande")

    def ready(self) -> None:
        from rione.applications.services.notices import register_draft_holders

        register_draft_holders()
