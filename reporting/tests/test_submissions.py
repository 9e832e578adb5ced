"""Partner monthly submissions: the form, the file upload, the tracker, the reminders and who may do what."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from partners import services as partner_services
from partners.models import Agency
from partners.roles import Role
from reporting.models import AgencySubmission, SubmissionReminder
from reporting.submissions import (
    CellState,
    submission_import,
    submission_parse_file,
    submission_reminders_send,
    submission_save,
    submission_tracker,
    submitting_agency_ensure,
)
from reporting.tasks import submission_reminders_task

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 10, 20)


@pytest.fixture
def hsi(personas):
    agency = personas["agent"].agency
    submitting_agency_ensure(agency=agency, since=date(2026, 1, 1))
    return agency


@pytest.fixture
def usao(personas):
    agency = Agency.objects.get(slug="usao")
    submitting_agency_ensure(agency=agency, since=date(2026, 6, 1))
    return agency


@pytest.fixture
def hsi_admin(personas, hsi):
    return partner_services.user_create(
        actor=None,
        agency=hsi,
        username="hsiadmin",
        email="hsiadmin@hsi.example.org",
        roles=[Role.AGENCY_ADMIN],
        first_name="Kim",
        last_name="Admin",
    )


def _figures(submission: AgencySubmission) -> dict[str, int]:
    """The figures in force; superseded ones stay in the table for runs cut off before."""
    return dict(submission.figures.filter(superseded_at__isnull=True).values_list("item", "value"))


def _csv(text: str, name: str = "figures.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _xlsx(rows: list[list[object]], name: str = "figures.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


# --- Saving ----------------------------------------------------------------------------
def test_form_saves_and_a_resubmission_replaces_the_figures(personas, hsi, client_for):
    client = client_for("agent")

    response = client.post(
        "/reports/submissions/new/", {"month": "2026-09", "item_arrests": "3", "item_victims_confirmed": "2"}
    )
    assert response.status_code == 302
    submission = AgencySubmission.objects.get(agency=hsi)
    assert submission.month == date(2026, 9, 1)
    assert submission.submitted_by == personas["agent"]
    assert _figures(submission) == {"arrests": 3, "victims_confirmed": 2}

    response = client.post("/reports/submissions/new/", {"month": "2026-09", "item_arrests": "5"})
    assert response.status_code == 302
    assert AgencySubmission.objects.filter(agency=hsi).count() == 1
    submission.refresh_from_db()
    assert _figures(submission) == {"arrests": 5}
    assert submission.figures.filter(superseded_at__isnull=False).count() == 2  # kept for earlier cut-offs
    entries = LogEntry.objects.get_for_object(submission).order_by("timestamp")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    replaced = entries.last()
    assert replaced is not None
    assert replaced.actor == personas["agent"]
    assert "figures" in replaced.changes_dict


def test_form_shows_field_errors_and_saves_nothing(personas, hsi, client_for):
    response = client_for("agent").post("/reports/submissions/new/", {"month": "2026-13", "item_arrests": "-1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-describedby="id_month-error"' in body or "id_month-error" in body
    assert "id_item_arrests-error" in body
    assert not AgencySubmission.objects.exists()


def test_service_validates_month_and_values(personas, hsi):
    agent = personas["agent"]
    with pytest.raises(ValidationError) as future:
        submission_save(actor=agent, agency=hsi, month=date(2026, 11, 1), figures={"arrests": 1}, today=TODAY)
    assert "month" in future.value.message_dict
    with pytest.raises(ValidationError) as negative:
        submission_save(actor=agent, agency=hsi, month=date(2026, 9, 1), figures={"arrests": -1}, today=TODAY)
    assert "figures" in negative.value.message_dict
    with pytest.raises(ValidationError):
        submission_save(actor=agent, agency=hsi, month=date(2026, 9, 1), figures={"parking_tickets": 1}, today=TODAY)
    # The month is normalised to its first day.
    saved = submission_save(actor=agent, agency=hsi, month=date(2026, 9, 17), figures={"arrests": 0}, today=TODAY)
    assert saved.month == date(2026, 9, 1)


# --- Files -------------------------------------------------------------------------------
def test_csv_with_errors_saves_nothing_and_lists_each_row(personas, hsi, client_for):
    text = (
        "month,item,value\n"
        "2026-08,arrests,4\n"  # row 2: fine
        "2026-08,victims_confirmed,-1\n"  # row 3: negative
        "2026-08,parking_tickets,2\n"  # row 4: unknown item
        "August,arrests,1\n"  # row 5: bad month
        "2026-08,arrests,6\n"  # row 6: duplicate of row 2
        "2026-09,convictions,1.5\n"  # row 7: not whole
    )
    response = client_for("agent").post("/reports/submissions/upload/", {"upload": _csv(text)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "row 3: value must be a whole number ≥ 0" in body
    for row in (4, 5, 6, 7):
        assert f"row {row}:" in body
    assert "row 2:" not in body
    assert not AgencySubmission.objects.exists()


def test_parse_file_reports_row_errors_without_saving(personas, hsi):
    rows, errors = submission_parse_file(
        upload=_csv("month,item,value\n2026-08,arrests,4\n2026-08,convictions,x\n"), today=TODAY
    )
    assert [row.item for row in rows] == ["arrests"]
    assert errors == ["row 3: value must be a whole number ≥ 0"]
    with pytest.raises(ValidationError):
        submission_import(
            actor=personas["agent"],
            agency=hsi,
            upload=_csv("month,item,value\n2026-08,arrests,4\n2026-08,convictions,x\n"),
            today=TODAY,
        )
    assert not AgencySubmission.objects.exists()


def test_parse_file_refuses_a_missing_header_and_other_formats(personas, hsi):
    _rows, errors = submission_parse_file(upload=_csv("when,what,how many\n2026-08,arrests,4\n"), today=TODAY)
    assert errors
    assert "row 1" in errors[0]
    _rows, errors = submission_parse_file(upload=SimpleUploadedFile("figures.txt", b"x"), today=TODAY)
    assert errors == ["Upload a CSV (.csv) or Excel (.xlsx) file."]


def test_xlsx_upload_round_trip(personas, hsi, client_for):
    upload = _xlsx(
        [
            ["month", "item", "value"],
            ["2026-07", "arrests", 2],
            ["2026-07", "victims_confirmed", 3],
            [date(2026, 8, 1), "arrests", 1.0],  # a cell Excel turned into a date, a number stored as float
            [None, None, None],
            ["2026-08", "convictions", "0"],
        ]
    )
    response = client_for("agent").post("/reports/submissions/upload/", {"upload": upload})
    assert response.status_code == 302
    saved = {sub.month: sub for sub in AgencySubmission.objects.filter(agency=hsi)}
    assert set(saved) == {date(2026, 7, 1), date(2026, 8, 1)}
    assert _figures(saved[date(2026, 7, 1)]) == {"arrests": 2, "victims_confirmed": 3}
    assert _figures(saved[date(2026, 8, 1)]) == {"arrests": 1, "convictions": 0}
    assert {sub.source for sub in saved.values()} == {"file"}


def test_xlsx_with_an_error_saves_no_month(personas, hsi):
    upload = _xlsx([["month", "item", "value"], ["2026-07", "arrests", 2], ["2026-08", "arrests", -3]])
    with pytest.raises(ValidationError) as refused:
        submission_import(actor=personas["agent"], agency=hsi, upload=upload, today=TODAY)
    assert refused.value.message_dict["upload"] == ["row 3: value must be a whole number ≥ 0"]
    assert not AgencySubmission.objects.exists()


# --- Tracker ------------------------------------------------------------------------------
def test_tracker_states(personas, hsi, usao):
    submission_save(actor=personas["agent"], agency=hsi, month=date(2026, 7, 1), figures={"arrests": 1}, today=TODAY)
    months = [date(2026, month, 1) for month in range(4, 10)]  # April .. September

    rows = {row.agency.slug: row for row in submission_tracker(months=months, today=date(2026, 10, 3))}

    states = {cell.month.month: cell.state for cell in rows["hsi"].cells}
    assert states == {
        4: CellState.MISSING,
        5: CellState.MISSING,
        6: CellState.MISSING,
        7: CellState.SUBMITTED,
        8: CellState.MISSING,
        9: CellState.DUE,  # the 5th of October has not passed
    }
    july = rows["hsi"].cells[3]
    assert july.submission is not None
    assert july.submission.submitted_by == personas["agent"]
    usao_states = [cell.state for cell in rows["usao"].cells]
    assert usao_states[:2] == [CellState.NOT_EXPECTED, CellState.NOT_EXPECTED]  # before June
    assert usao_states[2] == CellState.MISSING
    # After the 5th, September is missing too.
    later = submission_tracker(months=months, today=date(2026, 10, 6))
    assert later[0].cells[-1].state in (CellState.MISSING, CellState.SUBMITTED)
    assert {row.agency.slug: row.cells[-1].state for row in later}["hsi"] == CellState.MISSING


# --- Reminders ------------------------------------------------------------------------------
def _run(day: date, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return submission_reminders_send(today=day)


def test_reminders_first_on_the_6th_then_weekly_until_received(
    personas, hsi, hsi_admin, django_capture_on_commit_callbacks
):
    assert _run(date(2026, 10, 5), django_capture_on_commit_callbacks) == 0
    assert _run(date(2026, 10, 6), django_capture_on_commit_callbacks) == 1
    message = mail.outbox[-1]
    assert message.to == ["hsiadmin@hsi.example.org"]
    assert personas["tfadmin"].email in message.cc
    assert "September 2026" in message.subject
    assert "Homeland Security Investigations" in message.body

    assert _run(date(2026, 10, 6), django_capture_on_commit_callbacks) == 0  # a second run the same day
    assert _run(date(2026, 10, 7), django_capture_on_commit_callbacks) == 0  # the next day
    assert _run(date(2026, 10, 12), django_capture_on_commit_callbacks) == 0
    assert _run(date(2026, 10, 13), django_capture_on_commit_callbacks) == 1  # seven days later
    assert len(mail.outbox) == 2

    submission_save(actor=personas["agent"], agency=hsi, month=date(2026, 9, 1), figures={"arrests": 0}, today=TODAY)
    assert _run(date(2026, 10, 20), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert list(SubmissionReminder.objects.values_list("sent_on", flat=True).order_by("sent_on")) == [
        date(2026, 10, 6),
        date(2026, 10, 13),
    ]


def test_reminders_skip_agencies_not_yet_expected_and_double_runs_send_once(
    personas, hsi, hsi_admin, usao, django_capture_on_commit_callbacks
):
    submitting_agency_ensure(agency=usao, since=date(2026, 10, 1))  # first month expected: October
    day = datetime(2026, 10, 6, 15, 0, tzinfo=ZONE)
    with time_machine.travel(day, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = submission_reminders_task.apply().get()
        second = submission_reminders_task.apply().get()
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert not SubmissionReminder.objects.filter(agency=usao).exists()


def test_without_an_agency_admin_the_taskforce_admins_are_written_to(personas, hsi, django_capture_on_commit_callbacks):
    assert _run(date(2026, 10, 6), django_capture_on_commit_callbacks) == 1
    assert personas["tfadmin"].email in mail.outbox[-1].to


# --- Who may ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "status"),
    [("tfadmin", 200), ("analyst", 200), ("agent", 200), ("detective", 403), ("advocate", 403), ("volunteer", 403)],
)
def test_tracker_page_permissions(hsi, usao, client_for, username, status):
    response = client_for(username).get("/reports/submissions/")
    assert response.status_code == status


def test_tracker_page_shows_a_member_only_their_own_row(personas, hsi, usao, client_for):
    submission_save(actor=personas["agent"], agency=hsi, month=date(2026, 9, 1), figures={"arrests": 1})
    own = client_for("agent").get("/reports/submissions/").content.decode()
    assert 'data-agency="hsi"' in own
    assert 'data-agency="usao"' not in own
    assert 'data-state="submitted"' in own
    everyone = client_for("analyst").get("/reports/submissions/").content.decode()
    assert 'data-agency="hsi"' in everyone
    assert 'data-agency="usao"' in everyone


@pytest.mark.parametrize(
    ("username", "status"),
    [("tfadmin", 200), ("agent", 200), ("analyst", 403), ("detective", 403), ("advocate", 403)],
)
@pytest.mark.parametrize("path", ["/reports/submissions/new/", "/reports/submissions/upload/"])
def test_form_and_upload_permissions(hsi, usao, client_for, username, status, path):
    assert client_for(username).get(path).status_code == status


def test_taskforce_admin_chooses_the_agency(personas, hsi, usao, client_for):
    client = client_for("tfadmin")
    assert 'name="agency"' in client.get("/reports/submissions/new/").content.decode()
    response = client.post("/reports/submissions/new/", {"agency": usao.pk, "month": "2026-09", "item_arrests": "1"})
    assert response.status_code == 302
    assert AgencySubmission.objects.get().agency == usao
    # A member sees no choice: the agency is their own.
    assert 'name="agency"' not in client_for("agent").get("/reports/submissions/new/").content.decode()


def test_outsider_agency_is_refused(personas, hsi, usao, client_for):
    with pytest.raises(PermissionDenied):
        submission_save(actor=personas["agent"], agency=usao, month=date(2026, 9, 1), figures={"arrests": 1})
    with pytest.raises(PermissionDenied):
        submission_save(actor=personas["detective"], agency=hsi, month=date(2026, 9, 1), figures={"arrests": 1})
    with pytest.raises(PermissionDenied):
        submission_save(actor=personas["analyst"], agency=hsi, month=date(2026, 9, 1), figures={"arrests": 1})
    # Agent posting for another agency via the form: the agency is fixed to their own.
    response = client_for("detective").post("/reports/submissions/new/", {"month": "2026-09", "item_arrests": "1"})
    assert response.status_code == 403
    assert not AgencySubmission.objects.exists()


# --- API ---------------------------------------------------------------------------------------
def test_api_create_replace_and_list(personas, hsi, usao, client_for):
    client = client_for("agent")
    payload = {"agency": "hsi", "month": "2026-09", "figures": {"arrests": 2, "convictions": 1}}
    created = client.post("/api/v1/reports/submissions/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["figures"] == {"arrests": 2, "convictions": 1}
    assert created.json()["month"] == "2026-09"
    payload["figures"] = {"arrests": 3}
    replaced = client.post("/api/v1/reports/submissions/", payload, content_type="application/json")
    assert replaced.status_code == 200
    assert AgencySubmission.objects.count() == 1
    assert _figures(AgencySubmission.objects.get()) == {"arrests": 3}

    listed = client_for("analyst").get("/api/v1/reports/submissions/").json()
    assert [row["agency"] for row in listed["results"]] == ["hsi"]
    assert listed["results"][0]["source"] == "api"


def test_api_refusals(personas, hsi, usao, client_for):
    payload = {"agency": "usao", "month": "2026-09", "figures": {"arrests": 2}}
    assert (
        client_for("agent").post("/api/v1/reports/submissions/", payload, content_type="application/json").status_code
        == 403
    )
    bad = {"agency": "hsi", "month": "2026-09", "figures": {"arrests": -2}}
    assert (
        client_for("agent").post("/api/v1/reports/submissions/", bad, content_type="application/json").status_code
        == 400
    )
    unknown = {"agency": "hsi", "month": "2026-09", "figures": {"nonsense": 2}}
    response = client_for("agent").post("/api/v1/reports/submissions/", unknown, content_type="application/json")
    assert response.status_code == 400
    assert "figures" in response.json()
    assert client_for("detective").get("/api/v1/reports/submissions/").status_code == 403
    assert not AgencySubmission.objects.exists()


def test_a_workbook_that_unpacks_to_a_huge_size_is_refused_before_it_is_read(personas, hsi):
    # A few kilobytes zipped, far over the limit unpacked: the shape of a decompression bomb.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<a>" + b"x" * (25 * 1024 * 1024) + b"</a>")
    rows, errors = submission_parse_file(upload=SimpleUploadedFile("figures.xlsx", buffer.getvalue()), today=TODAY)

    assert rows == []
    assert errors == ["The workbook is too large once unpacked; keep it to the figures."]


def test_a_csv_the_reader_cannot_parse_is_an_error_not_a_crash(personas, hsi):
    rows, errors = submission_parse_file(upload=_csv("month,item,value\n" + "x" * 200_000 + "\n"), today=TODAY)

    assert rows == []
    assert errors[0].startswith("The CSV file could not be read")


def test_a_value_beyond_the_column_is_a_row_error(personas, hsi):
    rows, errors = submission_parse_file(upload=_csv("month,item,value\n2026-08,arrests,99999999999\n"), today=TODAY)

    assert rows == []
    assert errors == ["row 2: value must be a whole number ≥ 0"]


def test_an_outsider_posting_to_the_api_gets_403_before_validation(personas, hsi, client_for):
    response = client_for("advocate").post(
        "/api/v1/reports/submissions/",
        {"agency": "no-such-agency", "month": "2026-08", "figures": {"arrests": 1}},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "agency" not in response.json()


class _RefusingBackend:
    """An SMTP server that is down: every send fails."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise OSError("connection refused")


def test_a_reminder_that_could_not_be_sent_is_tried_again_the_next_day(
    personas, hsi, hsi_admin, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}._RefusingBackend"
    assert _run(date(2026, 10, 6), django_capture_on_commit_callbacks) == 1
    assert not SubmissionReminder.objects.exists()  # forgotten, so the next run tries again

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert _run(date(2026, 10, 7), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
