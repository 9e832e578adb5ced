"""Every action on a referral in every state, for every persona, through the API:
200 when legal for them, 409 with the allowed actions when the state forbids it,
403 when it is not their side's action, 404 when they cannot see the referral."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from referrals import services
from referrals.models import Referral, ReferralStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db

S = ReferralStatus
STATES = list(S.values)
BODIES = {
    "send": {},
    "acknowledge": {},
    "accept": {},
    "decline": {"reason": "No capacity this month."},
    "complete": {"outcome": "services_delivered", "note": "Filed the I-914."},
    "withdraw": {},
}
TARGET = {
    "send": S.SENT,
    "acknowledge": S.ACKNOWLEDGED,
    "accept": S.ACCEPTED,
    "decline": S.DECLINED,
    "complete": S.COMPLETED,
    "withdraw": S.WITHDRAWN,
}
# The legal transitions, written out here independently of services.TRANSITIONS.
LEGAL: dict[str, set[str]] = {
    S.DRAFT: {"send", "withdraw"},
    S.SENT: {"acknowledge", "decline", "withdraw", "expire"},
    S.ACKNOWLEDGED: {"accept", "decline", "withdraw"},
    S.ACCEPTED: {"complete", "withdraw"},
    S.COMPLETED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
    S.EXPIRED: set(),
}
SENDER_ACTIONS = {"send", "withdraw"}
# persona -> which side they may act for, and whether they see drafts / sent referrals.
PERSONAS = {
    "advocate": "sender",  # made the referral
    "supervisor": "sender",  # same agency (Safe Harbor), a referral role
    "lawyer": "recipient",  # Legal Aid, advocate role
    "volunteer": None,  # Safe Harbor, but volunteers take no part in referrals
    "detective": None,  # another agency altogether
    "tfadmin": "coordinator",  # sees states and timing, acts on nothing
}


def expected(persona: str, state: str, action: str) -> int:
    side = PERSONAS[persona]
    if side in (None,) or (state == S.DRAFT and side in ("recipient", "coordinator")):
        return 404
    needed = "sender" if action in SENDER_ACTIONS else "recipient"
    if side != needed:
        return 403
    return 200 if action in LEGAL[state] else 409


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_action_in_every_state_for_every_persona(world, client_for, persona, state):
    client = client_for(persona)
    for action, body in BODIES.items():
        # given a fresh referral in the state
        referral = make_referral(world, state)

        # when the persona takes the action
        response = client.post(f"/api/v1/referrals/{referral.pk}/{action}/", body, content_type="application/json")

        # then the answer is the one the rules give, and only a 200 changed anything
        want = expected(persona, state, action)
        assert response.status_code == want, (persona, state, action, response.content)
        referral.refresh_from_db()
        if want == 200:
            assert response.json()["status"] == TARGET[action] == referral.status
            assert getattr(referral, f"{TARGET[action]}_by") == world[persona]
        else:
            assert referral.status == state
        if want == 409:
            assert sorted(response.json()["allowed"]) == sorted(LEGAL[state])
            assert response.json()["status"] == state


@pytest.mark.parametrize("state", STATES)
def test_only_the_system_expires_and_only_a_sent_referral(world, state):
    referral = make_referral(world, state)
    if state == S.SENT:
        assert services.referral_expire(referral=referral, actor=None).status == S.EXPIRED
    else:
        with pytest.raises(services.IllegalTransition) as raised:
            services.referral_expire(referral=referral, actor=None)
        assert set(raised.value.allowed) == LEGAL[state]


def test_a_sender_cannot_act_for_the_recipient_even_from_the_services(world):
    referral = make_referral(world, S.SENT)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.referral_acknowledge(referral=referral, actor=world["advocate"])
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(referral=referral, actor=world["lawyer"])


def test_decline_needs_a_reason_and_complete_without_service_needs_a_note(world, client_for):
    lawyer = client_for("lawyer")
    referral = make_referral(world, S.SENT)
    response = lawyer.post(
        f"/api/v1/referrals/{referral.pk}/decline/", {"reason": " "}, content_type="application/json"
    )
    assert response.status_code == 400
    accepted = make_referral(world, S.ACCEPTED)
    response = lawyer.post(
        f"/api/v1/referrals/{accepted.pk}/complete/",
        {"outcome": "closed_without_service"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "note" in response.json()
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_a_second_acceptance_with_a_stale_copy_is_refused(world):
    """The lock path, deterministically: both people loaded the acknowledged
    referral; the service re-reads it under the row lock, so the second one
    sees 'accepted' and is refused (409), and there is one acceptance."""
    first_copy = make_referral(world, S.ACKNOWLEDGED)
    second_copy = Referral.objects.get(pk=first_copy.pk)
    services.referral_accept(referral=first_copy, actor=world["lawyer"])
    with pytest.raises(services.IllegalTransition) as raised:
        services.referral_accept(referral=second_copy, actor=world["lawyer"])
    assert raised.value.status == S.ACCEPTED
    assert raised.value.allowed == ["complete", "withdraw"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql  # row locks across threads: SQLite locks the whole file instead
def test_two_people_accepting_at_once_end_with_one_acceptance(personas):
    # given an acknowledged referral
    from cases import services as case_services

    advocate, lawyer = personas["advocate"], personas["lawyer"]
    rose = case_services.victim_create(actor=advocate, pseudonym="Rose", trafficking_type="labor")
    referral = services.referral_create(
        actor=advocate, victim=rose, to_agency=lawyer.agency, services=["immigration_legal"]
    )
    services.referral_send(referral=referral, actor=advocate)
    services.referral_acknowledge(referral=referral, actor=lawyer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        copy = Referral.objects.get(pk=referral.pk)
        barrier.wait()
        try:
            services.referral_accept(referral=copy, actor=lawyer)
            outcomes.append("accepted")
        except services.IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    # when two requests accept at the same moment
    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one accepted
    assert sorted(outcomes) == ["accepted", "refused"]
    assert Referral.objects.get(pk=referral.pk).status == S.ACCEPTED
