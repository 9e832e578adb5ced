"""The API and browser pages of issue 5: who reads and changes what, query budgets, exports."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.operations import services
from partners.operations.models import MOUStatus

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Los_Angeles")
PERSONAS = (
    "advocate",
    "advocate2",
    "lawyer",
    "detective",
    "detective2",
    "agent",
    "prosecutor",
    "supervisor",
    "tfadmin",
    "analyst",
    "auditor",
    "volunteer",
)


@pytest.fixture
def private_root(settings, tmp_path):
    settings.TASKFORCE_PRIVATE_ROOT = tmp_path / "private"
    return settings.TASKFORCE_PRIVATE_ROOT


@pytest.fixture
def signed_mou(personas, private_root):
    tfadmin = personas["tfadmin"]
    mou = services.mou_create(
        actor=tfadmin,
        title="Bayview PD and Safe Harbor protocol",
        parties=[personas["detective"].agency, personas["advocate"].agency],
        signed_on=date(2026, 1, 5),
        effective_from=date(2026, 1, 5),
        expires_on=date(2099, 1, 5),
    )
    services.mou_transition(mou=mou, actor=tfadmin, status=MOUStatus.IN_SIGNATURE)
    services.mou_transition(mou=mou, actor=tfadmin, status=MOUStatus.ACTIVE)
    return services.mou_document_set(mou=mou, actor=tfadmin, document=ContentFile(b"%PDF-1.4 signed", name="x.pdf"))


def test_the_signed_document_goes_to_members_of_the_parties_and_the_taskforce_admin(client_for, signed_mou):
    # Given an MOU between Bayview PD and Safe Harbor, with its signed document stored privately
    assert not str(signed_mou.document.path).startswith(str(__import__("django.conf").conf.settings.MEDIA_ROOT))
    readers = set()
    for username in PERSONAS:
        client = client_for(username)
        # When each persona asks for the document in the browser and through the API
        web = client.get(f"/mous/{signed_mou.pk}/document/")
        api = client.get(f"/api/v1/mous/{signed_mou.pk}/document/")
        assert web.status_code == api.status_code, username
        listed = client.get(f"/api/v1/mous/{signed_mou.pk}/").json()
        if web.status_code == 200:
            readers.add(username)
            assert b"".join(web.streaming_content) == b"%PDF-1.4 signed"
            assert web["Cache-Control"] == "private, no-store"
            assert listed["document_url"] == f"/mous/{signed_mou.pk}/document/"
        else:
            assert web.status_code == 404
            assert listed["document_url"] is None
        # Every member reads the MOU's status, whoever may read the document
        assert listed["status"] == "active"
    # Then exactly the parties' members and the administrator read it
    assert readers == {"detective", "analyst", "advocate", "supervisor", "volunteer", "tfadmin"}


def test_only_the_taskforce_admin_writes_mous_through_the_api(client_for, personas):
    body = {"title": "New MOU", "parties": ["bayview-pd", "county-da"], "expires_on": "2027-01-01"}
    assert client_for("detective").post("/api/v1/mous/", body, content_type="application/json").status_code == 403
    response = client_for("tfadmin").post("/api/v1/mous/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    wrong = client_for("tfadmin").patch(f"/api/v1/mous/{pk}/", {"status": "active"}, content_type="application/json")
    assert wrong.status_code == 400
    moved = client_for("tfadmin").patch(
        f"/api/v1/mous/{pk}/", {"status": "in_signature"}, content_type="application/json"
    )
    assert moved.json()["status"] == "in_signature"


def test_meetings_every_member_reads_host_agency_staff_and_admin_write(client_for, personas):
    # Given a meeting the task force office scheduled
    body = {
        "title": "Quarterly task force meeting",
        "starts_at": "2026-03-05T10:00:00-08:00",
        "ends_at": "2026-03-05T12:00:00-08:00",
        "location": "County building, room 4",
        "agenda": "1. Case review",
    }
    created = client_for("tfadmin").post("/api/v1/meetings/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    # Then every persona reads it; only the administrator may change it
    for username in PERSONAS:
        client = client_for(username)
        assert client.get(f"/api/v1/meetings/{pk}/").status_code == 200
        patched = client.patch(f"/api/v1/meetings/{pk}/", {"minutes": "x"}, content_type="application/json")
        assert patched.status_code == (200 if username == "tfadmin" else 403), username
    # And attendance recorded through the API is counted
    attendance = client_for("tfadmin").put(
        f"/api/v1/meetings/{pk}/attendance/",
        {"people": [personas["detective"].pk, personas["advocate"].pk], "agency_guests": {"bayview-pd": 3}},
        content_type="application/json",
    )
    assert attendance.status_code == 200, attendance.json()
    assert attendance.json()["total"] == 5
    assert client_for("volunteer").get(f"/api/v1/meetings/{pk}/").json()["people_count"] == 2


def test_volunteer_details_through_the_api(client_for, personas):
    record = services.volunteer_create(
        actor=personas["supervisor"],
        agency=personas["supervisor"].agency,
        first_name="Casey",
        user=personas["volunteer"],
        phone="555-0150",
    )
    seen = {
        username: [row["id"] for row in client_for(username).get("/api/v1/volunteers/").json()["results"]]
        for username in PERSONAS
    }
    assert {u for u, ids in seen.items() if ids} == {"supervisor", "volunteer", "tfadmin"}
    assert client_for("advocate").get(f"/api/v1/volunteers/{record.pk}/").status_code == 404


def _queries(client, url: str, size: int) -> int:
    client.get(url, {"page_size": size})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    return len(queries)


def test_list_endpoints_take_the_same_queries_at_two_page_sizes(client_for, personas, private_root):
    tfadmin, detective, supervisor = personas["tfadmin"], personas["detective"], personas["supervisor"]
    start = datetime(2026, 1, 1, 9, tzinfo=ZONE)
    for index in range(12):
        meeting = services.meeting_create(
            actor=tfadmin,
            host_agency=tfadmin.agency,
            title=f"M{index}",
            starts_at=start + timedelta(days=index),
            ends_at=start + timedelta(days=index, hours=1),
        )
        services.meeting_attendance_set(
            meeting=meeting, actor=tfadmin, people=[detective], agency_guests={detective.agency: 2}
        )
        services.training_create(
            actor=detective,
            delivered_by=detective.agency,
            title=f"T{index}",
            held_on=date(2026, 1, 1),
            hours=Decimal(1),
            topic="sex",
            audiences={"law_enforcement": 3, "health": 1},
        )
        services.outreach_create(
            actor=detective,
            delivered_by=detective.agency,
            kind="presentation",
            title=f"O{index}",
            held_on=date(2026, 1, 1),
        )
        services.mou_create(actor=tfadmin, title=f"MOU{index}", parties=[detective.agency, supervisor.agency])
        services.volunteer_create(actor=supervisor, agency=supervisor.agency, first_name=f"V{index}")
    for username, url in [
        ("detective", "/api/v1/meetings/"),
        ("detective", "/api/v1/trainings/"),
        ("detective", "/api/v1/outreach/"),
        ("detective", "/api/v1/mous/"),
        ("supervisor", "/api/v1/volunteers/"),
    ]:
        client = client_for(username)
        assert _queries(client, url, 2) == _queries(client, url, 10), url


def test_calendar_pages_exports_and_ics(client_for, personas):
    tfadmin = personas["tfadmin"]
    meeting = services.meeting_create(
        actor=tfadmin,
        host_agency=tfadmin.agency,
        title="=Quarterly; meeting",
        starts_at=datetime(2026, 3, 5, 10, tzinfo=ZONE),
        ends_at=datetime(2026, 3, 5, 12, tzinfo=ZONE),
        location="Room 4",
    )
    services.training_create(
        actor=tfadmin,
        delivered_by=tfadmin.agency,
        title="Indicators",
        held_on=date(2026, 3, 10),
        hours=Decimal(2),
        topic="both",
        audiences={"health": 7},
    )
    client = client_for("detective")
    month = client.get("/calendar/", {"month": "2026-03"}).content.decode()
    assert "=Quarterly; meeting" in month
    assert "Indicators" in month
    assert "Indicators" in client.get("/calendar/", {"month": "2026-03", "view": "list"}).content.decode()
    ics = client.get(f"/meetings/{meeting.pk}/meeting.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert "DTSTART:20260305T180000Z" in ics.content.decode()
    assert "SUMMARY:=Quarterly\\; meeting" in ics.content.decode()
    sheet = client.get(f"/meetings/{meeting.pk}/sheet/").content.decode()
    assert "Dana Ortiz" in sheet
    attendance = client.get("/meetings/attendance.csv").content.decode()
    assert "'=Quarterly; meeting" in attendance  # a formula-looking title is quoted
    totals = client.get("/trainings/totals.csv").content.decode().splitlines()
    assert totals[1].startswith("FY2026 Q2,1,2.0,7,")
    for url in ("/trainings/", "/outreach/", "/partners/"):
        assert client.get(url).status_code == 200, url
    # A detective may not change the office's meeting nor record its attendance
    assert client.get(f"/meetings/{meeting.pk}/attendance/").status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/", {"minutes": "x"}).status_code == 403
    # The roster is for coordinators and volunteers
    assert client.get("/volunteers/").status_code == 403
    assert client_for("supervisor").get("/volunteers/").status_code == 200


def test_agency_admins_see_and_update_their_members_onboarding(personas, client_for):
    from datetime import date

    from partners import services as partner_services
    from partners.operations.models import MemberOnboarding

    admin = partner_services.user_create(
        actor=personas["tfadmin"],
        agency=personas["advocate"].agency,
        username="sh-admin",
        email="admin@safe-harbor.example.org",
        roles=["agency_admin"],
    )
    from django.test import Client

    from conftest import sign_in_verified

    client = sign_in_verified(Client(), admin)
    page = client.get("/people/onboarding/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="onboarding-advocate"' in html
    assert 'data-testid="onboarding-detective"' not in html  # another agency's member

    advocate = personas["advocate"]
    response = client.post(
        "/people/onboarding/", {"person": advocate.pk, f"p{advocate.pk}-orientation_on": "2026-11-02"}
    )
    assert response.status_code == 302
    assert MemberOnboarding.objects.get(user=advocate).orientation_on == date(2026, 11, 2)
    # another agency's member cannot be changed through the form
    detective = personas["detective"]
    assert client.post("/people/onboarding/", {"person": detective.pk}).status_code == 403
    assert client_for("advocate").get("/people/onboarding/").status_code == 403
