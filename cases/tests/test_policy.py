"""The access policy's invariants, each tried against the services directly."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases import access, selectors, services
from cases.models import Disclosure, Victim, VictimGroupObjectPermission
from partners.models import SharingAgreement

pytestmark = pytest.mark.django_db

# Noon in the task force's time zone, so that "today" is the same date everywhere in a test.
NOW = datetime(2026, 11, 2, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
TODAY = NOW.date()


@pytest.fixture
def world(personas):
    """Safe Harbor's survivor on a Bayview case, with Safe Harbor sharing profiles with Bayview."""
    advocate, detective = personas["advocate"], personas["detective"]
    safe_harbor, bayview = advocate.agency, detective.agency
    supervisor_admin = personas["tfadmin"]
    services.sharing_agreement_set(
        owner=safe_harbor, partner=bayview, actor=supervisor_admin, victim_groups=["profile"], case_groups=[]
    )
    case = services.case_create(actor=detective, title="Harbor Street massage businesses", trafficking_type="sex")
    victim = services.victim_create(
        actor=advocate,
        pseudonym="Rose",
        trafficking_type="sex",
        legal_name="Maria Example",
        date_of_birth=date(2001, 5, 4),
        phone="555-0142",
        address="1 Hidden Way",
        nationality="Honduras",
    )
    services.note_create(victim=victim, actor=advocate, body="Told me about the night shift.")
    services.case_link_victim(case=case, victim=victim, actor=advocate)
    return {"case": case, "victim": victim, **personas}


def readable(user, victim):
    return access.victim_access(user, Victim.objects.select_related("owner_agency").get(pk=victim.pk)).readable


def test_owner_advocate_reads_and_writes_every_group(world):
    victim = Victim.objects.select_related("owner_agency").get(pk=world["victim"].pk)
    result = access.victim_access(world["advocate"], victim)
    assert result.readable == {"profile", "identity", "contact", "immigration", "services", "notes"}
    assert result.writable == result.readable
    assert victim.age_group == "adult"


def test_agreement_shares_only_the_profile_of_a_covered_providers_survivor(world):
    detective, victim = world["detective"], world["victim"]
    result = access.victim_access(detective, Victim.objects.select_related("owner_agency").get(pk=victim.pk))
    assert result.readable == {"profile"}
    assert result.writable == set()
    assert result.withheld["identity"] == "consent"
    assert result.withheld["notes"] == "owner_only"
    assert list(selectors.victims_visible_to(detective)) == [victim]


def test_consent_shares_identity_and_revocation_takes_it_back(world):
    detective, advocate, victim = world["detective"], world["advocate"], world["victim"]
    consent = services.consent_create(
        victim=victim,
        actor=advocate,
        recipient_agency=detective.agency,
        field_groups=["identity"],
        purpose="Investigation of the Harbor Street case",
        expires_on=TODAY + timedelta(days=30),
    )
    assert readable(detective, victim) == {"profile", "identity"}
    assert Disclosure.objects.filter(
        victim=victim, recipient_agency=detective.agency, field_group="identity", basis="consent", withdrawn_at=None
    ).exists()

    services.consent_revoke(consent=consent, actor=advocate)

    assert readable(detective, victim) == {"profile"}
    assert Disclosure.objects.get(field_group="identity", recipient_agency=detective.agency).withdrawn_at is not None


def test_an_expired_consent_counts_for_nothing_even_before_the_sweep(world):
    detective, advocate, victim = world["detective"], world["advocate"], world["victim"]
    with time_machine.travel(NOW, tick=False):
        services.consent_create(
            victim=victim,
            actor=advocate,
            recipient_agency=detective.agency,
            field_groups=["identity", "contact"],
            purpose="Court preparation",
            expires_on=TODAY + timedelta(days=30),
        )
        assert readable(detective, victim) == {"profile", "identity", "contact"}
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        # The grants are still stored, but the read-time check refuses them.
        assert VictimGroupObjectPermission.objects.filter(
            content_object=victim, group=detective.agency.group, permission__codename="view_victim_identity"
        ).exists()
        assert readable(detective, victim) == {"profile"}
        assert services.consents_lapse_sweep() == 1
        assert services.consents_lapse_sweep() == 0  # a second run changes nothing
        assert not VictimGroupObjectPermission.objects.filter(
            content_object=victim, group=detective.agency.group, permission__codename="view_victim_identity"
        ).exists()


def test_a_record_reached_only_by_a_lapsed_consent_leaves_the_list(world, personas):
    agent, advocate, victim = personas["agent"], personas["advocate"], world["victim"]
    with time_machine.travel(NOW, tick=False):
        services.consent_create(
            victim=victim,
            actor=advocate,
            recipient_agency=agent.agency,
            field_groups=["identity"],
            purpose="Continued Presence application",
            expires_on=TODAY + timedelta(days=10),
        )
        assert victim in selectors.victims_visible_to(agent)
    with time_machine.travel(NOW + timedelta(days=11), tick=False):
        assert victim not in selectors.victims_visible_to(agent)
        with pytest.raises(Http404):
            selectors.victim_get_visible(user=agent, pk=victim.pk)


def test_no_agreement_can_share_a_covered_providers_pii(world, personas):
    with pytest.raises(ValidationError, match="written consent"):
        services.sharing_agreement_set(
            owner=personas["advocate"].agency,
            partner=personas["detective"].agency,
            actor=personas["tfadmin"],
            victim_groups=["profile", "identity"],
        )
    # Even a row written around the service shares nothing more.
    SharingAgreement.objects.filter(owner=personas["advocate"].agency).update(
        victim_groups=["profile", "identity", "contact", "notes"]
    )
    access.victim_grants_sync(victim=world["victim"], actor=None)
    assert readable(world["detective"], world["victim"]) == {"profile"}


def test_privileged_notes_never_reach_another_agency(world, personas):
    victim, advocate, detective = world["victim"], world["advocate"], world["detective"]
    with pytest.raises(ValidationError, match="cannot be shared"):
        services.consent_create(
            victim=victim, actor=advocate, recipient_agency=detective.agency, field_groups=["notes"], purpose="x"
        )
    # A consent row naming notes, written around the service, still shares no notes.
    from cases.models import Consent

    Consent.objects.create(
        victim=victim,
        recipient_agency=detective.agency,
        field_groups=["notes", "identity"],
        purpose="forged",
        obtained_on=TODAY,
        obtained_by=advocate,
        expires_on=TODAY + timedelta(days=5),
    )
    access.victim_grants_sync(victim=victim, actor=None)
    assert "notes" not in readable(detective, victim)
    assert not VictimGroupObjectPermission.objects.filter(
        content_object=victim, group=detective.agency.group, permission__codename="view_victim_notes"
    ).exists()


def test_a_police_owned_survivor_can_be_shared_by_agreement(world, personas):
    detective, prosecutor = personas["detective"], personas["prosecutor"]
    services.sharing_agreement_set(
        owner=detective.agency,
        partner=prosecutor.agency,
        actor=personas["tfadmin"],
        victim_groups=["profile", "identity"],
        case_groups=["investigation"],
    )
    victim = services.victim_create(
        actor=detective, pseudonym="Lily", trafficking_type="labor", legal_name="Li Example"
    )
    case = world["case"]
    services.case_link_victim(case=case, victim=victim, actor=detective)
    services.case_add_participant(case=case, agency=prosecutor.agency, actor=detective)
    assert readable(prosecutor, victim) == {"profile", "identity"}
    case_access = access.case_access(prosecutor, case)
    # The summary, the investigation by agreement, and the prosecution it works itself.
    assert case_access.readable == {"summary", "investigation", "prosecution"}
    assert case_access.writable == {"prosecution"}


def test_linking_a_survivor_by_case_number_reveals_nothing_of_the_case(world):
    # Case numbers are sequential, so the link an advocate makes by number grants nothing on the case.
    assert access.case_access(world["advocate"], world["case"]).readable == set()
    assert world["case"] not in selectors.cases_visible_to(world["advocate"])


def test_a_write_outside_the_writable_groups_is_refused_and_changes_nothing(world):
    detective, victim = world["detective"], world["victim"]
    with pytest.raises(services.FieldGroupDenied) as denied:
        services.victim_update(victim=victim, actor=detective, changes={"pseudonym": "X", "phone": "1"})
    assert denied.value.groups == ["contact", "profile"]
    victim.refresh_from_db()
    assert victim.pseudonym == "Rose"


def test_aggregate_roles_see_no_pii_through_their_role(world, personas):
    analyst = personas["analyst"]  # at bayview-pd, which holds a profile grant
    assert readable(analyst, world["victim"]) == {"profile"}
    assert access.case_access(analyst, world["case"]).readable == {"summary"}
    for username in ("tfadmin", "auditor", "volunteer"):
        assert list(selectors.victims_visible_to(personas[username])) == []


def test_other_agencies_see_nothing_and_get_404(world, personas):
    for username in ("advocate2", "lawyer", "detective2", "agent", "prosecutor"):
        user = personas[username]
        assert world["victim"] not in selectors.victims_visible_to(user)
        with pytest.raises(Http404):
            selectors.victim_get_visible(user=user, pk=world["victim"].pk)


def test_only_the_owner_records_or_revokes_consent(world):
    with pytest.raises(PermissionDenied):
        services.consent_create(
            victim=world["victim"],
            actor=world["detective"],
            recipient_agency=world["detective"].agency,
            field_groups=["identity"],
            purpose="Asking myself",
        )


def test_consent_expiry_is_required_bounded_and_defaults_to_90_days(world):
    advocate, victim, bayview = world["advocate"], world["victim"], world["detective"].agency
    consent = services.consent_create(
        victim=victim,
        actor=advocate,
        recipient_agency=bayview,
        field_groups=["contact"],
        purpose="Safety check",
        obtained_on=TODAY,
    )
    assert consent.expires_on == TODAY + timedelta(days=90)
    with pytest.raises(ValidationError, match="at most 365"):
        services.consent_create(
            victim=victim,
            actor=advocate,
            recipient_agency=bayview,
            field_groups=["contact"],
            purpose="Too long",
            obtained_on=TODAY,
            expires_on=TODAY + timedelta(days=366),
        )


def test_case_numbers_are_sequential_per_year(personas):
    detective = personas["detective"]
    first = services.case_create(actor=detective, title="One", opened_on=date(2026, 1, 5))
    second = services.case_create(actor=detective, title="Two", opened_on=date(2026, 2, 5))
    assert (first.case_number, second.case_number) == ("TF-2026-0001", "TF-2026-0002")


@pytest.mark.parametrize("size", [2, 8])
def test_permissions_for_a_page_take_two_queries_whatever_its_size(world, personas, size):
    advocate, detective = personas["advocate"], personas["detective"]
    for index in range(size):
        victim = services.victim_create(actor=advocate, pseudonym=f"P{index}", trafficking_type="labor")
        services.case_link_victim(case=world["case"], victim=victim, actor=advocate)
    page = list(selectors.victims_visible_to(detective)[:size])
    assert len(page) == size
    detective.get_all_permissions()  # the role's capabilities are cached per request
    with CaptureQueriesContext(connection) as queries:
        access.victims_access(detective, page)
    assert len(queries) == 2
