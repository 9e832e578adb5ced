"""Tips: recorded and triaged by the task force's central contact only, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from referrals import services
from referrals.models import ReferralStatus, TipStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db


def test_the_central_contact_triages_a_tip_into_a_referral_once(world):
    tfadmin = world["tfadmin"]
    tip = services.tip_create(actor=tfadmin, source="hotline", summary="Workers locked in at night.", urgency="urgent")
    referral = make_referral(world, ReferralStatus.SENT)

    tip = services.tip_triage_referral(tip=tip, actor=tfadmin, referral=referral)

    assert (tip.status, tip.referral, tip.triaged_by) == (TipStatus.TRIAGED_REFERRAL, referral, tfadmin)
    with pytest.raises(ValidationError):
        services.tip_close(tip=tip, actor=tfadmin, reason="Duplicate.")


def test_closing_needs_a_reason_and_only_the_central_contact_triages(world):
    tip = services.tip_create(actor=world["tfadmin"], source="community", summary="A van at the motel.")
    with pytest.raises(ValidationError):
        services.tip_close(tip=tip, actor=world["tfadmin"], reason="")
    with pytest.raises(PermissionDenied):
        services.tip_close(tip=tip, actor=world["advocate"], reason="Not ours.")
    with pytest.raises(PermissionDenied):
        services.tip_create(actor=world["detective"], source="hotline", summary="x")
    assert services.tip_close(tip=tip, actor=world["tfadmin"], reason="No location given.").status == TipStatus.CLOSED
