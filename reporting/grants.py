"""Awards, time and effort, and expenditures: services and selectors.

Each service takes the acting user as ``actor`` and checks who may make the
write (``PermissionDenied``) and the rules of the record (``ValidationError``
with the field it concerns), so the browser pages and the admin cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import User
from partners.roles import Role
from reporting.access import may_run_reports
from reporting.models import (
    Activity,
    Award,
    BudgetCategory,
    Cadence,
    Expenditure,
    Funder,
    FundSource,
    ReportKind,
    SpendState,
    TimeEntry,
)

MIN_HOURS = Decimal("0.25")
MAX_HOURS_PER_DAY = Decimal(24)
APPROVER_ROLES = (Role.SUPERVISOR, Role.AGENCY_ADMIN)
_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


# --- Who may ---------------------------------------------------------------------------
def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_manage_awards(user: User) -> bool:
    return _active(user) and user.has_role(Role.TASKFORCE_ADMIN)


def awards_visible_to(*, user: User) -> QuerySet[Award]:
    """Administrators and analysts see every award; an agency administrator the awards of their agency."""
    qs = Award.objects.select_related("recipient")
    if may_run_reports(user):
        return qs
    if _active(user) and user.has_role(Role.AGENCY_ADMIN):
        return qs.filter(recipient_id=user.agency_id)
    return qs.none()


def may_see_awards(user: User) -> bool:
    if may_run_reports(user):
        return True
    return _active(user) and user.has_role(Role.AGENCY_ADMIN) and Award.objects.filter(recipient=user.agency).exists()


def may_manage_expenditures(user: User, award: Award) -> bool:
    """Task force administrators, and the recipient agency's administrators."""
    if not _active(user):
        return False
    if user.has_role(Role.TASKFORCE_ADMIN):
        return True
    return user.has_role(Role.AGENCY_ADMIN) and user.agency_id == award.recipient_id


def time_awards_for(*, user: User) -> QuerySet[Award]:
    """The active awards of the user's agency: the ones they may charge time to."""
    if not _active(user):
        return Award.objects.none()
    return Award.objects.filter(recipient_id=user.agency_id, active=True).order_by("award_number")


def may_log_time(user: User) -> bool:
    return time_awards_for(user=user).exists()


def may_approve_time(user: User) -> bool:
    return _active(user) and user.has_role(*APPROVER_ROLES)


# --- Awards ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AwardSpending:
    award: Award
    budget_total: Decimal
    federal_spent: Decimal
    match_spent: Decimal
    obligated: Decimal

    @property
    def federal_remaining(self) -> Decimal:
        return self.budget_total - self.federal_spent

    @property
    def match_remaining(self) -> Decimal:
        return max(self.award.match_required - self.match_spent, Decimal(0))


def budget_total(award: Award) -> Decimal:
    return sum((Decimal(str(amount)) for amount in (award.budget or {}).values()), Decimal(0))


def awards_with_spending(awards: QuerySet[Award]) -> list[AwardSpending]:
    """Budget against spending (paid and obligated), summed by the database per award and fund source."""
    rows = awards.annotate(
        federal_spent=Coalesce(Sum("expenditures__amount", filter=Q(expenditures__source=FundSource.FEDERAL)), _ZERO),
        match_spent=Coalesce(Sum("expenditures__amount", filter=Q(expenditures__source=FundSource.MATCH)), _ZERO),
        obligated=Coalesce(Sum("expenditures__amount", filter=Q(expenditures__state=SpendState.OBLIGATED)), _ZERO),
    )
    return [
        AwardSpending(
            award=row,
            budget_total=budget_total(row),
            federal_spent=row.federal_spent,
            match_spent=row.match_spent,
            obligated=row.obligated,
        )
        for row in rows
    ]


AWARD_FIELDS = frozenset(
    {
        "funder",
        "program",
        "award_number",
        "recipient",
        "starts_on",
        "ends_on",
        "budget",
        "match_required",
        "fiscal_year_start_month",
        "cadence",
        "reports",
        "active",
    }
)


def clean_budget(budget: Mapping[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: list[str] = []
    for category, raw in budget.items():
        if category not in BudgetCategory.values:
            errors.append(_("Unknown budget category: %(category)s.") % {"category": category})
            continue
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            errors.append(_("%(category)s: enter an amount.") % {"category": BudgetCategory(category).label})
            continue
        if not amount.is_finite() or amount < 0:
            errors.append(
                _("%(category)s: the amount cannot be negative.") % {"category": BudgetCategory(category).label}
            )
            continue
        cleaned[category] = str(amount.quantize(Decimal("0.01")))
    if errors:
        raise ValidationError({"budget": errors})
    return cleaned


def validate_award(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The period cannot end before it starts."))
    month = values.get("fiscal_year_start_month")
    if month is not None and not (1 <= int(month) <= 12):
        errors.setdefault("fiscal_year_start_month", []).append(_("Enter a month from 1 to 12."))
    match = values.get("match_required")
    if match is not None and Decimal(str(match)) < 0:
        errors.setdefault("match_required", []).append(_("The match cannot be negative."))
    unknown = [kind for kind in values.get("reports") or [] if kind not in ReportKind.values]
    if unknown:
        errors.setdefault("reports", []).append(_("Unknown report: %(report)s.") % {"report": ", ".join(unknown)})
    if values.get("funder") is not None and values["funder"] not in Funder.values:
        errors.setdefault("funder", []).append(_("Unknown funder."))
    if values.get("cadence") is not None and values["cadence"] not in Cadence.values:
        errors.setdefault("cadence", []).append(_("Unknown cadence."))
    if errors:
        raise ValidationError(errors)


def _award_write(award: Award, values: Mapping[str, Any]) -> Award:
    unknown = set(values) - AWARD_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    values = dict(values)
    errors: dict[str, list[str]] = {}
    if "budget" in values:
        try:
            values["budget"] = clean_budget(values["budget"] or {})
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "reports" in values:
        values["reports"] = sorted(set(values["reports"] or []))
    merged = {name: getattr(award, name, None) for name in AWARD_FIELDS if name != "recipient"} | values
    try:
        validate_award(merged)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(award, name, value)
    award.full_clean()
    award.save()
    return award


def award_create(*, actor: User, **fields: Any) -> Award:
    if not may_manage_awards(actor):
        raise PermissionDenied(_("Only the task force administrator manages awards."))
    with transaction.atomic():
        return _award_write(Award(), fields)


def award_update(*, award: Award, actor: User, **changes: Any) -> Award:
    if not may_manage_awards(actor):
        raise PermissionDenied(_("Only the task force administrator manages awards."))
    with transaction.atomic():
        return _award_write(award, changes)


# --- Time and effort ---------------------------------------------------------------------
def time_entries_of(*, user: User) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(person=user).select_related("award", "approved_by")


def time_approval_queue(*, user: User) -> QuerySet[TimeEntry]:
    """Certified, unapproved entries of the others in the approver's agency."""
    if not may_approve_time(user):
        return TimeEntry.objects.none()
    return (
        TimeEntry.objects.filter(person__agency_id=user.agency_id, certified_at__isnull=False, approved_at__isnull=True)
        .exclude(person=user)
        .select_related("person", "award")
        .order_by("worked_on", "id")
    )


def _clean_time(
    *, person: User, worked_on: date, hours: Decimal, award: Award, activity: str, exclude: int | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    if award.recipient_id != person.agency_id or not award.active:
        raise PermissionDenied(_("You may charge time only to an active award of your own agency."))
    if hours < MIN_HOURS or hours > MAX_HOURS_PER_DAY:
        errors.setdefault("hours", []).append(_("Enter from 0.25 to 24 hours."))
    if worked_on > timezone.localdate():
        errors.setdefault("worked_on", []).append(_("Time cannot be logged for a future day."))
    if not (award.starts_on <= worked_on <= award.ends_on):
        errors.setdefault("worked_on", []).append(
            _("The date is outside the award period (%(start)s to %(end)s).")
            % {"start": award.starts_on.isoformat(), "end": award.ends_on.isoformat()}
        )
    if activity not in Activity.values:
        errors.setdefault("activity", []).append(_("Choose an activity."))
    if not errors:
        # Lock the person's row so two entries saved at once cannot both pass the daily total.
        User.objects.select_for_update().filter(pk=person.pk).first()
        others = TimeEntry.objects.filter(person=person, worked_on=worked_on)
        if exclude is not None:
            others = others.exclude(pk=exclude)
        logged = others.aggregate(total=Coalesce(Sum("hours"), _ZERO))["total"]
        if logged + hours > MAX_HOURS_PER_DAY:
            errors.setdefault("hours", []).append(
                _("That makes %(total)s hours on %(day)s: a day has at most 24.")
                % {"total": logged + hours, "day": worked_on.isoformat()}
            )
    if errors:
        raise ValidationError(errors)


def time_entry_create(
    *, actor: User, worked_on: date, hours: Decimal, award: Award, activity: str, note: str = ""
) -> TimeEntry:
    """Log the actor's own hours on an active award of their agency; at most 24 hours a day in all."""
    hours = Decimal(str(hours))
    with transaction.atomic():
        _clean_time(person=actor, worked_on=worked_on, hours=hours, award=award, activity=activity)
        entry = TimeEntry(person=actor, worked_on=worked_on, hours=hours, award=award, activity=activity, note=note)
        entry.full_clean()
        entry.save()
    return entry


TIME_EDITABLE_FIELDS = frozenset({"worked_on", "hours", "award", "activity", "note"})


def time_entry_update(*, entry: TimeEntry, actor: User, **changes: Any) -> TimeEntry:
    """Correct one's own entry, until it is certified."""
    unknown = set(changes) - TIME_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if entry.person_id != actor.pk:
        raise PermissionDenied(_("You may change only your own time entries."))
    if entry.certified_at is not None:
        raise ValidationError(_("A certified entry can no longer be changed."))
    values = {name: getattr(entry, name) for name in TIME_EDITABLE_FIELDS} | changes
    values["hours"] = Decimal(str(values["hours"]))
    with transaction.atomic():
        _clean_time(
            person=actor,
            worked_on=values["worked_on"],
            hours=values["hours"],
            award=values["award"],
            activity=values["activity"],
            exclude=entry.pk,
        )
        for name, value in values.items():
            setattr(entry, name, value)
        entry.full_clean()
        entry.save()
    return entry


def time_entry_certify(*, entry: TimeEntry, actor: User) -> TimeEntry:
    """The person certifies their own entry as a true record of the hours worked."""
    if entry.person_id != actor.pk:
        raise PermissionDenied(_("Only the person who worked the hours certifies them."))
    if entry.certified_at is not None:
        raise ValidationError(_("This entry is already certified."))
    entry.certified_at = timezone.now()
    entry.save(update_fields=["certified_at"])
    return entry


def time_entries_certify(*, entries: Iterable[TimeEntry], actor: User) -> int:
    count = 0
    with transaction.atomic():
        for entry in entries:
            time_entry_certify(entry=entry, actor=actor)
            count += 1
    return count


def time_entry_approve(*, entry: TimeEntry, actor: User) -> TimeEntry:
    """A supervisor or agency administrator of the same agency approves a certified entry of someone else."""
    if entry.person_id == actor.pk:
        raise PermissionDenied(_("You cannot approve your own time: another supervisor of your agency does."))
    if not may_approve_time(actor) or entry.person.agency_id != actor.agency_id:
        raise PermissionDenied(_("Only a supervisor or administrator of the person's agency approves their time."))
    if entry.certified_at is None:
        raise ValidationError(_("The person has not certified this entry yet."))
    if entry.approved_at is not None:
        raise ValidationError(_("This entry is already approved."))
    entry.approved_by = actor
    entry.approved_at = timezone.now()
    entry.save(update_fields=["approved_by", "approved_at"])
    return entry


# --- Expenditures --------------------------------------------------------------------------
def expenditures_of(*, award: Award) -> QuerySet[Expenditure]:
    return award.expenditures.select_related("created_by").order_by("-spent_on", "-id")


def expenditure_create(
    *,
    actor: User,
    award: Award,
    spent_on: date,
    category: str,
    amount: Decimal,
    source: str,
    state: str,
    description: str = "",
) -> Expenditure:
    if not may_manage_expenditures(actor, award):
        raise PermissionDenied(
            _("Only the task force administrator and the recipient's administrators record expenditures.")
        )
    amount = Decimal(str(amount))
    errors: dict[str, list[str]] = {}
    if not (award.starts_on <= spent_on <= award.ends_on):
        errors.setdefault("spent_on", []).append(
            _("The date is outside the award period (%(start)s to %(end)s).")
            % {"start": award.starts_on.isoformat(), "end": award.ends_on.isoformat()}
        )
    if amount <= 0:
        errors.setdefault("amount", []).append(_("The amount must be more than zero."))
    if category not in BudgetCategory.values:
        errors.setdefault("category", []).append(_("Choose a budget category."))
    if source not in FundSource.values:
        errors.setdefault("source", []).append(_("Choose federal share or match."))
    if state not in SpendState.values:
        errors.setdefault("state", []).append(_("Choose paid or obligated."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        expenditure = Expenditure(
            award=award,
            spent_on=spent_on,
            category=category,
            amount=amount,
            source=source,
            state=state,
            description=description,
            created_by=actor,
        )
        expenditure.full_clean()
        expenditure.save()
    return expenditure


def award_funding_choices() -> list[tuple[str, str]]:
    """The awards a training may name as its funding (registered with partners.operations.funding)."""
    return [
        (award.award_number, f"{award.award_number} ({award.recipient.name})")
        for award in Award.objects.filter(active=True).select_related("recipient").order_by("award_number")
    ]
