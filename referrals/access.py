"""What a referral adds to the access policy, and who may act on a referral.

The survivor grants an agency holds because of referrals come from here, through
``cases.access.register_victim_grant_source`` (registered in ``apps.py``), so
that ``cases.access.victim_grants_sync`` computes them with every other input.
"""

from __future__ import annotations

from collections.abc import Iterable

from cases.field_groups import OWNER_ONLY_GROUPS, VictimGroup
from cases.models import Consent, Victim
from partners.models import User
from partners.roles import Role
from referrals.models import Referral, ReferralStatus

# Roles that send a referral for their agency and act on their agency's incoming
# ones: the people who work with survivors. Agency administrators manage accounts
# and read no survivor data; volunteers, analysts and auditors take no part.
REFERRAL_ROLES = frozenset({Role.ADVOCATE, Role.SUPERVISOR, Role.INVESTIGATOR, Role.PROSECUTOR})
# Roles to whom an overdue incoming referral is escalated.
ESCALATION_ROLES = frozenset({Role.SUPERVISOR})
# The task force's central contact sees every referral's state and timing, never its survivor data.
COORDINATOR_ROLES = frozenset({Role.TASKFORCE_ADMIN})

# While a referral is open (or was completed), the recipient reads the de-identified
# profile: enough to decide, and to report on the service it gave.
PROFILE_STATUSES = frozenset(
    {ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED}
)


def can_refer(user: User) -> bool:
    return user.is_active and bool(user.role_names() & REFERRAL_ROLES)


def consented_groups(*, victim: Victim, agency_id: int) -> set[str]:
    """Groups an active consent of the survivor releases to the agency (notes never)."""
    groups: set[str] = set()
    for field_groups in (
        Consent.objects.active()
        .filter(victim=victim, recipient_agency_id=agency_id)
        .values_list("field_groups", flat=True)
    ):
        groups |= set(field_groups)
    return groups & set(VictimGroup.values) - OWNER_ONLY_GROUPS


def referral_victim_grants(victim: Victim) -> Iterable[tuple[int, Iterable[str]]]:
    """The grant source "referral": (recipient agency id, groups) for each referral of ``victim``.

    An accepted referral grants its shared groups, but only those an active consent
    to the recipient still covers, so a revocation removes them when the grants are
    recomputed (consent_revoke and the lapse sweep both recompute).
    """
    rows = Referral.objects.filter(victim=victim, status__in=PROFILE_STATUSES).values_list(
        "to_agency_id", "status", "shared_field_groups"
    )
    for agency_id, status, shared in rows:
        groups = {VictimGroup.PROFILE.value}
        if status == ReferralStatus.ACCEPTED:
            groups |= set(shared) & consented_groups(victim=victim, agency_id=agency_id)
        yield agency_id, sorted(groups)
