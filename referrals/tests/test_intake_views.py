from __future__ import annotations

import pytest

from referrals.models import ReferralIntake
from referrals.selectors import referral_directory

pytestmark = pytest.mark.django_db


def test_a_supervisor_pauses_and_resumes_new_referrals_to_the_agency(client_for, personas):
    client = client_for("supervisor")  # Safe Harbor
    assert "is accepting new referrals" in client.get("/referrals/intake/").content.decode()

    assert client.post("/referrals/intake/", {"accepting_referrals": "no"}).status_code == 302

    intake = ReferralIntake.objects.get(agency=personas["supervisor"].agency)
    assert intake.accepting_referrals is False
    # and the referral directory now shows the agency as paused
    # referrals_paused is an annotation of the selector, which the type stubs cannot see
    assert referral_directory().filter(pk=intake.agency_id, referrals_paused=True).exists()  # type: ignore[misc]
    assert "are paused" in client.get("/referrals/intake/").content.decode()

    client.post("/referrals/intake/", {"accepting_referrals": "yes"})
    intake.refresh_from_db()
    assert intake.accepting_referrals is True


@pytest.mark.parametrize("username", ["advocate", "detective", "volunteer", "analyst"])
def test_others_may_not_change_the_intake(client_for, personas, username):
    assert client_for(username).post("/referrals/intake/", {"accepting_referrals": "no"}).status_code == 403
    assert not ReferralIntake.objects.exists()
