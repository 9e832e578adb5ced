"""The bell's unread count, and the referrals card of the survivor page."""

from __future__ import annotations

from typing import Any

from django import template

from referrals import selectors
from referrals.access import can_refer

register = template.Library()


@register.simple_tag
def unread_notification_count(user: Any) -> int:
    """One COUNT query, for signed-in people only."""
    if user is None or not user.is_authenticated:
        return 0
    return selectors.notifications_of(user).filter(read_at__isnull=True).count()


@register.inclusion_tag("referrals/_victim_referrals.html", takes_context=True)
def victim_referrals(context: template.Context, victim: Any) -> dict[str, Any]:
    """This survivor's referrals the viewer may see, and whether they may refer."""
    user = context["user"]
    from referrals.views import STATUS_BADGES, current_due, is_overdue

    referrals = list(selectors.referrals_visible_to(user).filter(victim=victim)[:20])
    return {
        "victim": victim,
        "may_refer": can_refer(user),
        "rows": [
            {"referral": r, "badge": STATUS_BADGES[r.status], "due": current_due(r), "overdue": is_overdue(r)}
            for r in referrals
        ],
    }
