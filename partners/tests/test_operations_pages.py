"""Browser pages that close issue 5's gaps: volunteer shifts, editing trainings and outreach, MOUs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from partners.models import MOU, OutreachEvent, TrainingEvent, VolunteerShift
from partners.operations import services
from partners.operations.models import MOUStatus

pytestmark = pytest.mark.django_db


# --- Volunteer shifts -----------------------------------------------------------------
@pytest.fixture
def casey(personas):
    return services.volunteer_create(
        actor=personas["supervisor"],
        agency=personas["supervisor"].agency,
        first_name="Casey",
        last_name="Lopez",
        user=personas["volunteer"],
    )


SHIFT = {"worked_on": "2026-03-02", "hours": "3.5", "activity": "Hotline"}


@pytest.mark.parametrize("username", ["supervisor", "volunteer", "tfadmin"])
def test_a_coordinator_the_volunteer_or_the_administrator_records_a_shift(client_for, casey, username):
    client = client_for(username)
    roster = client.get("/volunteers/")
    assert f"/volunteers/{casey.pk}/shifts/new/".encode() in roster.content
    assert client.get(f"/volunteers/{casey.pk}/shifts/new/").status_code == 200
    response = client.post(f"/volunteers/{casey.pk}/shifts/new/", SHIFT)
    assert response.status_code == 302
    shift = VolunteerShift.objects.get(volunteer=casey)
    assert (shift.worked_on, shift.hours, shift.activity) == (date(2026, 3, 2), Decimal("3.5"), "Hotline")


@pytest.mark.parametrize("username", ["advocate", "detective", "analyst"])
def test_others_cannot_record_a_shift(client_for, casey, username):
    client = client_for(username)
    assert client.get(f"/volunteers/{casey.pk}/shifts/new/").status_code == 404
    assert client.post(f"/volunteers/{casey.pk}/shifts/new/", SHIFT).status_code == 404
    assert not VolunteerShift.objects.exists()


def test_an_invalid_shift_is_refused_and_nothing_is_recorded(client_for, casey):
    response = client_for("supervisor").post(
        f"/volunteers/{casey.pk}/shifts/new/", {"worked_on": "not a date", "hours": "-1", "activity": ""}
    )
    assert response.status_code == 400
    assert b"text-danger" in response.content
    assert not VolunteerShift.objects.exists()


# --- Editing trainings and outreach -----------------------------------------------------
@pytest.fixture
def training(personas):
    return services.training_create(
        actor=personas["detective"],
        delivered_by=personas["detective"].agency,
        title="Indicators for patrol",
        held_on=date(2026, 2, 10),
        hours=Decimal(2),
        topic="sex",
        audiences={"law_enforcement": 12},
    )


@pytest.fixture
def outreach_event(personas):
    return services.outreach_create(
        actor=personas["detective"],
        delivered_by=personas["detective"].agency,
        kind="presentation",
        title="School assembly",
        people_reached=150,
        held_on=date(2026, 2, 11),
    )


def _training_post(**changes):
    data = {
        "title": "Indicators for patrol",
        "held_on": "2026-02-10",
        "hours": "2",
        "topic": "sex",
        "presenters": "",
        "location": "",
        "materials": "",
        "funding_award": "",
        "audience_law_enforcement": "12",
    }
    data.update(changes)
    return data


def test_an_editor_of_the_delivering_agency_edits_a_training_from_the_log(client_for, training):
    client = client_for("detective")
    assert f"/trainings/{training.pk}/edit/".encode() in client.get("/trainings/").content
    page = client.get(f"/trainings/{training.pk}/edit/")
    assert page.status_code == 200
    assert b'value="Indicators for patrol"' in page.content
    assert b'value="12"' in page.content
    response = client.post(
        f"/trainings/{training.pk}/edit/",
        _training_post(title="Indicators for patrol (refresher)", audience_law_enforcement="15", audience_health="3"),
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.title == "Indicators for patrol (refresher)"
    assert {a.discipline: a.attendees for a in training.audiences.all()} == {"law_enforcement": 15, "health": 3}


@pytest.mark.parametrize("username", ["advocate", "analyst", "volunteer"])
def test_others_cannot_edit_the_training(client_for, training, username):
    client = client_for(username)
    assert f"/trainings/{training.pk}/edit/".encode() not in client.get("/trainings/").content
    assert client.get(f"/trainings/{training.pk}/edit/").status_code == 403
    assert client.post(f"/trainings/{training.pk}/edit/", _training_post(title="Changed")).status_code == 403
    training.refresh_from_db()
    assert training.title == "Indicators for patrol"


def test_an_invalid_training_edit_changes_nothing(client_for, training):
    response = client_for("tfadmin").post(f"/trainings/{training.pk}/edit/", _training_post(title="", hours="-2"))
    assert response.status_code == 400
    training.refresh_from_db()
    assert (training.title, training.hours) == ("Indicators for patrol", Decimal(2))


def _outreach_post(**changes):
    data = {
        "kind": "presentation",
        "title": "School assembly",
        "audience": "",
        "people_reached": "150",
        "held_on": "2026-02-11",
        "notes": "",
    }
    data.update(changes)
    return data


def test_an_editor_edits_outreach_from_the_log(client_for, outreach_event):
    client = client_for("tfadmin")
    assert f"/outreach/{outreach_event.pk}/edit/".encode() in client.get("/outreach/").content
    page = client.get(f"/outreach/{outreach_event.pk}/edit/")
    assert page.status_code == 200
    assert b'value="School assembly"' in page.content
    assert client.post(f"/outreach/{outreach_event.pk}/edit/", _outreach_post(people_reached="180")).status_code == 302
    outreach_event.refresh_from_db()
    assert outreach_event.people_reached == 180


@pytest.mark.parametrize("username", ["advocate", "auditor"])
def test_others_cannot_edit_the_outreach(client_for, outreach_event, username):
    client = client_for(username)
    assert client.get(f"/outreach/{outreach_event.pk}/edit/").status_code == 403
    assert client.post(f"/outreach/{outreach_event.pk}/edit/", _outreach_post(title="Changed")).status_code == 403
    assert OutreachEvent.objects.get(pk=outreach_event.pk).title == "School assembly"


def test_an_invalid_outreach_edit_changes_nothing(client_for, outreach_event):
    response = client_for("detective").post(
        f"/outreach/{outreach_event.pk}/edit/", _outreach_post(kind="rumour", people_reached="-5")
    )
    assert response.status_code == 400
    assert OutreachEvent.objects.get(pk=outreach_event.pk).people_reached == 150


def test_an_unknown_event_is_not_found(client_for):
    assert client_for("tfadmin").get("/trainings/999999/edit/").status_code == 404
    assert not TrainingEvent.objects.filter(pk=999999).exists()


# --- MOUs -----------------------------------------------------------------------------
def _mou_post(personas, **changes):
    data = {
        "title": "Shared victim services protocol",
        "purpose": "Referrals between the parties",
        "parties": [personas["detective"].agency.pk, personas["advocate"].agency.pk],
        "signed_on": "",
        "effective_from": "2026-04-01",
        "expires_on": "2099-04-01",
        "renewal_notes": "",
    }
    data.update(changes)
    return data


def test_the_taskforce_admin_records_an_mou(client_for, personas):
    client = client_for("tfadmin")
    assert b"/mous/new/" in client.get("/partners/").content
    assert client.get("/mous/new/").status_code == 200
    assert client.post("/mous/new/", _mou_post(personas)).status_code == 302
    mou = MOU.objects.get(title="Shared victim services protocol")
    assert mou.status == MOUStatus.DRAFT
    assert set(mou.parties.all()) == {personas["detective"].agency, personas["advocate"].agency}


@pytest.mark.parametrize("username", ["supervisor", "detective", "analyst"])
def test_others_cannot_record_an_mou(client_for, personas, username):
    client = client_for(username)
    assert b"/mous/new/" not in client.get("/partners/").content
    assert client.get("/mous/new/").status_code == 403
    assert client.post("/mous/new/", _mou_post(personas)).status_code == 403
    assert not MOU.objects.exists()


def test_an_mou_needs_two_parties(client_for, personas):
    response = client_for("tfadmin").post("/mous/new/", _mou_post(personas, parties=[personas["advocate"].agency.pk]))
    assert response.status_code == 400
    assert not MOU.objects.exists()


@pytest.fixture
def draft_mou(personas):
    return services.mou_create(
        actor=personas["tfadmin"],
        title="Draft protocol",
        parties=[personas["detective"].agency, personas["advocate"].agency],
        signed_on=date(2026, 1, 5),
        expires_on=date(2099, 1, 5),
    )


def test_the_admin_sees_only_the_legal_next_states_and_moves_the_mou(client_for, draft_mou):
    client = client_for("tfadmin")
    page = client.get("/partners/").content.decode()
    assert f'action="/mous/{draft_mou.pk}/status/"' in page
    assert 'value="in_signature"' in page
    assert 'value="terminated"' in page
    assert 'name="status" value="active"' not in page
    assert 'name="status" value="expired"' not in page
    assert (
        client.post(f"/mous/{draft_mou.pk}/status/", {"mou": draft_mou.pk, "status": "in_signature"}).status_code == 302
    )
    assert client.post(f"/mous/{draft_mou.pk}/status/", {"mou": draft_mou.pk, "status": "active"}).status_code == 302
    draft_mou.refresh_from_db()
    assert draft_mou.status == MOUStatus.ACTIVE
    page = client.get("/partners/").content.decode()
    assert 'name="status" value="expired"' in page
    assert 'name="status" value="draft"' not in page


def test_an_illegal_transition_changes_nothing(client_for, draft_mou):
    response = client_for("tfadmin").post(f"/mous/{draft_mou.pk}/status/", {"mou": draft_mou.pk, "status": "active"})
    assert response.status_code == 400
    assert b"mou-status-errors" in response.content
    draft_mou.refresh_from_db()
    assert draft_mou.status == MOUStatus.DRAFT


@pytest.mark.parametrize("username", ["detective", "advocate", "supervisor"])
def test_others_cannot_move_an_mou(client_for, draft_mou, username):
    client = client_for(username)
    assert f"/mous/{draft_mou.pk}/status/".encode() not in client.get("/partners/").content
    response = client.post(f"/mous/{draft_mou.pk}/status/", {"mou": draft_mou.pk, "status": "in_signature"})
    assert response.status_code == 403
    draft_mou.refresh_from_db()
    assert draft_mou.status == MOUStatus.DRAFT
