"""A referral world for the tests: Safe Harbor's survivor Rose, a consent releasing
her identity to Legal Aid, and a helper that brings a referral into any state."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from cases import services as case_services
from referrals import services
from referrals.models import Outcome, Referral, ReferralStatus

# The time-travel tests start from the present, so the consents recorded today are active.
NOW = datetime.now(tz=UTC).replace(second=0, microsecond=0)


@pytest.fixture
def world(personas) -> dict[str, Any]:
    advocate, lawyer = personas["advocate"], personas["lawyer"]
    rose = case_services.victim_create(
        actor=advocate,
        pseudonym="Rose",
        trafficking_type="labor",
        legal_name="Maria Example",
        date_of_birth=date(1999, 5, 4),
        phone="555-0142",
        nationality="Honduras",
    )
    case_services.note_create(victim=rose, actor=advocate, body="Told me about the night shift.")
    consent = case_services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=lawyer.agency,
        field_groups=["identity"],
        purpose="T visa application",
    )
    return {"rose": rose, "consent": consent, **personas}


def make_referral(world: dict[str, Any], state: str = ReferralStatus.DRAFT, **fields: Any) -> Referral:
    """A referral from `advocate` (Safe Harbor) to `lawyer` (Legal Aid), brought into ``state`` by the services."""
    advocate, lawyer = world["advocate"], world["lawyer"]
    options: dict[str, Any] = {
        "services": ["immigration_legal"],
        "urgency": "urgent",
        "share_field_groups": ["identity"],
        "note": "Needs a T visa consultation.",
        **fields,
    }
    referral = services.referral_create(actor=advocate, victim=world["rose"], to_agency=lawyer.agency, **options)
    if state == ReferralStatus.DRAFT:
        return referral
    referral = services.referral_send(referral=referral, actor=advocate)
    if state == ReferralStatus.WITHDRAWN:
        return services.referral_withdraw(referral=referral, actor=advocate)
    if state == ReferralStatus.EXPIRED:
        return services.referral_expire(referral=referral, actor=None)
    if state == ReferralStatus.DECLINED:
        return services.referral_decline(referral=referral, actor=lawyer, reason="No capacity this month.")
    if state == ReferralStatus.SENT:
        return referral
    referral = services.referral_acknowledge(referral=referral, actor=lawyer)
    if state == ReferralStatus.ACKNOWLEDGED:
        return referral
    referral = services.referral_accept(referral=referral, actor=lawyer)
    if state == ReferralStatus.ACCEPTED:
        return referral
    return services.referral_complete(
        referral=referral, actor=lawyer, outcome=Outcome.SERVICES_DELIVERED, note="Filed the I-914."
    )
