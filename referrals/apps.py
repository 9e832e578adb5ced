from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cases.access import register_victim_grant_source
        from referrals import models
        from referrals.access import referral_victim_grants

        # Accepted referrals grant their shared groups (and open ones the de-identified
        # profile); the disclosure log records "referral" as the basis.
        register_victim_grant_source("referral", referral_victim_grants)
        # The note and reasons may mention the survivor: keep them out of the log.
        auditlog.register(models.Referral, exclude_fields=["note", "decline_reason", "outcome_note"])
        auditlog.register(models.ReferralDeadline)
        auditlog.register(models.ReferralIntake)
        auditlog.register(models.Tip, exclude_fields=["summary", "close_reason"])
