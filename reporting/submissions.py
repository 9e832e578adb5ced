"""Monthly figures sent in by partners that keep their records elsewhere (federal agencies, for example).

Services (``submission_save``, ``submission_import``, ``submission_reminders_send``)
take the acting user as ``actor`` and check who may make the write, so the
browser form, the upload, the API and the daily task cannot disagree.
Selectors (``submission_tracker``, ``submissions_visible_to``) answer who sent
what and when.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.models import Agency, User
from partners.roles import Role
from reporting.access import may_run_reports
from reporting.models import AgencySubmission, SubmissionFigure, SubmissionItem, SubmissionReminder, SubmittingAgency
from reporting.periods import month_previous, month_start

logger = logging.getLogger(__name__)

# Members of a submitting agency who may send its figures.
SUBMITTER_ROLES = (Role.AGENCY_ADMIN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.PROSECUTOR)
# Figures for a month are due by the 5th of the following month; reminders start the day after.
DUE_DAY = 5
REMINDER_INTERVAL_DAYS = 7
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_ROWS = 5000
UPLOAD_MAX_COLUMNS = 30
# The workbook's parts once unzipped: a 2 MB file can otherwise expand to gigabytes in memory.
UPLOAD_MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
# The database column's limit; no real monthly count comes near it.
FIGURE_MAX = 2_147_483_647
UPLOAD_COLUMNS = ("month", "item", "value")

SOURCE_FORM = "form"
SOURCE_FILE = "file"
SOURCE_API = "api"


# --- Months ----------------------------------------------------------------------------
def month_parse(value: str) -> date:
    """``YYYY-MM`` (a day after it is tolerated and dropped) → the first of that month."""
    text = value.strip()
    parts = text.split("-")
    if len(parts) not in (2, 3) or len(parts[0]) != 4 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    year, month = int(parts[0]), int(parts[1])
    if len(parts) == 3:
        return date(year, month, int(parts[2])).replace(day=1)
    return date(year, month, 1)


# --- Who may ---------------------------------------------------------------------------
def current_figures() -> Prefetch[Any]:
    """The figures in force: a resubmission's superseded ones stay in the table for the runs cut off before it."""
    return Prefetch("figures", queryset=SubmissionFigure.objects.filter(superseded_at__isnull=True))


def _is_taskforce_admin(user: User) -> bool:
    return user.is_active and user.has_role(Role.TASKFORCE_ADMIN)


def _submitting(agency: Agency) -> SubmittingAgency | None:
    return SubmittingAgency.objects.filter(agency=agency, active=True).first()


def may_submit_for(user: User, agency: Agency) -> bool:
    """Task force administrators for any submitting agency; otherwise a member of the agency with a submitting role."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_taskforce_admin(user):
        return True
    return user.agency_id == agency.pk and user.has_role(*SUBMITTER_ROLES) and _submitting(agency) is not None


def may_submit(user: User) -> bool:
    """Whether the user may submit for at least one agency (the form and the upload pages)."""
    return user.is_authenticated and user.is_active and (_is_taskforce_admin(user) or may_submit_for(user, user.agency))


def may_see_tracker(user: User) -> bool:
    """Administrators and analysts see every row; members of a submitting agency see their own."""
    if may_run_reports(user):
        return True
    return user.is_authenticated and user.is_active and _submitting(user.agency) is not None


def submitting_agencies_for(user: User) -> QuerySet[Agency]:
    """The agencies the user may submit for, by name."""
    active = Agency.objects.filter(submitting__active=True).order_by("name")
    if _is_taskforce_admin(user):
        return active
    if may_submit_for(user, user.agency):
        return active.filter(pk=user.agency_id)
    return Agency.objects.none()


def submissions_visible_to(*, user: User) -> QuerySet[AgencySubmission]:
    qs = AgencySubmission.objects.select_related("agency", "submitted_by").prefetch_related(current_figures())
    if may_run_reports(user):
        return qs
    if user.is_authenticated and user.is_active and _submitting(user.agency) is not None:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def submitting_agency_ensure(*, agency: Agency, since: date, active: bool = True) -> SubmittingAgency:
    """Expect monthly figures from ``agency`` from the month of ``since`` (setup and tests)."""
    row, _created = SubmittingAgency.objects.update_or_create(
        agency=agency, defaults={"since": month_start(since), "active": active}
    )
    return row


# --- Saving ----------------------------------------------------------------------------
def _clean_figures(figures: Mapping[str, Any]) -> dict[str, int]:
    known = set(SubmissionItem.values)
    errors: list[str] = []
    cleaned: dict[str, int] = {}
    for item, value in figures.items():
        if item not in known:
            errors.append(_("Unknown item: %(item)s.") % {"item": item})
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FIGURE_MAX:
            errors.append(_("%(item)s: the value must be a whole number ≥ 0.") % {"item": SubmissionItem(item).label})
            continue
        cleaned[item] = value
    if errors:
        raise ValidationError({"figures": errors})
    if not cleaned:
        raise ValidationError({"figures": _("Enter at least one figure.")})
    return cleaned


def _clean_month(month: date, *, today: date) -> date:
    first = month_start(month)
    if first > month_start(today):
        raise ValidationError({"month": _("The month cannot be in the future.")})
    return first


def submission_save(
    *,
    actor: User,
    agency: Agency,
    month: date,
    figures: Mapping[str, int],
    source: str = SOURCE_FORM,
    today: date | None = None,
) -> AgencySubmission:
    """Record an agency's figures for a month. A second submission for the same
    month replaces the figures of the first (one row per agency and month); both are audited."""
    from auditlog.models import LogEntry

    if not may_submit_for(actor, agency):
        raise PermissionDenied(_("You may send figures only for your own agency."))
    if _submitting(agency) is None:
        raise ValidationError({"agency": _("This agency is not expected to send monthly figures.")})
    first = _clean_month(month, today=today or timezone.localdate())
    cleaned = _clean_figures(figures)
    with transaction.atomic():
        submission = AgencySubmission.objects.select_for_update().filter(agency=agency, month=first).first()
        if submission is None:
            submission = AgencySubmission.objects.create(agency=agency, month=first, submitted_by=actor, source=source)
            before: dict[str, int] = {}
            action = LogEntry.Action.CREATE
        else:
            current = submission.figures.filter(superseded_at__isnull=True)
            before = dict(current.values_list("item", "value"))
            now = timezone.now()
            # Kept, marked superseded: a run cut off before now still counts them (populations.py).
            current.update(superseded_at=now)
            submission.submitted_by = actor
            submission.submitted_at = now
            submission.source = source
            submission.save(update_fields=["submitted_by", "submitted_at", "source"])
            action = LogEntry.Action.UPDATE
        SubmissionFigure.objects.bulk_create(
            [SubmissionFigure(submission=submission, item=item, value=value) for item, value in cleaned.items()]
        )
        # Figures are written in bulk, which sends no auditlog signals: log the change explicitly.
        LogEntry.objects.log_create(
            submission,
            action=action,
            changes={"figures": [before or None, cleaned], "source": [None, source]},
            force_log=True,
            actor=actor,
        )
    return submission


# --- Files ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionRow:
    line: int  # the row number as a spreadsheet shows it (the header is row 1)
    month: date
    item: str
    value: int


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(upload: UploadedFile) -> list[list[Any]]:
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"upload": _("The CSV file must be saved as UTF-8 text.")}) from exc
    try:
        return [list(row) for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:  # a field over the csv module's limit, a stray NUL byte
        raise ValidationError({"upload": _("The CSV file could not be read: %(error)s") % {"error": exc}}) from exc


def _read_xlsx(upload: UploadedFile) -> list[list[Any]]:
    from openpyxl import load_workbook

    content = io.BytesIO(upload.read())
    try:
        with zipfile.ZipFile(content) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationError({"upload": _("The file could not be read as an Excel workbook (.xlsx).")}) from exc
    if unzipped > UPLOAD_MAX_UNZIPPED_BYTES:
        raise ValidationError({"upload": _("The workbook is too large once unpacked; keep it to the figures.")})
    try:
        workbook = load_workbook(content, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged or foreign file
        raise ValidationError({"upload": _("The file could not be read as an Excel workbook (.xlsx).")}) from exc
    try:
        sheet = workbook.worksheets[0]
        # Read no further than the row limit allows: a small compressed file can hold a huge sheet.
        rows = islice(sheet.iter_rows(max_col=UPLOAD_MAX_COLUMNS, values_only=True), UPLOAD_MAX_ROWS + 50)
        return [list(row) for row in rows]
    finally:
        workbook.close()


def _read_table(upload: UploadedFile) -> list[list[Any]]:
    name = (upload.name or "").lower()
    if upload.size is not None and upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError({"upload": _("The file is larger than 2 MB.")})
    if name.endswith(".csv"):
        return _read_csv(upload)
    if name.endswith(".xlsx"):
        return _read_xlsx(upload)
    raise ValidationError({"upload": _("Upload a CSV (.csv) or Excel (.xlsx) file.")})


def _month_of_cell(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    return month_parse(_cell_text(value))


def _value_of_cell(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        number = int(value)
    else:
        text = _cell_text(value)
        if not text.isdigit():
            raise ValueError(text)
        number = int(text)
    if not 0 <= number <= FIGURE_MAX:
        raise ValueError(value)
    return number


def submission_parse_file(*, upload: UploadedFile, today: date | None = None) -> tuple[list[SubmissionRow], list[str]]:
    """Read a CSV or XLSX file with the columns ``month,item,value`` (month as YYYY-MM).

    Returns the rows and a list of errors, one per faulty row ("row 3: ...");
    a file with any error must not be saved at all.
    """
    today = today or timezone.localdate()
    try:
        table = _read_table(upload)
    except ValidationError as exc:
        return [], [str(message) for message in exc.messages]
    # Skip blank lines before the header.
    start = 0
    while start < len(table) and not any(_cell_text(cell) for cell in table[start]):
        start += 1
    if start == len(table):
        return [], [_("The file is empty.")]
    header = [_cell_text(cell).lower() for cell in table[start]]
    missing = [column for column in UPLOAD_COLUMNS if column not in header]
    if missing:
        return [], [
            _("row %(row)s: the header must name the columns month, item and value (missing: %(missing)s).")
            % {"row": start + 1, "missing": ", ".join(missing)}
        ]
    position = {column: header.index(column) for column in UPLOAD_COLUMNS}
    known = {value: value for value in SubmissionItem.values}
    known.update({str(label).lower(): value for value, label in SubmissionItem.choices})
    rows: list[SubmissionRow] = []
    errors: list[str] = []
    seen: dict[tuple[date, str], int] = {}
    data = table[start + 1 :]
    if len(data) > UPLOAD_MAX_ROWS:
        return [], [_("The file has more than %(max)s rows.") % {"max": UPLOAD_MAX_ROWS}]
    for offset, cells in enumerate(data):
        line = start + 2 + offset
        if not any(_cell_text(cell) for cell in cells):
            continue
        cells = [*cells, *([None] * (len(header) - len(cells)))]
        row_errors: list[str] = []
        month: date | None = None
        try:
            month = _month_of_cell(cells[position["month"]])
        except (TypeError, ValueError):
            row_errors.append(_("the month must be written as YYYY-MM"))
        else:
            if month > month_start(today):
                row_errors.append(_("the month %(month)s is in the future") % {"month": f"{month:%Y-%m}"})
                month = None
        item_text = _cell_text(cells[position["item"]])
        item = known.get(item_text) or known.get(item_text.lower())
        if item is None:
            row_errors.append(_("unknown item “%(item)s”") % {"item": item_text[:60]})
        value: int | None = None
        try:
            value = _value_of_cell(cells[position["value"]])
        except (TypeError, ValueError):
            row_errors.append(_("value must be a whole number ≥ 0"))
        if month is not None and item is not None:
            first = seen.get((month, item))
            if first is not None:
                row_errors.append(
                    _("%(item)s appears twice for %(month)s (also on row %(first)s)")
                    % {"item": item, "month": f"{month:%Y-%m}", "first": first}
                )
            else:
                seen[(month, item)] = line
        if row_errors:
            errors.extend(_("row %(row)s: %(error)s") % {"row": line, "error": error} for error in row_errors)
        elif month is not None and item is not None and value is not None:
            rows.append(SubmissionRow(line=line, month=month, item=item, value=value))
    if not rows and not errors:
        errors.append(_("The file has no figures."))
    return rows, errors


def submission_import(
    *, actor: User, agency: Agency, upload: UploadedFile, today: date | None = None
) -> list[AgencySubmission]:
    """Save every month of a file in one transaction; a file with any error saves nothing."""
    if not may_submit_for(actor, agency):
        raise PermissionDenied(_("You may send figures only for your own agency."))
    rows, errors = submission_parse_file(upload=upload, today=today)
    if errors:
        raise ValidationError({"upload": errors})
    by_month: dict[date, dict[str, int]] = {}
    for row in rows:
        by_month.setdefault(row.month, {})[row.item] = row.value
    with transaction.atomic():
        return [
            submission_save(actor=actor, agency=agency, month=month, figures=figures, source=SOURCE_FILE, today=today)
            for month, figures in sorted(by_month.items())
        ]


# --- Tracker ----------------------------------------------------------------------------
class CellState:
    SUBMITTED = "submitted"
    MISSING = "missing"
    DUE = "due"  # the month closed, the 5th of the next has not passed yet
    NOT_EXPECTED = "not_expected"


@dataclass(frozen=True)
class TrackerCell:
    month: date
    state: str
    submission: AgencySubmission | None = None


@dataclass
class TrackerRow:
    agency: Agency
    since: date
    cells: list[TrackerCell] = field(default_factory=list)


def _cell_state(*, month: date, since: date, today: date) -> str:
    if month < month_start(since) or month >= month_start(today):
        return CellState.NOT_EXPECTED
    if month == month_previous(month_start(today)) and today.day <= DUE_DAY:
        return CellState.DUE
    return CellState.MISSING


def submission_tracker(
    *, months: list[date], agencies: Iterable[Agency] | None = None, today: date | None = None
) -> list[TrackerRow]:
    """For each active submitting agency (or those of ``agencies``) and each month:
    submitted (when, by whom), missing, due, or not expected (before ``since``)."""
    today = today or timezone.localdate()
    months = [month_start(month) for month in months]
    expected = SubmittingAgency.objects.filter(active=True).select_related("agency").order_by("agency__name")
    if agencies is not None:
        expected = expected.filter(agency__in=list(agencies))
    expected_rows = list(expected)
    submissions = AgencySubmission.objects.filter(
        agency__in=[row.agency for row in expected_rows], month__in=months
    ).select_related("submitted_by")
    by_key = {(sub.agency_id, sub.month): sub for sub in submissions}
    rows: list[TrackerRow] = []
    for expectation in expected_rows:
        row = TrackerRow(agency=expectation.agency, since=expectation.since)
        for month in months:
            sub = by_key.get((expectation.agency_id, month))
            if sub is not None:
                row.cells.append(TrackerCell(month=month, state=CellState.SUBMITTED, submission=sub))
            else:
                row.cells.append(
                    TrackerCell(month=month, state=_cell_state(month=month, since=expectation.since, today=today))
                )
        rows.append(row)
    return rows


# --- Reminders --------------------------------------------------------------------------
def _reminder_recipients(*, agency: Agency) -> tuple[list[str], list[str]]:
    """(to, cc): the agency's administrators; the task force administrators in copy.
    With no agency administrator to write to, the task force administrators are addressed directly."""
    active = User.objects.filter(is_active=True).exclude(email="")
    to = sorted(
        set(active.filter(agency=agency, role_assignments__role=Role.AGENCY_ADMIN).values_list("email", flat=True))
    )
    cc = sorted(set(active.filter(role_assignments__role=Role.TASKFORCE_ADMIN).values_list("email", flat=True)))
    cc = [address for address in cc if address not in to]
    if not to:
        return cc, []
    return to, cc


def _send(reminder_id: int, subject: str, body: str, to: list[str], cc: list[str]) -> None:
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, cc=cc).send()
    except Exception:
        # Forget the reminder so tomorrow's run tries again, and let the other agencies' reminders go out.
        logger.exception("submission reminder %s could not be sent", reminder_id)
        SubmissionReminder.objects.filter(pk=reminder_id).delete()


def submission_reminders_send(*, today: date | None = None) -> int:
    """Remind each active submitting agency whose previous month's figures are
    missing after the 5th: first on the 6th, then every 7 days until they arrive.

    The reminder row is inserted before the email is queued, and the unique
    constraint (agency, month, day) refuses a second one, so two runs on the
    same day send one email. Returns how many reminders were sent.
    """
    today = today or timezone.localdate()
    if today.day <= DUE_DAY:
        return 0
    month = month_previous(month_start(today))
    sent = 0
    expected = (
        SubmittingAgency.objects.filter(active=True, agency__active=True, since__lt=month_start(today))
        .exclude(agency__submissions__month=month)
        .select_related("agency")
    )
    for expectation in expected:
        agency = expectation.agency
        last = SubmissionReminder.objects.filter(agency=agency, month=month).aggregate(last=Max("sent_on"))["last"]
        if last is not None and (today - last).days < REMINDER_INTERVAL_DAYS:
            continue
        to, cc = _reminder_recipients(agency=agency)
        if not to:
            continue
        month_label = date_format(month, "F Y")
        subject = _("Friendly reminder: %(agency)s's figures for %(month)s") % {
            "agency": agency.name,
            "month": month_label,
        }
        body = _(
            "Hello,\n\n"
            "We have not yet received the monthly figures of %(agency)s for %(month)s. "
            "They help the task force report on its work to its funders, and we are grateful for them.\n\n"
            "When you have a moment, please enter them in the task force system under "
            "Reports → Partner submissions (/reports/submissions/new/), or upload them as a CSV "
            "or Excel file with the columns month, item and value (/reports/submissions/upload/).\n\n"
            "If they are already on their way, please disregard this message. "
            "We will send a short reminder once a week until they arrive.\n\n"
            "Thank you for your partnership,\n"
            "The task force office"
        ) % {"agency": agency.name, "month": month_label}
        try:
            with transaction.atomic():
                reminder = SubmissionReminder.objects.create(agency=agency, month=month, sent_on=today)
                # Email only once the reminder row is committed: a rolled-back run sends nothing.
                transaction.on_commit(partial(_send, reminder.pk, subject, body, to, cc))
        except IntegrityError:
            continue  # already sent today by an earlier run
        sent += 1
    return sent
