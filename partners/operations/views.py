"""Browser pages: the task force calendar, meetings, committees, partners, training and outreach logs, volunteers.

Thin: records come through ``partners.operations.selectors`` (404 when not
visible), writes through ``partners.operations.services`` (403 when refused).
"""

from __future__ import annotations

import calendar
import copy
import csv
from collections import defaultdict
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partners.forms import add_service_errors
from partners.models import Agency, User
from partners.operations import access, selectors, services
from partners.operations.forms import (
    AttendanceForm,
    CommitteeForm,
    MeetingForm,
    MinutesForm,
    MOUDocumentForm,
    MOUEditForm,
    MOUForm,
    MOUTransitionForm,
    OnboardingForm,
    OutreachForm,
    TrainingForm,
    VolunteerDetailsForm,
    VolunteerForm,
    VolunteerShiftForm,
)
from partners.operations.models import MOU_TRANSITIONS, AudienceDiscipline, MOUStatus
from partners.requests import acting_user

_Record = TypeVar("_Record", bound=Model)


def _scratch(record: _Record) -> _Record:
    """A copy for a ModelForm to validate into.

    ModelForm writes the submitted values onto its instance while validating;
    on a copy, the record itself stays as stored and the service compares
    against it, with no second fetch.
    """
    return copy.copy(record)


def mou_document_response(*, user: User, pk: int) -> FileResponse:
    """The signed document, as an attachment, to members of the parties and task force administrators only."""
    mou = selectors.mou_get_document(user=user, pk=pk)
    response = FileResponse(mou.document.open("rb"), as_attachment=True, filename=f"mou-{mou.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def mou_document(request: HttpRequest, pk: int) -> FileResponse:
    return mou_document_response(user=acting_user(request), pk=pk)


# --- Calendar -------------------------------------------------------------------------
def _month(value: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    first = _month(request.GET.get("month", ""))
    following = (first + timedelta(days=32)).replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    entries = selectors.calendar_entries(user=user, start=first, end=following)
    by_day: dict[date, list[selectors.CalendarEntry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    weeks = [
        [(day, day.month == first.month, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    ]
    context = {
        "first": first,
        "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"),
        "weeks": weeks,
        "entries": entries,
        "view": "list" if request.GET.get("view") == "list" else "month",
        "today": timezone.localdate(),
        "can_create": access.can_create_events(user),
        "weekdays": weeks[0],
    }
    return render(request, "partners/operations/calendar.html", context)


# --- Meetings -------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not access.can_create_events(user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=user, host_agency=user.agency, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meeting scheduled."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "partners/operations/meeting_form.html", {"form": form, "meeting": None})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    meeting = selectors.meeting_get_visible(user=user, pk=pk)
    if not access.can_edit_events_of(user, meeting.host_agency):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, instance=_scratch(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "partners/operations/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    meeting = selectors.meeting_get_visible(user=user, pk=pk)
    can_edit = access.can_edit_events_of(user, meeting.host_agency)
    minutes_form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if minutes_form.is_valid():
            services.meeting_update(meeting=meeting, actor=user, minutes=minutes_form.cleaned_data["minutes"])
            messages.success(request, _("Minutes saved."))
            return redirect("meeting_detail", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "count": selectors.meeting_attendance_count(meeting=meeting),
        "can_edit": can_edit,
        "minutes_form": minutes_form,
    }
    return render(request, "partners/operations/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    meeting = selectors.meeting_get_visible(user=user, pk=pk)
    if not access.can_edit_events_of(user, meeting.host_agency):
        raise PermissionDenied
    agencies = list(Agency.objects.active().order_by("name"))
    initial: dict[str, Any] = {"people": [row.person_id for row in meeting.person_attendance.all()]}
    initial.update({f"guests_{row.agency.slug}": row.guest_headcount for row in meeting.agency_attendance.all()})
    form = AttendanceForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        services.meeting_attendance_set(
            meeting=meeting, actor=user, people=form.cleaned_data["people"], agency_guests=form.agency_guests()
        )
        messages.success(request, _("Attendance recorded."))
        return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "partners/operations/meeting_attendance.html", {"meeting": meeting, "form": form})


@login_required
@require_GET
def meeting_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A sign-in sheet to print before the meeting: every active member, grouped by agency, and blank rows."""
    user = acting_user(request)
    meeting = selectors.meeting_get_visible(user=user, pk=pk)
    if meeting.committee_id is not None:
        people = meeting.committee.members.filter(is_active=True)  # type: ignore[union-attr]
    else:
        people = User.objects.filter(is_active=True)
    people = people.select_related("agency").order_by("agency__name", "last_name", "first_name")
    return render(
        request,
        "partners/operations/meeting_sheet.html",
        {"meeting": meeting, "people": people, "blank_rows": range(10)},
    )


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_visible(user=acting_user(request), pk=pk)
    stamp = "%Y%m%dT%H%M%SZ"
    location = meeting.location or meeting.online_url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//taskforce//meetings//EN",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{request.get_host()}",
        f"DTSTAMP:{timezone.now().astimezone(timezone.get_fixed_timezone(0)).strftime(stamp)}",
        f"DTSTART:{meeting.starts_at.astimezone(timezone.get_fixed_timezone(0)).strftime(stamp)}",
        f"DTEND:{meeting.ends_at.astimezone(timezone.get_fixed_timezone(0)).strftime(stamp)}",
        f"SUMMARY:{_ics_text(meeting.title)}",
        f"LOCATION:{_ics_text(location)}",
        f"DESCRIPTION:{_ics_text(meeting.agenda)}",
        f"URL:{request.build_absolute_uri(meeting_url(meeting.pk))}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def meeting_url(pk: int) -> str:
    return reverse("meeting_detail", args=[pk])


# --- Partners -------------------------------------------------------------------------
def _partners_page(
    request: HttpRequest,
    *,
    upload_form: MOUDocumentForm | None = None,
    transition_form: MOUTransitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    can_manage = access.can_manage_mous(user)
    mous = list(selectors.mous_visible_to(user=user).order_by("expires_on", "title"))
    labels = dict(MOUStatus.choices)
    context = {
        "rows": selectors.partner_overview(user=user),
        "mous": [
            (
                mou,
                access.can_read_mou_document(user, mou),
                [(value, labels[value]) for value in MOUStatus.values if value in MOU_TRANSITIONS.get(mou.status, ())]
                if can_manage
                else [],
            )
            for mou in mous
        ],
        "statuses": labels,
        "can_manage": can_manage,
        "upload_form": upload_form or MOUDocumentForm(),
        "transition_form": transition_form,
    }
    return render(request, "partners/operations/partners.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def partners_overview(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    upload_form = MOUDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not access.can_manage_mous(user):
            raise PermissionDenied
        mou = selectors.mou_get_visible(user=user, pk=int(request.POST.get("mou", "0") or 0))
        if upload_form.is_valid():
            services.mou_document_set(mou=mou, actor=user, document=upload_form.cleaned_data["document"])
            messages.success(request, _("Signed document stored."))
            return redirect("partners_overview")
    return _partners_page(request, upload_form=upload_form)


@login_required
@require_http_methods(["GET", "POST"])
def mou_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not access.can_manage_mous(user):
        raise PermissionDenied
    form = MOUForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        parties = list(fields.pop("parties"))
        try:
            services.mou_create(actor=user, parties=parties, **fields)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("MOU recorded as a draft."))
            return redirect("partners_overview")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": _("Record an MOU")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mou_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An MOU's details, for whoever manages MOUs. Renewing is entering the new expiry date; an
    expired MOU may be made active again in the same step (``mou_transition`` decides whether it may)."""
    user = acting_user(request)
    mou = selectors.mou_get_visible(user=user, pk=pk)
    if not access.can_manage_mous(user):
        raise PermissionDenied
    title = _("Edit the MOU %(title)s") % {"title": mou.title}
    form = MOUEditForm(request.POST or None, instance=_scratch(mou), renewable=mou.status == MOUStatus.EXPIRED)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.mou_update(mou=mou, actor=user, parties=list(form.cleaned_data["parties"]), **form.changes())
                if form.cleaned_data.get("reactivate"):
                    services.mou_transition(mou=mou, actor=user, status=MOUStatus.ACTIVE)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("MOU saved."))
            return redirect("partners_overview")
    context = {
        "form": form,
        "title": title,
        "intro": _("Status: %(status)s.") % {"status": mou.get_status_display()},
        "cancel_url": reverse("partners_overview"),
    }
    return render(request, "partners/operations/simple_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def mou_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an MOU to one of its legal next states (the buttons on the partners page)."""
    user = acting_user(request)
    if not access.can_manage_mous(user):
        raise PermissionDenied
    mou = selectors.mou_get_visible(user=user, pk=pk)
    form = MOUTransitionForm(request.POST, initial={"mou": mou.pk})
    if form.is_valid():
        try:
            services.mou_transition(mou=mou, actor=user, status=form.cleaned_data["status"])
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("MOU status changed to %(status)s.") % {"status": mou.get_status_display()})
            return redirect("partners_overview")
    return _partners_page(request, transition_form=form, status=400)


# --- Committees -----------------------------------------------------------------------
@login_required
@require_GET
def committees(request: HttpRequest) -> HttpResponse:
    """Every signed-in member reads the committees; the task force administrator adds and changes them."""
    user = acting_user(request)
    context = {
        "committees": selectors.committees_visible_to(user=user).order_by("-active", "name"),
        "can_manage": access.can_manage_committees(user),
    }
    return render(request, "partners/operations/committees.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def committee_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not access.can_manage_committees(user):
        raise PermissionDenied
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_create(actor=user, members=form.members(), **form.changes())
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Committee added."))
            return redirect("committees")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": _("Add a committee"), "cancel_url": reverse("committees")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    committee = selectors.committee_get_visible(user=user, pk=pk)
    if not access.can_manage_committees(user):
        raise PermissionDenied
    title = _("Edit the committee %(name)s") % {"name": committee.name}
    form = CommitteeForm(request.POST or None, instance=_scratch(committee))
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(committee=committee, actor=user, members=form.members(), **form.changes())
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Committee saved."))
            return redirect("committees")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": title, "cancel_url": reverse("committees")},
        status=400 if form.errors else 200,
    )


# --- Trainings and outreach -----------------------------------------------------------
@login_required
@require_GET
def trainings(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    page = Paginator(selectors.trainings_visible_to(user=user).order_by("-held_on", "-id"), 25).get_page(
        request.GET.get("page")
    )
    totals = selectors.training_totals_by_quarter(user=user)
    context = {
        "page": page,
        "rows": [(t, access.can_edit_events_of(user, t.delivered_by)) for t in page.object_list],
        "totals": [(selectors.quarter_label(key), row) for key, row in totals.items()],
        "disciplines": AudienceDiscipline.choices,
        "can_create": access.can_create_events(user),
    }
    return render(request, "partners/operations/trainings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not access.can_create_events(user):
        raise PermissionDenied
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in TrainingForm.Meta.fields}
        try:
            services.training_create(actor=user, delivered_by=user.agency, audiences=form.audiences(), **fields)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Training logged."))
            return redirect("trainings")
    return render(request, "partners/operations/simple_form.html", {"form": form, "title": _("Log a training")})


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    training = selectors.training_get_visible(user=user, pk=pk)
    if not access.can_edit_events_of(user, training.delivered_by):
        raise PermissionDenied
    initial = {f"audience_{row.discipline}": row.attendees for row in training.audiences.all()}
    form = TrainingForm(request.POST or None, instance=_scratch(training), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in TrainingForm.Meta.fields}
        try:
            services.training_update(training=training, actor=user, audiences=form.audiences(), **fields)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Training saved."))
            return redirect("trainings")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": _("Edit the training"), "cancel_url": reverse("trainings")},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def outreach(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    page = Paginator(selectors.outreach_visible_to(user=user).order_by("-held_on", "-id"), 25).get_page(
        request.GET.get("page")
    )
    totals = selectors.outreach_totals_by_quarter(user=user)
    context = {
        "page": page,
        "rows": [(e, access.can_edit_events_of(user, e.delivered_by)) for e in page.object_list],
        "totals": [(selectors.quarter_label(key), row) for key, row in totals.items()],
        "can_create": access.can_create_events(user),
    }
    return render(request, "partners/operations/outreach.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outreach_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not access.can_create_events(user):
        raise PermissionDenied
    form = OutreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.outreach_create(actor=user, delivered_by=user.agency, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Outreach logged."))
            return redirect("outreach")
    return render(request, "partners/operations/simple_form.html", {"form": form, "title": _("Log outreach")})


@login_required
@require_http_methods(["GET", "POST"])
def outreach_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    event = selectors.outreach_get_visible(user=user, pk=pk)
    if not access.can_edit_events_of(user, event.delivered_by):
        raise PermissionDenied
    form = OutreachForm(request.POST or None, instance=_scratch(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.outreach_update(outreach=event, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Outreach saved."))
            return redirect("outreach")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": _("Edit the outreach"), "cancel_url": reverse("outreach")},
        status=400 if form.errors else 200,
    )


# --- Volunteers -----------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def volunteers(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    roster = selectors.volunteers_visible_to(user=user)
    can_add = access.can_manage_volunteers_of(user, user.agency)
    if not (can_add or roster.exists()):
        raise PermissionDenied
    form = VolunteerForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            services.volunteer_create(actor=user, agency=user.agency, **form.cleaned_data)
            messages.success(request, _("Volunteer added."))
            return redirect("volunteers")
    rows = [(volunteer, access.can_manage_volunteers_of(user, volunteer.agency)) for volunteer in roster]
    return render(
        request,
        "partners/operations/volunteers.html",
        {"rows": rows, "form": form, "can_add": can_add},
    )


def _volunteer_agencies(user: User) -> QuerySet[Agency] | None:
    """The agencies a new volunteer may be added to, when the user may choose (the task force
    administrator); None when it can only be their own agency."""
    if access.is_taskforce_admin(user):
        return Agency.objects.active().order_by("name")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request: HttpRequest) -> HttpResponse:
    """A new volunteer with every detail: their agency's coordinators, or the task force administrator."""
    user = acting_user(request)
    agencies = _volunteer_agencies(user)
    if agencies is None and not access.can_manage_volunteers_of(user, user.agency):
        raise PermissionDenied
    form = VolunteerDetailsForm(
        request.POST or None, agencies=agencies, initial={"agency": user.agency_id} if agencies is not None else None
    )
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"] if agencies is not None else user.agency
        try:
            services.volunteer_create(actor=user, agency=agency, **form.changes())
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Volunteer added."))
            return redirect("volunteers")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": _("Add a volunteer"), "cancel_url": reverse("volunteers")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer's details: whoever may update them through the API (their agency's coordinators,
    the task force administrator). 404 when the volunteer is not visible, 403 when visible only."""
    user = acting_user(request)
    volunteer = selectors.volunteer_get_visible(user=user, pk=pk)
    if not access.can_manage_volunteers_of(user, volunteer.agency):
        raise PermissionDenied
    title = _("Edit the volunteer %(name)s") % {"name": str(volunteer)}
    form = VolunteerDetailsForm(request.POST or None, instance=_scratch(volunteer))
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_update(volunteer=volunteer, actor=user, **form.changes())
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Volunteer saved."))
            return redirect("volunteers")
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": title, "cancel_url": reverse("volunteers")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_shift_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a shift: the volunteer themself, their agency's coordinators, or the task force administrator."""
    user = acting_user(request)
    volunteer = selectors.volunteer_get_visible(user=user, pk=pk)
    form = VolunteerShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_shift_create(volunteer=volunteer, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Shift recorded."))
            return redirect("volunteers")
    title = _("Record a shift for %(name)s") % {"name": str(volunteer)}
    return render(
        request,
        "partners/operations/simple_form.html",
        {"form": form, "title": title, "cancel_url": reverse("volunteers")},
        status=400 if form.errors else 200,
    )


# --- Member onboarding ----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    """The onboarding checklist of each member the user administers (agency admins: their agency)."""
    user = acting_user(request)
    rows = selectors.onboarding_visible_to(user=user)
    if not (access.is_taskforce_admin(user) or user.has_role("agency_admin")):
        raise PermissionDenied
    bound: OnboardingForm | None = None
    if request.method == "POST":
        person = next((row.person for row in rows if str(row.person.pk) == request.POST.get("person")), None)
        if person is None:
            raise PermissionDenied
        bound = OnboardingForm(request.POST, prefix=f"p{person.pk}")
        if bound.is_valid():
            services.onboarding_update(person=person, actor=user, **bound.cleaned_data)
            messages.success(request, _("Onboarding of %(username)s updated.") % {"username": person.username})
            return redirect("onboarding")
    forms_by_person = [
        (
            row,
            bound
            if bound is not None and bound.prefix == f"p{row.person.pk}"
            else OnboardingForm(
                prefix=f"p{row.person.pk}",
                initial={
                    name: getattr(row.onboarding, name, None)
                    for name in ("orientation_on", "confidentiality_signed_on", "role_training_on")
                },
            ),
        )
        for row in rows
    ]
    return render(
        request, "partners/operations/onboarding.html", {"rows": forms_by_person}, status=400 if bound else 200
    )


# --- CSV exports ----------------------------------------------------------------------
def _cell(value: Any) -> Any:
    """Spreadsheets run a cell starting with = + - @ as a formula; quote it."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response


@login_required
@require_GET
def attendance_csv(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_visible_to(user=acting_user(request)).order_by("starts_at")
    rows = [
        [
            timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M"),
            m.title,
            m.committee.name if m.committee else "",
            m.host_agency.name,
            m.people_count,  # type: ignore[attr-defined]
            m.guest_count,  # type: ignore[attr-defined]
            m.people_count + m.guest_count,  # type: ignore[attr-defined]
        ]
        for m in meetings
    ]
    header = [_("Starts"), _("Meeting"), _("Committee"), _("Host agency"), _("Members"), _("Guests"), _("Total")]
    return _csv("attendance.csv", header, rows)


@login_required
@require_GET
def training_totals_csv(request: HttpRequest) -> HttpResponse:
    totals = selectors.training_totals_by_quarter(user=acting_user(request))
    header = [
        _("Quarter"),
        _("Sessions"),
        _("Hours"),
        _("Attendees"),
        *[str(label) for _v, label in AudienceDiscipline.choices],
    ]
    rows = [
        [
            selectors.quarter_label(key),
            row.sessions,
            row.hours,
            row.attendees,
            *[row.by_discipline.get(value, 0) for value in AudienceDiscipline.values],
        ]
        for key, row in totals.items()
    ]
    return _csv("training-totals.csv", header, rows)
