"""The demo referrals: every state, consistent with the demo consents, and seeding twice changes nothing."""

from __future__ import annotations

import pytest

from cases import demo as cases_demo
from referrals import demo
from referrals.models import Notification, Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_referrals_in_every_state_and_seeds_once(personas):
    cases_demo.seed()
    first = demo.seed()
    assert first["referrals"] == len(demo.REFERRALS)
    assert {referral.status for referral in Referral.objects.all()} == set(ReferralStatus.values)
    # Only the consent to Legal Aid lets a referral share more than the profile.
    completed = Referral.objects.get(status=ReferralStatus.COMPLETED)
    assert completed.shared_field_groups == ["identity", "immigration", "profile"]
    others = Referral.objects.exclude(victim__pseudonym="Luz")
    assert all(referral.shared_field_groups == ["profile"] for referral in others)

    counts = (Referral.objects.count(), Notification.objects.count())
    assert demo.seed() == {"referrals": 0}
    assert (Referral.objects.count(), Notification.objects.count()) == counts
