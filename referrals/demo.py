"""Demo referrals between the Bayview County agencies, one or more in every state.

Every referral is made through ``referrals.services`` by the persona who would
make it, consistent with the consents ``cases.demo`` recorded: only Luz's
consent to Legal Aid lets a referral share more than the de-identified profile.
Idempotent: a referral is known by its survivor, recipient and note.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from cases.models import Victim
from partners.models import Agency, User
from referrals import services
from referrals.models import Outcome, Referral, ReferralStatus, Urgency
from taskforce.audit import audit_actor

S = ReferralStatus


@dataclass(frozen=True)
class DemoReferral:
    sender: str  # username
    victim: str  # pseudonym, of the sender's agency
    recipient: str  # username of the person who answers for the receiving agency
    services: tuple[str, ...]
    urgency: str
    note: str
    state: str
    share: tuple[str, ...] = ()
    answer: str = ""  # decline reason or outcome note


REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        "advocate2",
        "Luz",
        "lawyer",
        ("immigration_legal",),
        Urgency.URGENT,
        "T visa screening; she has her consent form on file with you.",
        S.COMPLETED,
        share=("identity", "immigration"),
        answer="T visa application (I-914) filed; next appointment in six weeks.",
    ),
    DemoReferral(
        "advocate2",
        "Luz",
        "lawyer",
        ("civil_legal",),
        Urgency.ROUTINE,
        "Unpaid wages claim against the contractor.",
        S.ACCEPTED,
        share=("identity", "contact"),
    ),
    DemoReferral(
        "advocate",
        "Willow",
        "advocate2",
        ("counseling",),
        Urgency.ROUTINE,
        "Looking for a Spanish-speaking counselor near the bus line.",
        S.ACKNOWLEDGED,
    ),
    DemoReferral(
        "supervisor",
        "Ivy",
        "advocate2",
        ("interpretation",),
        Urgency.EMERGENCY,
        "Vietnamese interpreter needed for a medical appointment today.",
        S.SENT,
    ),
    DemoReferral(
        "advocate",
        "Rose",
        "lawyer",
        ("criminal_record_relief",),
        Urgency.ROUTINE,
        "Vacatur of prostitution-related convictions.",
        S.DRAFT,
    ),
    DemoReferral(
        "advocate2",
        "Mateo",
        "supervisor",
        ("emergency_shelter",),
        Urgency.URGENT,
        "Needs a bed tonight; currently staying with a cousin.",
        S.DECLINED,
        answer="No beds for men this month; we gave the county shelter list to his advocate.",
    ),
    DemoReferral(
        "advocate2",
        "Tomás",
        "advocate",
        ("counseling",),
        Urgency.ROUTINE,
        "Counseling after family reunification.",
        S.WITHDRAWN,
    ),
    DemoReferral(
        "advocate",
        "Sky",
        "lawyer",
        ("criminal_record_relief",),
        Urgency.ROUTINE,
        "Outstanding warrant from another county.",
        S.EXPIRED,
    ),
)


@contextmanager
def _as(user: User | None) -> Iterator[None]:
    with audit_actor(user):
        yield


def seed() -> dict[str, int]:
    """Create the missing demo referrals; a second run writes nothing."""
    created = 0
    with transaction.atomic():
        people = {user.username: user for user in User.objects.select_related("agency")}
        for spec in REFERRALS:
            created += _seed_referral(spec, people)
    return {"referrals": created}


def _seed_referral(spec: DemoReferral, people: dict[str, User]) -> bool:
    sender, recipient = people[spec.sender], people[spec.recipient]
    victim = Victim.objects.filter(owner_agency=sender.agency, pseudonym=spec.victim).first()
    if victim is None:
        return False  # the cases demo did not run
    to_agency: Agency = recipient.agency
    if Referral.objects.filter(victim=victim, to_agency=to_agency, note=spec.note).exists():
        return False
    with _as(sender):
        referral = services.referral_create(
            actor=sender,
            victim=victim,
            to_agency=to_agency,
            services=spec.services,
            urgency=spec.urgency,
            share_field_groups=spec.share,
            note=spec.note,
        )
        if spec.state == S.DRAFT:
            return True
        referral = services.referral_send(referral=referral, actor=sender)
        if spec.state == S.WITHDRAWN:
            services.referral_withdraw(referral=referral, actor=sender)
            return True
    if spec.state == S.EXPIRED:
        # The deadline task's last step (no person), as if it was never acknowledged.
        with _as(None):
            services.referral_expire(referral=referral, actor=None)
        return True
    with _as(recipient):
        if spec.state == S.DECLINED:
            services.referral_decline(referral=referral, actor=recipient, reason=spec.answer)
            return True
        if spec.state == S.SENT:
            return True
        referral = services.referral_acknowledge(referral=referral, actor=recipient)
        if spec.state == S.ACKNOWLEDGED:
            return True
        referral = services.referral_accept(referral=referral, actor=recipient)
        if spec.state == S.ACCEPTED:
            return True
        services.referral_complete(
            referral=referral, actor=recipient, outcome=Outcome.SERVICES_DELIVERED, note=spec.answer
        )
    return True
