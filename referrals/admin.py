"""Django admin for the referral configuration only: deadlines per agency and urgency.

Referrals themselves are never edited here: every transition goes through
``referrals.services`` (the lifecycle, the consent check and the grants).
"""

from __future__ import annotations

from django.contrib import admin

from referrals.models import ReferralDeadline


@admin.register(ReferralDeadline)
class ReferralDeadlineAdmin(admin.ModelAdmin):
    list_display = ["agency", "urgency", "acknowledge_within", "decide_within"]
    list_filter = ["urgency"]
