"""Every write to referrals: the lifecycle, deadlines, notifications and tips.

Each transition takes the acting person, locks the referral row, checks the
transition against ``TRANSITIONS`` and the actor's side (recipient or sender),
and recomputes the survivor's grants in the same transaction. Emails go out on
commit; the in-app notification rows commit with the transition itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access as cases_access
from cases.catalog import ServiceType
from cases.field_groups import OWNER_ONLY_GROUPS, VictimGroup
from cases.models import Case, ServiceEvent, Victim
from partners.models import Agency, User
from partners.roles import Role
from referrals.access import ESCALATION_ROLES, REFERRAL_ROLES, can_refer, consented_groups
from referrals.models import (
    DEFAULT_ACKNOWLEDGE_WITHIN,
    Notification,
    NotificationKind,
    Outcome,
    Referral,
    ReferralDeadline,
    ReferralIntake,
    ReferralStatus,
    Tip,
    TipStatus,
    Urgency,
)

S = ReferralStatus
RECIPIENT, SENDER, SYSTEM = "recipient", "sender", "system"


@dataclass(frozen=True)
class Transition:
    action: str
    target: str
    side: str  # who may take it: the recipient's or the sender's agency, or the deadline task


# The one table of legal transitions: state -> the actions that leave it.
TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    S.DRAFT: (Transition("send", S.SENT, SENDER), Transition("withdraw", S.WITHDRAWN, SENDER)),
    S.SENT: (
        Transition("acknowledge", S.ACKNOWLEDGED, RECIPIENT),
        Transition("decline", S.DECLINED, RECIPIENT),
        Transition("withdraw", S.WITHDRAWN, SENDER),
        Transition("expire", S.EXPIRED, SYSTEM),
    ),
    S.ACKNOWLEDGED: (
        Transition("accept", S.ACCEPTED, RECIPIENT),
        Transition("decline", S.DECLINED, RECIPIENT),
        Transition("withdraw", S.WITHDRAWN, SENDER),
    ),
    S.ACCEPTED: (Transition("complete", S.COMPLETED, RECIPIENT), Transition("withdraw", S.WITHDRAWN, SENDER)),
    S.COMPLETED: (),
    S.DECLINED: (),
    S.WITHDRAWN: (),
    S.EXPIRED: (),
}
ACTIONS = ("send", "acknowledge", "accept", "decline", "complete", "withdraw", "expire")


class IllegalTransition(Exception):
    """The referral's state does not allow the action; ``allowed`` lists what it does allow."""

    def __init__(self, *, status: str, action: str, allowed: list[str]) -> None:
        self.status, self.action, self.allowed = status, action, allowed
        super().__init__(f"A {status} referral cannot be {action}ed; allowed: {', '.join(allowed) or 'none'}.")


def allowed_actions(status: str) -> list[str]:
    return [transition.action for transition in TRANSITIONS[status]]


def side_of(user: User, referral: Referral) -> str | None:
    """Which end of the referral ``user`` may act for: their agency and a working role, both."""
    if not can_refer(user):
        return None
    if user.agency_id == referral.to_agency_id and referral.status != S.DRAFT:
        return RECIPIENT
    if user.agency_id == referral.from_agency_id:
        return SENDER
    return None


def actions_for(user: User, referral: Referral) -> list[str]:
    """The actions ``user`` may take on ``referral`` now (for the UI's buttons)."""
    side = side_of(user, referral)
    return [t.action for t in TRANSITIONS[referral.status] if side is not None and t.side == side]


def _transition(referral: Referral, action: str, actor: User | None) -> tuple[Referral, Transition]:
    """Lock the row, then check the state and the actor's side against the locked state.

    The row lock (released at commit) makes two people who accept at once take turns:
    the second sees ``accepted`` and gets IllegalTransition, never a second acceptance.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    transition = next((t for t in TRANSITIONS[locked.status] if t.action == action), None)
    needed = transition.side if transition else _side_of_action(action)
    if needed != SYSTEM and (actor is None or side_of(actor, locked) != needed):
        if needed == RECIPIENT:
            raise PermissionDenied(_("Only the receiving agency acts on an incoming referral."))
        raise PermissionDenied(_("Only the referring agency may do this."))
    if transition is None:
        raise IllegalTransition(status=locked.status, action=action, allowed=allowed_actions(locked.status))
    return locked, transition


def _side_of_action(action: str) -> str:
    for transitions in TRANSITIONS.values():
        for transition in transitions:
            if transition.action == action:
                return transition.side
    raise ValueError(action)


def _stamp(referral: Referral, transition: Transition, actor: User | None, now: datetime) -> None:
    referral.status = transition.target
    setattr(referral, f"{transition.target}_at", now)
    if transition.target != S.EXPIRED:
        setattr(referral, f"{transition.target}_by", actor)


# --- Sharing -------------------------------------------------------------------------
def _shareable_groups(*, actor: User, victim: Victim, recipient: Agency, requested: Iterable[str]) -> list[str]:
    """The requested groups, all of which an active consent to the recipient must cover.

    The profile (de-identified) is always shared; notes never. The actor may share
    only what they can read themselves.
    """
    requested_set = set(requested) | {VictimGroup.PROFILE.value}
    unknown = requested_set - set(VictimGroup.values)
    if unknown:
        raise ValidationError({"share_field_groups": _("Unknown field group: %s.") % ", ".join(sorted(unknown))})
    if requested_set & OWNER_ONLY_GROUPS:
        raise ValidationError({"share_field_groups": _("Privileged notes are never shared.")})
    readable = cases_access.victim_access(actor, victim).readable
    not_yours = requested_set - readable
    if not_yours:
        raise ValidationError(
            {"share_field_groups": _("You cannot read, so cannot share: %s.") % ", ".join(sorted(not_yours))}
        )
    uncovered = requested_set - {VictimGroup.PROFILE.value} - consented_groups(victim=victim, agency_id=recipient.pk)
    if uncovered:
        raise ValidationError(
            {
                "share_field_groups": _(
                    "No active consent of the survivor releases these to %(agency)s: %(groups)s. "
                    "Without one the referral shares the de-identified profile only."
                )
                % {"agency": recipient.name, "groups": ", ".join(sorted(uncovered))}
            }
        )
    return sorted(requested_set)


# --- Deadlines -------------------------------------------------------------------------
def deadlines_for(*, agency: Agency, urgency: str) -> tuple[timedelta, timedelta]:
    """(acknowledge within, accept or decline within) for a receiving agency and urgency."""
    row = ReferralDeadline.objects.filter(agency=agency, urgency=urgency).first()
    acknowledge = row.acknowledge_within if row else DEFAULT_ACKNOWLEDGE_WITHIN[urgency]
    decide = row.decide_within if row and row.decide_within else 2 * acknowledge
    return acknowledge, decide


# --- Notifications ---------------------------------------------------------------------
def _members(agency_id: int, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(agency_id=agency_id, is_active=True, role_assignments__role__in=list(roles)).distinct()
    )


def _message(referral: Referral, kind: str) -> str:
    # No survivor data in a notice or an email: the number, the agencies, the urgency.
    return _("Referral #%(id)s from %(from)s to %(to)s (%(urgency)s): %(what)s.") % {
        "id": referral.pk,
        "from": referral.from_agency.name,
        "to": referral.to_agency.name,
        "urgency": referral.get_urgency_display(),
        "what": NotificationKind(kind).label,
    }


def notify(*, referral: Referral, users: Iterable[User], kind: str, window: str = "") -> list[Notification]:
    """Record the notice for each person once (the unique key absorbs repeats); email the new ones on commit."""
    created: list[Notification] = []
    message = _message(referral, kind)
    for user in {user.pk: user for user in users}.values():
        notification, is_new = Notification.objects.get_or_create(
            user=user, referral=referral, kind=kind, window=window, defaults={"message": message}
        )
        if is_new:
            created.append(notification)
    emails = [(n.message, n.user.email) for n in created if n.user.email]
    if emails:
        # After commit, so a rolled-back transition sends nothing.
        transaction.on_commit(lambda: _send_emails(emails))
    return created


def _send_emails(emails: list[tuple[str, str]]) -> None:
    for message, address in emails:
        send_mail(_("Task force referral"), message, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionDenied(_("Not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- Lifecycle -------------------------------------------------------------------------
@transaction.atomic
def referral_create(
    *,
    actor: User,
    victim: Victim,
    to_agency: Agency,
    services: Iterable[str],
    urgency: str = Urgency.ROUTINE,
    share_field_groups: Iterable[str] = (),
    note: str = "",
) -> Referral:
    """Save a draft referral of a survivor the actor can see, from the actor's agency."""
    if not can_refer(actor):
        raise PermissionDenied(_("Your role does not send referrals."))
    errors: dict[str, str] = {}
    services_list = list(dict.fromkeys(services))
    if not services_list:
        errors["services"] = _("Name at least one service.")
    elif set(services_list) - set(ServiceType.values):
        errors["services"] = _("Unknown service: %s.") % ", ".join(sorted(set(services_list) - set(ServiceType.values)))
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    if to_agency.pk == actor.agency_id:
        errors["to_agency"] = _("Refer to another agency.")
    elif not to_agency.active:
        errors["to_agency"] = _("That agency is not active.")
    if errors:
        raise ValidationError(errors)
    shared = _shareable_groups(actor=actor, victim=victim, recipient=to_agency, requested=share_field_groups)
    return Referral.objects.create(
        from_agency=actor.agency,
        from_user=actor,
        to_agency=to_agency,
        victim=victim,
        services=services_list,
        urgency=urgency,
        note=note.strip(),
        shared_field_groups=shared,
    )


@transaction.atomic
def referral_send(*, referral: Referral, actor: User) -> Referral:
    """Send a draft: the consent is checked again, the deadlines start, the recipient's members hear of it."""
    referral, transition = _transition(referral, "send", actor)
    # The draft may be older than a revocation: refuse rather than share what is no longer consented.
    _shareable_groups(
        actor=actor, victim=referral.victim, recipient=referral.to_agency, requested=referral.shared_field_groups
    )
    now = timezone.now()
    acknowledge, decide = deadlines_for(agency=referral.to_agency, urgency=referral.urgency)
    _stamp(referral, transition, actor, now)
    referral.acknowledge_due_at = now + acknowledge
    referral.decide_due_at = now + decide
    referral.save()
    # The recipient now reads the de-identified profile (basis "referral" in the disclosure log).
    cases_access.victim_grants_sync(victim=referral.victim, actor=actor)
    notify(referral=referral, users=_members(referral.to_agency_id, REFERRAL_ROLES), kind=NotificationKind.RECEIVED)
    return referral


@transaction.atomic
def referral_acknowledge(*, referral: Referral, actor: User) -> Referral:
    referral, transition = _transition(referral, "acknowledge", actor)
    _stamp(referral, transition, actor, timezone.now())
    referral.save()
    notify(referral=referral, users=[referral.from_user], kind=NotificationKind.ACKNOWLEDGED)
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, actor: User) -> Referral:
    """Accept: the recipient is granted the shared groups still backed by an active consent.

    Consent is checked again here: a group whose consent ended since sending is
    dropped from the referral (and the recipient reaches the survivor through the
    referring advocate), rather than blocking the service.
    """
    referral, transition = _transition(referral, "accept", actor)
    still = consented_groups(victim=referral.victim, agency_id=referral.to_agency_id) | {VictimGroup.PROFILE.value}
    referral.shared_field_groups = sorted(set(referral.shared_field_groups) & still)
    _stamp(referral, transition, actor, timezone.now())
    referral.save()
    cases_access.victim_grants_sync(victim=referral.victim, actor=actor)
    notify(referral=referral, users=[referral.from_user], kind=NotificationKind.ACCEPTED)
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, actor: User, reason: str) -> Referral:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    referral, transition = _transition(referral, "decline", actor)
    _stamp(referral, transition, actor, timezone.now())
    referral.decline_reason = reason.strip()
    referral.save()
    cases_access.victim_grants_sync(victim=referral.victim, actor=actor)
    notify(referral=referral, users=[referral.from_user], kind=NotificationKind.DECLINED)
    return referral


@transaction.atomic
def referral_complete(
    *, referral: Referral, actor: User, outcome: str, note: str = "", services: Iterable[str] | None = None
) -> Referral:
    """Close the loop. Services delivered become ServiceEvents of the recipient
    (delivery "by referral"), which feed the reports; the shared PII groups end
    with the referral, the de-identified profile stays with the agency that served."""
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Unknown outcome.")
    elif outcome == Outcome.CLOSED_WITHOUT_SERVICE and not note.strip():
        errors["note"] = _("Say why no service was given.")
    if errors:
        raise ValidationError(errors)
    referral, transition = _transition(referral, "complete", actor)
    delivered = list(referral.services) if services is None else list(dict.fromkeys(services))
    if outcome == Outcome.SERVICES_DELIVERED and (not delivered or set(delivered) - set(referral.services)):
        raise ValidationError({"services": _("Name the requested services that were delivered.")})
    now = timezone.now()
    _stamp(referral, transition, actor, now)
    referral.outcome, referral.outcome_note = outcome, note.strip()
    referral.save()
    if outcome == Outcome.SERVICES_DELIVERED:
        for service_type in delivered:
            # Created directly: the recipient holds view grants only on the survivor,
            # and cases.services.service_event_create asks for the services write group.
            ServiceEvent.objects.create(
                victim=referral.victim,
                delivered_on=timezone.localdate(now),
                providing_agency=referral.to_agency,
                service_type=service_type,
                delivery=ServiceEvent.Delivery.REFERRAL,
                created_by=actor,
            )
    cases_access.victim_grants_sync(victim=referral.victim, actor=actor)
    notify(referral=referral, users=[referral.from_user], kind=NotificationKind.COMPLETED)
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor: User) -> Referral:
    referral, transition = _transition(referral, "withdraw", actor)
    was_sent = referral.status != S.DRAFT
    _stamp(referral, transition, actor, timezone.now())
    referral.save()
    cases_access.victim_grants_sync(victim=referral.victim, actor=actor)
    if was_sent:
        notify(
            referral=referral, users=_members(referral.to_agency_id, REFERRAL_ROLES), kind=NotificationKind.WITHDRAWN
        )
    return referral


@transaction.atomic
def referral_expire(*, referral: Referral, actor: User | None = None) -> Referral:
    """The deadline task's transition (no person): never acknowledged, after escalation."""
    referral, transition = _transition(referral, "expire", actor)
    _stamp(referral, transition, actor, timezone.now())
    referral.save()
    cases_access.victim_grants_sync(victim=referral.victim, actor=actor)
    users = [referral.from_user, *_members(referral.to_agency_id, REFERRAL_ROLES)]
    notify(referral=referral, users=users, kind=NotificationKind.EXPIRED)
    return referral


# --- The deadline task -----------------------------------------------------------------
# "Due soon" once this share of the window is left.
DUE_SOON_SHARE = 0.25


def _window(name: str, due: datetime) -> str:
    return f"{name}:{due.isoformat()}"


@transaction.atomic
def _referral_deadlines_one(referral_id: int, now: datetime) -> None:
    referral = (
        Referral.objects.select_for_update().select_related("from_agency", "to_agency", "from_user").get(pk=referral_id)
    )
    if referral.status == S.SENT:
        name, due, started = "acknowledge", referral.acknowledge_due_at, referral.sent_at
    elif referral.status == S.ACKNOWLEDGED:
        name, due, started = "decide", referral.decide_due_at, referral.sent_at
    else:
        return  # changed since the task selected it
    if due is None or started is None:
        return
    window = _window(name, due)
    members = _members(referral.to_agency_id, REFERRAL_ROLES)
    if now < due:
        if now >= due - (due - started) * DUE_SOON_SHARE:
            notify(referral=referral, users=members, kind=NotificationKind.DUE_SOON, window=window)
        return
    # Overdue: the recipient's members, its supervisors (escalation) and the sender hear of it once.
    notify(referral=referral, users=members, kind=NotificationKind.OVERDUE, window=window)
    notify(
        referral=referral,
        users=_members(referral.to_agency_id, ESCALATION_ROLES),
        kind=NotificationKind.ESCALATED,
        window=window,
    )
    notify(referral=referral, users=[referral.from_user], kind=NotificationKind.OVERDUE, window=f"sender:{window}")
    if referral.escalated_at is None:
        referral.escalated_at = now
        referral.save(update_fields=["escalated_at"])
    # Finally: never acknowledged, escalated, and the decision deadline passed too.
    if referral.status == S.SENT and referral.decide_due_at is not None and now >= referral.decide_due_at:
        referral_expire(referral=referral, actor=None)


def referral_deadlines_process(*, now: datetime | None = None) -> int:
    """Notify, escalate and expire open referrals by their deadlines; returns how many were looked at.

    Idempotent: every notice has a unique key per deadline, and each referral is
    handled in its own transaction under its row lock, so a second run sends nothing new.
    """
    now = now or timezone.now()
    # Open referrals only (index referrals_inbox leads with the status after the agency).
    ids = list(
        Referral.objects.filter(status__in=[S.SENT, S.ACKNOWLEDGED])
        .order_by("acknowledge_due_at", "pk")
        .values_list("pk", flat=True)
    )
    for referral_id in ids:
        _referral_deadlines_one(referral_id, now)
    return len(ids)


# --- Directory -----------------------------------------------------------------------
def referral_intake_set(*, agency: Agency, actor: User, accepting_referrals: bool) -> ReferralIntake:
    """An agency's administrator or supervisor says whether it takes new referrals now."""
    allowed = actor.agency_id == agency.pk and actor.has_role(Role.AGENCY_ADMIN, Role.SUPERVISOR)
    if not (allowed or actor.has_role(Role.TASKFORCE_ADMIN)):
        raise PermissionDenied(_("Only the agency's administrator or supervisor sets this."))
    intake, _created = ReferralIntake.objects.update_or_create(
        agency=agency, defaults={"accepting_referrals": accepting_referrals, "updated_by": actor}
    )
    return intake


# --- Tips ------------------------------------------------------------------------------
def _require_central_contact(actor: User) -> None:
    if not (actor.is_active and actor.has_role(Role.TASKFORCE_ADMIN)):
        raise PermissionDenied(_("Tips are triaged by the task force's central contact."))


@transaction.atomic
def tip_create(
    *, actor: User, source: str, summary: str, urgency: str = Urgency.ROUTINE, received_at: datetime | None = None
) -> Tip:
    _require_central_contact(actor)
    tip = Tip(
        source=source,
        summary=summary.strip(),
        urgency=urgency,
        received_at=received_at or timezone.now(),
        recorded_by=actor,
    )
    tip.full_clean()
    tip.save()
    return tip


def _tip_triage(tip: Tip, actor: User, status: str, **links: Any) -> Tip:
    _require_central_contact(actor)
    locked = Tip.objects.select_for_update().get(pk=tip.pk)
    if locked.status != TipStatus.NEW:
        raise ValidationError(_("This tip was already triaged."))
    locked.status = status
    locked.triaged_by, locked.triaged_at = actor, timezone.now()
    for name, value in links.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def tip_triage_case(*, tip: Tip, actor: User, case: Case) -> Tip:
    return _tip_triage(tip, actor, TipStatus.TRIAGED_CASE, case=case)


@transaction.atomic
def tip_triage_referral(*, tip: Tip, actor: User, referral: Referral) -> Tip:
    return _tip_triage(tip, actor, TipStatus.TRIAGED_REFERRAL, referral=referral)


@transaction.atomic
def tip_close(*, tip: Tip, actor: User, reason: str) -> Tip:
    if not reason.strip():
        raise ValidationError({"close_reason": _("Say why the tip is closed.")})
    return _tip_triage(tip, actor, TipStatus.CLOSED, close_reason=reason.strip())
