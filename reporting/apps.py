from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from partners.operations.funding import register_award_source
        from reporting import audit
        from reporting.grants import award_funding_choices

        audit.register()
        register_award_source(award_funding_choices)
