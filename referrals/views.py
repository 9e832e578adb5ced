"""Referral pages: refer a survivor, the inbox and outbox, a referral and its actions,
notifications, and the task force's coordination board.

Referrals are fetched through ``referrals.selectors`` (404 for anything not
visible), every write goes through ``referrals.services``, and the survivor in a
referral is shown exactly as the access policy (``cases.access``) lets the viewer
read them, the same rule as the survivor page and ``/api/v1/victims/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors as case_selectors
from cases import services as case_services
from cases.access import victim_access, victims_access
from cases.catalog import ServiceType
from cases.field_groups import CONSENTABLE_GROUPS, VICTIM_FIELDS, WITHHELD_REASONS, VictimGroup
from cases.models import Case, Victim
from cases.views.common import field_values
from partners.forms import add_service_errors
from partners.models import Agency, User
from partners.requests import acting_user
from partners.roles import Role
from referrals import selectors, services
from referrals.access import COORDINATOR_ROLES, can_refer, consented_groups
from referrals.forms import (
    CompleteForm,
    DeclineForm,
    NoteUrgencyForm,
    ServiceRecipientForm,
    ShareForm,
    TipCaseForm,
    TipCloseForm,
    TipForm,
    TipReferralForm,
)
from referrals.models import Referral, ReferralStatus, Tip, TipStatus

S = ReferralStatus
LIST_LIMIT = 200

ACTION_LABELS = {
    "send": gettext_lazy("Send"),
    "acknowledge": gettext_lazy("Acknowledge"),
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "complete": gettext_lazy("Complete"),
    "withdraw": gettext_lazy("Withdraw"),
    "expire": gettext_lazy("Expire"),
}
STATUS_BADGES: dict[str, str] = {
    S.DRAFT: "text-bg-light border",
    S.SENT: "text-bg-primary",
    S.ACKNOWLEDGED: "text-bg-info",
    S.ACCEPTED: "text-bg-success",
    S.COMPLETED: "text-bg-dark",
    S.DECLINED: "text-bg-danger",
    S.WITHDRAWN: "text-bg-secondary",
    S.EXPIRED: "text-bg-warning",
}
# Every transition's timestamp and actor, in lifecycle order.
TIMELINE = (
    ("created", gettext_lazy("Draft saved"), "created_at", "from_user"),
    ("sent", gettext_lazy("Sent"), "sent_at", "sent_by"),
    ("acknowledged", gettext_lazy("Acknowledged"), "acknowledged_at", "acknowledged_by"),
    ("accepted", gettext_lazy("Accepted"), "accepted_at", "accepted_by"),
    ("declined", gettext_lazy("Declined"), "declined_at", "declined_by"),
    ("completed", gettext_lazy("Completed"), "completed_at", "completed_by"),
    ("withdrawn", gettext_lazy("Withdrawn"), "withdrawn_at", "withdrawn_by"),
    ("expired", gettext_lazy("Expired (not acknowledged in time)"), "expired_at", ""),
    ("escalated", gettext_lazy("Escalated to the receiving agency's supervisors"), "escalated_at", ""),
)


def current_due(referral: Referral) -> datetime | None:
    """The deadline the referral waits on now: acknowledgement while sent, the decision once acknowledged."""
    if referral.status == S.SENT:
        return referral.acknowledge_due_at
    if referral.status == S.ACKNOWLEDGED:
        return referral.decide_due_at
    return None


def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    due = current_due(referral)
    return bool(due and due <= (now or timezone.now()))


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _service_labels(values: Iterable[str]) -> list[str]:
    return [str(ServiceType(value).label) if value in ServiceType.values else value for value in values]


def _row(referral: Referral, *, show_pseudonym: bool, now: datetime) -> dict[str, Any]:
    return {
        "referral": referral,
        "pseudonym": referral.victim.pseudonym if show_pseudonym else "",
        "services": _service_labels(referral.services),
        "badge": STATUS_BADGES[referral.status],
        "due": current_due(referral),
        "overdue": is_overdue(referral, now),
    }


def _rows(user: User, referrals: list[Referral]) -> list[dict[str, Any]]:
    victims = list({referral.victim_id: referral.victim for referral in referrals}.values())
    access = victims_access(user, victims)
    now = timezone.now()
    return [_row(r, show_pseudonym=VictimGroup.PROFILE in access[r.victim_id].readable, now=now) for r in referrals]


# --- Refer a survivor --------------------------------------------------------------------
def _recipients(user: User, chosen_services: list[str]) -> list[Agency]:
    """Directory agencies other than the user's, offering every chosen service."""
    return [
        agency
        for agency in selectors.referral_directory()
        if agency.pk != user.agency_id and set(chosen_services) <= set(agency.services_offered or [])
    ]


def _sharing(
    user: User, victim: Victim, recipient: Agency | None
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(choices that may be shared, every group with its consent status for the recipient)."""
    readable = victim_access(user, victim).readable
    consented = consented_groups(victim=victim, agency_id=recipient.pk) if recipient else set()
    choices: list[tuple[str, str]] = []
    statuses: list[dict[str, Any]] = []
    for group, label in VictimGroup.choices:
        if group == VictimGroup.PROFILE:
            status, shareable = _("Always shared: the de-identified profile."), False
        elif group not in CONSENTABLE_GROUPS:
            status, shareable = _("Never shared: privileged notes stay with your agency."), False
        elif group not in readable:
            status, shareable = _("Not shareable: you cannot read it yourself."), False
        elif recipient is None:
            status, shareable = _("Choose an agency to see whether a consent covers it."), False
        elif group in consented:
            status = _("Consent on file: an active consent names %(agency)s.") % {"agency": recipient.name}
            shareable = True
        else:
            status = _("Not shared: no active consent names %(agency)s.") % {"agency": recipient.name}
            shareable = False
        statuses.append({"group": group, "label": label, "status": status, "shareable": shareable})
        if shareable:
            choices.append((group, f"{label} — {status}"))
    return choices, statuses


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer a survivor in three steps on one page: service and recipient, what to share, note and urgency.

    Changing the services or the agency re-renders the form (htmx, or the
    "Update" button without JavaScript) so the recipients and the consent status follow.
    """
    user = acting_user(request)
    victim = case_selectors.victim_get_visible(user=user, pk=pk)
    if not can_refer(user):
        raise PermissionDenied
    posted = request.method == "POST"
    chosen = [value for value in request.POST.getlist("services") if value in ServiceType.values] if posted else []
    agencies = _recipients(user, chosen)
    slug = request.POST.get("to_agency", "") if posted else ""
    recipient = next((agency for agency in agencies if agency.slug == slug), None)
    choices, statuses = _sharing(user, victim, recipient)
    refresh = posted and ("refresh" in request.POST or "refresh" in request.GET)
    if posted and not refresh:
        step1 = ServiceRecipientForm(request.POST, agencies=agencies)
        step2 = ShareForm(request.POST, choices=choices)
        step3 = NoteUrgencyForm(request.POST)
    else:
        wanted = [group for group in request.POST.getlist("share_field_groups") if group in dict(choices)]
        step1 = ServiceRecipientForm(initial={"services": chosen, "to_agency": slug}, agencies=agencies)
        step2 = ShareForm(initial={"share_field_groups": wanted}, choices=choices)
        step3 = NoteUrgencyForm(
            initial={"urgency": request.POST.get("urgency", "routine"), "note": request.POST.get("note", "")}
        )
    status = 200
    if posted and not refresh:
        if all([step1.is_valid(), step2.is_valid(), step3.is_valid()]):
            try:
                with transaction.atomic():
                    referral = services.referral_create(
                        actor=user,
                        victim=victim,
                        to_agency=step1.cleaned_data["to_agency"],
                        services=step1.cleaned_data["services"],
                        urgency=step3.cleaned_data["urgency"],
                        share_field_groups=step2.cleaned_data["share_field_groups"],
                        note=step3.cleaned_data["note"],
                    )
                    if "draft" not in request.POST:
                        referral = services.referral_send(referral=referral, actor=user)
            except ValidationError as exc:
                add_service_errors([step1, step2, step3], exc)
            else:
                if referral.status == S.DRAFT:
                    messages.success(request, _("The referral was saved as a draft. Send it when ready."))
                else:
                    messages.success(
                        request,
                        _("The referral was sent to %(agency)s.") % {"agency": referral.to_agency.name},
                    )
                return redirect("referral_detail", pk=referral.pk)
        status = 400
    context = {
        "victim": victim,
        "step1": step1,
        "step2": step2,
        "step3": step3,
        "statuses": statuses,
        "recipient": recipient,
        "no_recipients": bool(chosen) and not agencies,
    }
    template = "referrals/_referral_form.html" if _is_htmx(request) and refresh else "referrals/referral_new.html"
    return render(request, template, context, status=status)


# --- Inbox and outbox --------------------------------------------------------------------
@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can_refer(user):
        if user.has_role(*COORDINATOR_ROLES):
            return redirect("referral_board")
        raise PermissionDenied
    inbox = list(selectors.referrals_visible_to(user, box=selectors.INBOX)[:LIST_LIMIT])
    outbox = list(selectors.referrals_visible_to(user, box=selectors.OUTBOX)[:LIST_LIMIT])
    far = timezone.now().replace(year=9999)
    # Open ones first, the soonest due on top; then the closed ones, newest first.
    inbox.sort(key=lambda r: (current_due(r) is None, current_due(r) or far, -r.pk))
    rows = _rows(user, inbox + outbox)
    return render(
        request,
        "referrals/referral_list.html",
        {"inbox": rows[: len(inbox)], "outbox": rows[len(inbox) :]},
    )


# --- Intake: whether the agency takes new referrals now -----------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def referral_intake(request: HttpRequest) -> HttpResponse:
    """The agency's administrator or supervisor pauses or resumes new referrals to it."""
    user = acting_user(request)
    if not user.has_role(Role.AGENCY_ADMIN, Role.SUPERVISOR, Role.TASKFORCE_ADMIN):
        raise PermissionDenied
    if request.method == "POST":
        accepting = request.POST.get("accepting_referrals") == "yes"
        services.referral_intake_set(agency=user.agency, actor=user, accepting_referrals=accepting)
        if accepting:
            messages.success(request, _("Your agency accepts new referrals again."))
        else:
            messages.success(request, _("New referrals to your agency are paused."))
        return redirect("referral_intake")
    intake = getattr(user.agency, "referral_intake", None)
    accepting = intake.accepting_referrals if intake is not None else True
    return render(request, "referrals/referral_intake.html", {"accepting": accepting, "intake": intake})


# --- One referral ------------------------------------------------------------------------
def _timeline(referral: Referral) -> list[dict[str, Any]]:
    events = []
    for key, label, at_name, by_name in TIMELINE:
        at = getattr(referral, at_name)
        if at is None:
            continue
        by = getattr(referral, by_name) if by_name else None
        events.append({"key": key, "label": label, "at": at, "by": by.get_full_name() or by.username if by else ""})
    return sorted(events, key=lambda event: event["at"])


def _survivor_sections(user: User, victim: Victim) -> tuple[list[dict[str, Any]], set[str]]:
    access = victim_access(user, victim)
    sections = []
    for group, label in VictimGroup.choices:
        section: dict[str, Any] = {"group": group, "label": label}
        if group in access.withheld:
            section["withheld"] = WITHHELD_REASONS[access.withheld[group]]
        elif group not in access.readable:
            section["withheld"] = WITHHELD_REASONS["not_shared"]
        elif group == VictimGroup.SERVICES:
            section["services"] = list(case_selectors.services_of(victim)[:100])
        elif VICTIM_FIELDS.get(group):
            section["fields"] = field_values(victim, VICTIM_FIELDS[group])
        sections.append(section)
    return sections, access.readable


def _referral_context(
    request: HttpRequest,
    referral: Referral,
    *,
    decline_form: DeclineForm | None = None,
    complete_form: CompleteForm | None = None,
    conflict: services.IllegalTransition | None = None,
    done: str = "",
) -> dict[str, Any]:
    user = acting_user(request)
    party = user.agency_id in (referral.from_agency_id, referral.to_agency_id)
    actions = services.actions_for(user, referral)
    context: dict[str, Any] = {
        "referral": referral,
        "party": party,
        "services": _service_labels(referral.services),
        "shared_groups": [VictimGroup(g).label for g in referral.shared_field_groups if g in VictimGroup.values],
        "badge": STATUS_BADGES[referral.status],
        "due": current_due(referral),
        "overdue": is_overdue(referral),
        "timeline": _timeline(referral),
        "actions": [(action, ACTION_LABELS[action]) for action in actions],
        "decline_form": decline_form or (DeclineForm() if "decline" in actions else None),
        "complete_form": complete_form
        or (CompleteForm(requested=referral.services) if "complete" in actions else None),
        "done": done,
        "sections": [],
    }
    if conflict is not None:
        context["conflict"] = {
            "status": ReferralStatus(conflict.status).label,
            "action": ACTION_LABELS.get(conflict.action, conflict.action),
            "allowed": [ACTION_LABELS.get(action, action) for action in conflict.allowed],
        }
    if party:
        sections, readable = _survivor_sections(user, referral.victim)
        context["sections"] = sections
        context["show_pseudonym"] = VictimGroup.PROFILE in readable
        # One access-log entry for the PII groups this response shows.
        case_services.access_log_record(
            user=user, method=request.method or "GET", path=request.path, readable={referral.victim_id: readable}
        )
    return context


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_visible(user=acting_user(request), pk=pk)
    return render(request, "referrals/referral_detail.html", _referral_context(request, referral))


def _decline(referral: Referral, user: User, form: Any) -> Referral:
    return services.referral_decline(referral=referral, actor=user, reason=form.cleaned_data["reason"])


def _complete(referral: Referral, user: User, form: Any) -> Referral:
    data = form.cleaned_data
    return services.referral_complete(
        referral=referral, actor=user, outcome=data["outcome"], note=data["note"], services=data["services"] or None
    )


SIMPLE_WRITES: dict[str, Callable[..., Referral]] = {
    "send": services.referral_send,
    "acknowledge": services.referral_acknowledge,
    "accept": services.referral_accept,
    "withdraw": services.referral_withdraw,
}
DONE_MESSAGES = {
    "send": gettext_lazy("The referral was sent."),
    "acknowledge": gettext_lazy("You acknowledged the referral. Accept or decline it by the decision deadline."),
    "accept": gettext_lazy("You accepted the referral."),
    "decline": gettext_lazy("You declined the referral. The referring agency was told."),
    "complete": gettext_lazy("The referral is completed. The referring agency was told."),
    "withdraw": gettext_lazy("The referral was withdrawn."),
}


@login_required
@require_POST
def referral_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one action. htmx swaps the referral's section in place; without JavaScript
    the page is redirected (or re-rendered with the problem). An illegal transition
    answers 409 (200 to htmx, which swaps only successful responses) naming what is allowed."""
    if action not in SIMPLE_WRITES and action not in ("decline", "complete"):
        raise Http404
    user = acting_user(request)
    referral = selectors.referral_get_visible(user=user, pk=pk)
    decline_form = complete_form = None
    form: Any = None
    if action == "decline":
        form = decline_form = DeclineForm(request.POST)
    elif action == "complete":
        form = complete_form = CompleteForm(request.POST, requested=referral.services)
    conflict = None
    status = 200
    if form is not None and not form.is_valid():
        status = 400
    else:
        try:
            if action == "decline":
                _decline(referral, user, form)
            elif action == "complete":
                _complete(referral, user, form)
            else:
                SIMPLE_WRITES[action](referral=referral, actor=user)
        except services.IllegalTransition as exc:
            conflict, status = exc, 409
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
            else:
                add_service_errors([form], exc)
            status = 400
    if status == 200 and not _is_htmx(request):
        messages.success(request, str(DONE_MESSAGES[action]))
        return redirect("referral_detail", pk=pk)
    referral = selectors.referral_get_visible(user=user, pk=pk)
    context = _referral_context(
        request,
        referral,
        decline_form=decline_form if status == 400 else None,
        complete_form=complete_form if status == 400 else None,
        conflict=conflict,
        done=str(DONE_MESSAGES[action]) if status == 200 else "",
    )
    if _is_htmx(request):
        return render(request, "referrals/_referral_body.html", context)
    return render(request, "referrals/referral_detail.html", context, status=status)


# --- Notifications -----------------------------------------------------------------------
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    notifications = list(selectors.notifications_of(user)[:LIST_LIMIT])
    return render(
        request,
        "referrals/notification_list.html",
        {"notifications": notifications, "unread": sum(1 for n in notifications if n.read_at is None)},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    notification = services.notification_mark_read(
        notification=selectors.notification_get(user=user, pk=pk), actor=user
    )
    if _is_htmx(request):
        return render(request, "referrals/_notification.html", {"notification": notification})
    return redirect("notification_list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(actor=acting_user(request))
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": marked})
    return redirect("notification_list")


# --- Coordination board ------------------------------------------------------------------
@login_required
@require_GET
def referral_board(request: HttpRequest) -> HttpResponse:
    """Every sent referral's state and timing for the task force's central contact: no survivor data, no free text."""
    user = acting_user(request)
    if not user.has_role(*COORDINATOR_ROLES):
        raise PermissionDenied
    referrals = list(
        Referral.objects.exclude(status=S.DRAFT)
        .select_related("from_agency", "to_agency")
        .only(
            "id",
            "status",
            "urgency",
            "services",
            "from_agency__name",
            "to_agency__name",
            *(name for _key, _label, name, _by in TIMELINE),
            "acknowledge_due_at",
            "decide_due_at",
        )[: LIST_LIMIT * 5]
    )
    now = timezone.now()
    groups = []
    for value, label in S.choices:
        if value == S.DRAFT:
            continue
        rows = [_row(r, show_pseudonym=False, now=now) for r in referrals if r.status == value]
        rows.sort(key=lambda row: (row["due"] is None, row["due"] or now, -row["referral"].pk))
        groups.append({"status": value, "label": label, "badge": STATUS_BADGES[value], "rows": rows})
    overdue = sum(1 for group in groups for row in group["rows"] if row["overdue"])
    return render(request, "referrals/referral_board.html", {"groups": groups, "overdue": overdue})


# --- Tips ---------------------------------------------------------------------------------
TIP_FORMS: dict[str, type[TipCloseForm | TipCaseForm | TipReferralForm]] = {
    "close": TipCloseForm,
    "case": TipCaseForm,
    "referral": TipReferralForm,
}
TIP_BADGES: dict[str, str] = {
    TipStatus.NEW: "text-bg-primary",
    TipStatus.TRIAGED_CASE: "text-bg-success",
    TipStatus.TRIAGED_REFERRAL: "text-bg-info",
    TipStatus.CLOSED: "text-bg-secondary",
}
TIP_DONE = {
    "close": gettext_lazy("The tip was closed."),
    "case": gettext_lazy("The tip was linked to the case."),
    "referral": gettext_lazy("The tip was linked to the referral."),
}


def _central_contact(request: HttpRequest) -> User:
    user = acting_user(request)
    if not user.has_role(Role.TASKFORCE_ADMIN):
        raise PermissionDenied
    return user


def _tip_forms(tip: Tip) -> dict[str, Any]:
    return {name: form_class(prefix=f"tip{tip.pk}-{name}") for name, form_class in TIP_FORMS.items()}


def _tip_page(
    request: HttpRequest, *, form: TipForm | None = None, bound: tuple[int, str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The tips, newest first; triage forms for the new ones. No survivor data: cases by number, referrals by id."""
    rows = []
    for tip in Tip.objects.select_related("case").only(
        "id",
        "source",
        "received_at",
        "summary",
        "urgency",
        "status",
        "close_reason",
        "referral_id",
        "triaged_at",
        "case__id",
        "case__case_number",
    )[:LIST_LIMIT]:
        forms = _tip_forms(tip) if tip.status == TipStatus.NEW else {}
        if bound and bound[0] == tip.pk:
            forms[bound[1]] = bound[2]
        rows.append({"tip": tip, "badge": TIP_BADGES[tip.status], "forms": forms})
    return render(request, "referrals/tip_list.html", {"rows": rows, "form": form or TipForm()}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tip_list(request: HttpRequest) -> HttpResponse:
    """The task force's tips, and a form to record one (the central contact only)."""
    user = _central_contact(request)
    if request.method != "POST":
        return _tip_page(request)
    form = TipForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.tip_create(
                actor=user,
                source=data["source"],
                summary=data["summary"],
                urgency=data["urgency"],
                received_at=data["received_at"],
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The tip was recorded."))
            return redirect("tip_list")
    return _tip_page(request, form=form, status=400)


@login_required
@require_POST
def tip_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Close a new tip with a reason, or link it to a case (by number) or a sent referral (by id)."""
    user = _central_contact(request)
    if action not in TIP_FORMS:
        raise Http404
    tip = Tip.objects.filter(pk=pk).first()
    if tip is None:
        raise Http404
    form = TIP_FORMS[action](request.POST, prefix=f"tip{tip.pk}-{action}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "close":
                services.tip_close(tip=tip, actor=user, reason=data["reason"])
            elif action == "case":
                case = Case.objects.filter(case_number__iexact=data["case_number"].strip()).first()
                if case is None:
                    raise ValidationError({"case_number": _("No case has this number.")})
                services.tip_triage_case(tip=tip, actor=user, case=case)
            else:
                # Drafts stay with their agency, as on the coordination board.
                referral = Referral.objects.exclude(status=S.DRAFT).filter(pk=data["referral"]).first()
                if referral is None:
                    raise ValidationError({"referral": _("No sent referral has this number.")})
                services.tip_triage_referral(tip=tip, actor=user, referral=referral)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, str(TIP_DONE[action]))
            return redirect("tip_list")
    return _tip_page(request, bound=(tip.pk, action, form), status=400)


def referral_url(referral: Referral) -> str:
    return reverse("referral_detail", args=[referral.pk])
