"""Consent gating: what the recipient reads of the survivor, before and after
acceptance, without consent, and after the consent is revoked."""

from __future__ import annotations

import pytest

from cases import services as case_services
from cases.models import Disclosure, ServiceEvent
from referrals import services
from referrals.models import ReferralStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db
S = ReferralStatus


def victim_of(client, referral) -> dict:
    response = client.get(f"/api/v1/referrals/{referral.pk}/")
    assert response.status_code == 200, response.content
    return response.json()["victim"]


def test_the_lawyer_reads_identity_under_consent_but_never_contact_or_notes(world, client_for):
    # given an accepted referral sharing identity under the survivor's consent
    referral = make_referral(world, S.ACCEPTED)

    # when the lawyer opens it
    victim = victim_of(client_for("lawyer"), referral)

    # then identity and the profile are there, contact, immigration and notes are not
    assert victim["field_groups"] == ["identity", "profile"]
    assert victim["legal_name"] == "Maria Example"
    assert "phone" not in victim
    assert "nationality" not in victim
    assert {row["group"]: row["code"] for row in victim["withheld"]}["notes"] == "owner_only"
    # and it is the same as /api/v1/victims/ shows the lawyer
    same = client_for("lawyer").get(f"/api/v1/victims/{world['rose'].pk}/").json()
    assert same == victim


def test_groups_without_consent_cannot_be_shared(world, client_for):
    # when the advocate asks to share contact, which no consent releases to Legal Aid
    response = client_for("advocate").post(
        "/api/v1/referrals/",
        {
            "victim": world["rose"].pk,
            "to_agency": "legal-aid",
            "services": ["immigration_legal"],
            "share_field_groups": ["identity", "contact"],
        },
        content_type="application/json",
    )

    # then nothing is saved and the answer names the group
    assert response.status_code == 400
    assert "contact" in str(response.json()["share_field_groups"])
    assert not world["rose"].referrals.exists()


def test_notes_are_never_shareable(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_referral(world, S.DRAFT, share_field_groups=["notes"])


def test_without_consent_the_recipient_reads_the_de_identified_profile_only(world, client_for, personas):
    # given a survivor with no consent naming Comunidad, referred there and accepted
    advocate, advocate2 = personas["advocate"], personas["advocate2"]
    lily = case_services.victim_create(actor=advocate, pseudonym="Lily", trafficking_type="sex", legal_name="L. Ex")
    referral = services.referral_create(
        actor=advocate, victim=lily, to_agency=advocate2.agency, services=["counseling"]
    )
    services.referral_send(referral=referral, actor=advocate)
    services.referral_acknowledge(referral=referral, actor=advocate2)
    services.referral_accept(referral=referral, actor=advocate2)

    # when Comunidad's advocate opens it
    victim = victim_of(client_for("advocate2"), referral)

    # then the profile only
    assert referral.shared_field_groups == ["profile"]
    assert victim["field_groups"] == ["profile"]
    assert victim["pseudonym"] == "Lily"
    assert "legal_name" not in victim


def test_a_draft_whose_consent_was_revoked_cannot_be_sent(world):
    from django.core.exceptions import ValidationError

    referral = make_referral(world, S.DRAFT)
    case_services.consent_revoke(consent=world["consent"], actor=world["advocate"])
    with pytest.raises(ValidationError):
        services.referral_send(referral=referral, actor=world["advocate"])
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_acceptance_drops_groups_whose_consent_ended_after_sending(world):
    referral = make_referral(world, S.ACKNOWLEDGED)
    case_services.consent_revoke(consent=world["consent"], actor=world["advocate"])
    referral = services.referral_accept(referral=referral, actor=world["lawyer"])
    assert referral.shared_field_groups == ["profile"]


def test_consent_revoked_after_acceptance_removes_the_groups_on_the_next_request(world, client_for):
    # given an accepted referral where the lawyer reads identity
    referral = make_referral(world, S.ACCEPTED)
    lawyer = client_for("lawyer")
    assert "legal_name" in victim_of(lawyer, referral)

    # when the survivor revokes the consent
    case_services.consent_revoke(consent=world["consent"], actor=world["advocate"])

    # then the next request shows the profile only, and the disclosure is closed
    victim = victim_of(lawyer, referral)
    assert victim["field_groups"] == ["profile"]
    assert "legal_name" not in victim
    assert not Disclosure.objects.filter(
        victim=world["rose"], recipient_agency=world["lawyer"].agency, field_group="identity", withdrawn_at=None
    ).exists()


@pytest.mark.parametrize("end", [S.DECLINED, S.WITHDRAWN, S.EXPIRED])
def test_an_ended_referral_leaves_no_grant_and_the_disclosure_log_says_so(world, client_for, end):
    referral = make_referral(world, end)
    profile = Disclosure.objects.filter(
        victim=world["rose"], recipient_agency=world["lawyer"].agency, field_group="profile"
    ).get()
    assert profile.basis == Disclosure.Basis.REFERRAL
    assert profile.withdrawn_at is not None
    assert victim_of(client_for("lawyer"), referral)["field_groups"] == ["identity"]  # the consent still shares it


def test_sending_discloses_the_profile_with_the_referral_as_basis(world):
    make_referral(world, S.SENT)
    row = Disclosure.objects.get(
        victim=world["rose"], recipient_agency=world["lawyer"].agency, field_group="profile", withdrawn_at=None
    )
    assert row.basis == Disclosure.Basis.REFERRAL


def test_completion_records_service_events_of_the_recipient(world, client_for):
    # when the lawyer completes with services delivered
    referral = make_referral(world, S.COMPLETED)

    # then a service event by referral, provided by Legal Aid, feeds the reports
    event = ServiceEvent.objects.get(victim=world["rose"])
    assert (event.service_type, event.providing_agency, event.delivery) == (
        "immigration_legal",
        world["lawyer"].agency,
        ServiceEvent.Delivery.REFERRAL,
    )
    # and the advocate sees the completed referral and the service event
    body = client_for("advocate").get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["status"] == "completed"
    assert body["outcome"] == "services_delivered"
    assert [row["service_type"] for row in body["victim"]["services"]] == ["immigration_legal"]


def test_closed_without_service_creates_no_service_event(world):
    referral = make_referral(world, S.ACCEPTED)
    services.referral_complete(
        referral=referral, actor=world["lawyer"], outcome="closed_without_service", note="Moved out of state."
    )
    assert not ServiceEvent.objects.filter(victim=world["rose"]).exists()
