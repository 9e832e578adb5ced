"""Reads of referrals: one visibility filter, used by the API, the pages and the services."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from partners.models import Agency, User
from referrals.access import COORDINATOR_ROLES, can_refer
from referrals.models import Notification, Referral, ReferralIntake, ReferralStatus

INBOX, OUTBOX = "inbox", "outbox"


def referrals_visible_to(user: User, *, box: str = "") -> QuerySet[Referral]:
    """Referrals ``user`` may see: their agency's outgoing ones (drafts included) and
    incoming ones (once sent), for the roles that work referrals; every sent referral
    for the task force's central contact, whose survivor data the access policy cuts.
    """
    if not user.is_active:
        return Referral.objects.none()
    incoming = Q(to_agency_id=user.agency_id) & ~Q(status=ReferralStatus.DRAFT)
    outgoing = Q(from_agency_id=user.agency_id)
    if box == INBOX:
        condition = incoming
    elif box == OUTBOX:
        condition = outgoing
    else:
        condition = incoming | outgoing
    if not can_refer(user):
        if box or not user.has_role(*COORDINATOR_ROLES):
            return Referral.objects.none()
        condition = ~Q(status=ReferralStatus.DRAFT)
    return Referral.objects.filter(condition).select_related(
        "from_agency", "to_agency", "from_user", "victim__owner_agency"
    )


def referral_get_visible(*, user: User, pk: int | str) -> Referral:
    """Fetch-and-authorize: 'does not exist' and 'not yours' are the same 404."""
    try:
        return referrals_visible_to(user).get(pk=pk)
    except (Referral.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("referral")


def notification_get(*, user: User, pk: int | str) -> Notification:
    try:
        return notifications_of(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def referral_directory() -> QuerySet[Agency]:
    """Active agencies, each with ``referrals_paused`` (it takes no new referrals now)."""
    paused = ReferralIntake.objects.filter(agency=OuterRef("pk"), accepting_referrals=False)
    return Agency.objects.active().annotate(referrals_paused=Exists(paused)).order_by("name")
