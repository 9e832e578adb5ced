"""The rest of "running the task force": editing volunteers and MOUs, committees outside the admin,
and the signed MOU document through the API. Who may (200/302), who sees but may not (403), and who
does not see at all (404); edits that change the record, and bad input that changes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.models import MOU, Agency, Committee, Volunteer
from partners.operations import forms as operations_forms
from partners.operations import services
from partners.operations.models import MOUStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_root(settings, tmp_path):
    settings.TASKFORCE_PRIVATE_ROOT = tmp_path / "private"
    return settings.TASKFORCE_PRIVATE_ROOT


def _error_on(html: str, field: str) -> bool:
    """The field's error is shown and linked to its input (aria-describedby)."""
    described = re.search(rf'aria-describedby="[^"]*\bid_{field}-error\b', html)
    return f'id="id_{field}-error"' in html and described is not None


# --- Volunteers ---------------------------------------------------------------------------
@pytest.fixture
def casey(personas):
    """Safe Harbor's volunteer, with an account (the "volunteer" persona)."""
    return services.volunteer_create(
        actor=personas["supervisor"],
        agency=personas["supervisor"].agency,
        first_name="Casey",
        last_name="Lopez",
        email="casey@example.org",
        user=personas["volunteer"],
        skills=["Hotline"],
        languages=["en"],
    )


def _volunteer_post(**changes):
    data = {
        "first_name": "Casey",
        "last_name": "Lopez",
        "email": "casey@example.org",
        "phone": "",
        "skills": "Hotline",
        "languages": "en",
        "orientation_on": "",
        "confidentiality_signed_on": "",
        "training_completed_on": "",
        "ride_along_on": "",
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("username", ["supervisor", "tfadmin"])
def test_a_coordinator_or_the_administrator_edits_a_volunteer_from_the_roster(client_for, casey, username):
    client = client_for(username)
    assert f"/volunteers/{casey.pk}/edit/".encode() in client.get("/volunteers/").content
    page = client.get(f"/volunteers/{casey.pk}/edit/")
    assert page.status_code == 200
    assert b'value="Casey"' in page.content
    assert b'value="Hotline"' in page.content

    response = client.post(
        f"/volunteers/{casey.pk}/edit/",
        _volunteer_post(
            phone="555-0150",
            skills="Hotline, Spanish interpreting, Hotline,",
            languages="en, es",
            law_enforcement="on",
            orientation_on="2026-01-10",
            confidentiality_signed_on="2026-01-10",
            training_completed_on="2026-02-01",
            ride_along_on="2026-02-15",
            active=None,  # unticked
        ),
    )

    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.phone == "555-0150"
    assert casey.skills == ["Hotline", "Spanish interpreting"]
    assert casey.languages == ["en", "es"]
    assert casey.law_enforcement
    assert casey.ride_along_on == date(2026, 2, 15)
    assert casey.onboarding_complete
    assert not casey.active
    assert casey.user_id is not None  # the account link is not on the page and stays


def test_the_volunteer_sees_their_record_but_may_not_edit_it(client_for, casey):
    client = client_for("volunteer")
    roster = client.get("/volunteers/")
    assert roster.status_code == 200
    assert f"/volunteers/{casey.pk}/edit/".encode() not in roster.content
    assert client.get(f"/volunteers/{casey.pk}/edit/").status_code == 403
    assert client.post(f"/volunteers/{casey.pk}/edit/", _volunteer_post(first_name="Changed")).status_code == 403
    casey.refresh_from_db()
    assert casey.first_name == "Casey"


@pytest.mark.parametrize("username", ["advocate", "detective", "analyst", "auditor"])
def test_others_do_not_see_the_volunteer(client_for, casey, username):
    client = client_for(username)
    assert client.get(f"/volunteers/{casey.pk}/edit/").status_code == 404
    assert client.post(f"/volunteers/{casey.pk}/edit/", _volunteer_post(first_name="Changed")).status_code == 404
    casey.refresh_from_db()
    assert casey.first_name == "Casey"


def test_a_coordinator_does_not_see_another_agencys_volunteer(client_for, personas):
    other = services.volunteer_create(actor=personas["tfadmin"], agency=personas["detective"].agency, first_name="Jo")
    assert client_for("supervisor").get(f"/volunteers/{other.pk}/edit/").status_code == 404
    assert client_for("tfadmin").get(f"/volunteers/{other.pk}/edit/").status_code == 200


def test_an_invalid_volunteer_edit_changes_nothing_and_says_why_on_the_field(client_for, casey):
    response = client_for("supervisor").post(
        f"/volunteers/{casey.pk}/edit/",
        _volunteer_post(first_name="Cas", email="not an email", languages="en, " + "x" * 21),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert _error_on(html, "email")
    assert _error_on(html, "languages")
    casey.refresh_from_db()
    assert (casey.first_name, casey.email, casey.languages) == ("Casey", "casey@example.org", ["en"])


def test_the_volunteer_edit_matches_the_api_rule(client_for, casey):
    """The page and PATCH /api/v1/volunteers/{id}/ refuse and allow the same people."""
    for username, expected in [("supervisor", 200), ("tfadmin", 200), ("volunteer", 403), ("advocate", 404)]:
        client = client_for(username)
        api = client.patch(f"/api/v1/volunteers/{casey.pk}/", {"phone": "1"}, content_type="application/json")
        page = client.get(f"/volunteers/{casey.pk}/edit/")
        assert (api.status_code, page.status_code) == (expected, expected), username


# --- New volunteer ------------------------------------------------------------------------
def test_a_coordinator_adds_a_volunteer_of_their_agency_on_its_own_page(client_for, personas):
    client = client_for("supervisor")
    assert b"/volunteers/new/" in client.get("/volunteers/").content
    page = client.get("/volunteers/new/")
    assert page.status_code == 200
    assert b'name="agency"' not in page.content  # only their own agency
    assert b'name="active"' not in page.content
    response = client.post("/volunteers/new/", _volunteer_post(first_name="Robin", skills="Driving", active=None))
    assert response.status_code == 302
    robin = Volunteer.objects.get(first_name="Robin")
    assert (robin.agency, robin.skills, robin.active) == (personas["supervisor"].agency, ["Driving"], True)


def test_the_administrator_chooses_the_new_volunteers_agency(client_for, personas):
    client = client_for("tfadmin")
    page = client.get("/volunteers/new/")
    assert b'name="agency"' in page.content
    bayview = personas["detective"].agency
    assert client.post("/volunteers/new/", _volunteer_post(first_name="Jo", agency=bayview.pk)).status_code == 302
    assert Volunteer.objects.get(first_name="Jo").agency == bayview


@pytest.mark.parametrize("username", ["advocate", "volunteer", "detective", "analyst"])
def test_others_cannot_add_a_volunteer(client_for, username):
    client = client_for(username)
    assert client.get("/volunteers/new/").status_code == 403
    assert client.post("/volunteers/new/", _volunteer_post(first_name="Jo")).status_code == 403
    assert not Volunteer.objects.exists()


def test_a_coordinator_cannot_add_to_another_agency(client_for, personas):
    other = personas["detective"].agency
    response = client_for("supervisor").post("/volunteers/new/", _volunteer_post(first_name="Jo", agency=other.pk))
    assert response.status_code == 302  # the agency field is not theirs to send: it is ignored
    assert Volunteer.objects.get(first_name="Jo").agency == personas["supervisor"].agency


def test_an_invalid_new_volunteer_is_not_added(client_for):
    response = client_for("supervisor").post("/volunteers/new/", _volunteer_post(first_name=""))
    assert response.status_code == 400
    assert _error_on(response.content.decode(), "first_name")
    assert not Volunteer.objects.exists()


# --- MOUs -----------------------------------------------------------------------------------
@pytest.fixture
def active_mou(personas):
    tfadmin = personas["tfadmin"]
    mou = services.mou_create(
        actor=tfadmin,
        title="Bayview PD and Safe Harbor protocol",
        parties=[personas["detective"].agency, personas["advocate"].agency],
        signed_on=date(2026, 1, 5),
        effective_from=date(2026, 1, 5),
        expires_on=timezone.localdate() + timedelta(days=20),
    )
    services.mou_transition(mou=mou, actor=tfadmin, status=MOUStatus.IN_SIGNATURE)
    return services.mou_transition(mou=mou, actor=tfadmin, status=MOUStatus.ACTIVE)


@pytest.fixture
def expired_mou(active_mou):
    lapsed = timezone.localdate() - timedelta(days=3)
    services.mou_update(mou=active_mou, actor=None, expires_on=lapsed)
    return services.mou_transition(mou=active_mou, actor=None, status=MOUStatus.EXPIRED)


def _mou_post(mou: MOU, **changes):
    data = {
        "title": mou.title,
        "purpose": mou.purpose,
        "parties": [party.pk for party in mou.parties.all()],
        "signed_on": mou.signed_on.isoformat() if mou.signed_on else "",
        "effective_from": mou.effective_from.isoformat() if mou.effective_from else "",
        "expires_on": mou.expires_on.isoformat() if mou.expires_on else "",
        "renewal_notes": mou.renewal_notes,
    }
    data.update(changes)
    return data


def test_the_administrator_edits_and_renews_an_mou_from_the_partners_page(client_for, personas, active_mou):
    client = client_for("tfadmin")
    assert f"/mous/{active_mou.pk}/edit/".encode() in client.get("/partners/").content
    page = client.get(f"/mous/{active_mou.pk}/edit/")
    assert page.status_code == 200
    assert b'value="Bayview PD and Safe Harbor protocol"' in page.content
    assert b'name="reactivate"' not in page.content  # only an expired MOU is made active again

    renewed_to = date(2029, 1, 31)
    county_da = Agency.objects.get(slug="county-da")
    response = client.post(
        f"/mous/{active_mou.pk}/edit/",
        _mou_post(
            active_mou,
            title="Bayview PD, Safe Harbor and DA protocol",
            parties=[personas["detective"].agency.pk, personas["advocate"].agency.pk, county_da.pk],
            expires_on=renewed_to.isoformat(),
            renewal_notes="Renewed for three years.",
        ),
    )

    assert response.status_code == 302
    active_mou.refresh_from_db()
    assert active_mou.title == "Bayview PD, Safe Harbor and DA protocol"
    assert active_mou.expires_on == renewed_to
    assert active_mou.renewal_notes == "Renewed for three years."
    assert active_mou.status == MOUStatus.ACTIVE
    assert county_da in active_mou.parties.all()


def test_an_expired_mou_is_renewed_and_made_active_again(client_for, expired_mou):
    client = client_for("tfadmin")
    page = client.get(f"/mous/{expired_mou.pk}/edit/")
    assert b'name="reactivate"' in page.content
    new_expiry = timezone.localdate() + timedelta(days=365)
    response = client.post(
        f"/mous/{expired_mou.pk}/edit/", _mou_post(expired_mou, expires_on=new_expiry.isoformat(), reactivate="on")
    )
    assert response.status_code == 302
    expired_mou.refresh_from_db()
    assert (expired_mou.status, expired_mou.expires_on) == (MOUStatus.ACTIVE, new_expiry)


def test_a_renewal_without_a_future_expiry_is_refused_by_the_transition_rule(client_for, expired_mou):
    lapsed = expired_mou.expires_on
    still_past = timezone.localdate() - timedelta(days=1)
    response = client_for("tfadmin").post(
        f"/mous/{expired_mou.pk}/edit/",
        _mou_post(expired_mou, expires_on=still_past.isoformat(), renewal_notes="x", reactivate="on"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert _error_on(html, "expires_on")
    assert "An active MOU needs an expiry date in the future." in html
    expired_mou.refresh_from_db()  # the update and the transition roll back together
    assert (expired_mou.status, expired_mou.expires_on, expired_mou.renewal_notes) == (MOUStatus.EXPIRED, lapsed, "")


def test_an_invalid_mou_edit_changes_nothing_and_says_why_on_the_field(client_for, personas, active_mou):
    expires = active_mou.expires_on
    client = client_for("tfadmin")
    response = client.post(
        f"/mous/{active_mou.pk}/edit/", _mou_post(active_mou, title="Changed", expires_on="2025-12-31")
    )
    assert response.status_code == 400
    assert _error_on(response.content.decode(), "expires_on")
    one_party = client.post(
        f"/mous/{active_mou.pk}/edit/", _mou_post(active_mou, title="Changed", parties=[personas["advocate"].agency.pk])
    )
    assert one_party.status_code == 400
    assert 'id="id_parties-error"' in one_party.content.decode()
    active_mou.refresh_from_db()
    assert (active_mou.title, active_mou.expires_on, active_mou.parties.count()) == (
        "Bayview PD and Safe Harbor protocol",
        expires,
        2,
    )


@pytest.mark.parametrize("username", ["detective", "advocate", "supervisor", "analyst", "auditor"])
def test_others_cannot_edit_an_mou(client_for, active_mou, username):
    client = client_for(username)
    assert f"/mous/{active_mou.pk}/edit/".encode() not in client.get("/partners/").content
    assert client.get(f"/mous/{active_mou.pk}/edit/").status_code == 403
    assert client.post(f"/mous/{active_mou.pk}/edit/", _mou_post(active_mou, title="Changed")).status_code == 403
    # The API refuses them the same way
    api = client.patch(f"/api/v1/mous/{active_mou.pk}/", {"title": "Changed"}, content_type="application/json")
    assert api.status_code == 403
    active_mou.refresh_from_db()
    assert active_mou.title == "Bayview PD and Safe Harbor protocol"


def test_an_unknown_mou_is_not_found(client_for):
    assert client_for("tfadmin").get("/mous/999999/edit/").status_code == 404
    assert client_for("detective").get("/mous/999999/edit/").status_code == 404


# --- Committees -----------------------------------------------------------------------------
@pytest.fixture
def core_group(personas):
    return services.committee_create(
        actor=personas["tfadmin"],
        name="Core group",
        kind="core_group",
        members=[personas["detective"], personas["advocate"]],
        chair=personas["prosecutor"],
    )


@pytest.mark.parametrize("username", ["tfadmin", "detective", "advocate2", "analyst", "auditor", "volunteer"])
def test_every_member_reads_the_committees(client_for, core_group, username):
    client = client_for(username)
    page = client.get("/committees/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/committees/"' in html  # in the task force navigation
    assert "Core group" in html
    assert "Morgan Hale" in html  # the chair
    assert "Dana Ortiz" in html  # a member
    assert ("/committees/new/" in html) == (username == "tfadmin")
    assert (f"/committees/{core_group.pk}/edit/" in html) == (username == "tfadmin")


def _committee_post(**changes):
    data = {"name": "Labor trafficking working group", "kind": "other", "chair": "", "members": []}
    data.update(changes)
    return data


def test_the_administrator_adds_a_committee(client_for, personas):
    client = client_for("tfadmin")
    assert client.get("/committees/new/").status_code == 200
    response = client.post(
        "/committees/new/",
        _committee_post(chair=personas["advocate2"].pk, members=[personas["agent"].pk]),
    )
    assert response.status_code == 302
    committee = Committee.objects.get(name="Labor trafficking working group")
    assert committee.active
    assert committee.chair == personas["advocate2"]
    assert set(committee.members.all()) == {personas["agent"], personas["advocate2"]}  # the chair is a member


def test_the_administrator_edits_a_committee(client_for, personas, core_group):
    client = client_for("tfadmin")
    page = client.get(f"/committees/{core_group.pk}/edit/")
    assert page.status_code == 200
    assert b'value="Core group"' in page.content
    response = client.post(
        f"/committees/{core_group.pk}/edit/",
        _committee_post(
            name="Core group (2027)",
            kind="core_group",
            chair=personas["tfadmin"].pk,
            members=[personas["detective"].pk],
            active="",
        ),
    )
    assert response.status_code == 302
    core_group.refresh_from_db()
    assert (core_group.name, core_group.chair, core_group.active) == ("Core group (2027)", personas["tfadmin"], False)
    assert set(core_group.members.all()) == {personas["detective"], personas["tfadmin"]}


@pytest.mark.parametrize("username", ["detective", "supervisor", "analyst", "volunteer"])
def test_others_cannot_add_or_edit_committees(client_for, core_group, username):
    client = client_for(username)
    assert client.get("/committees/new/").status_code == 403
    assert client.post("/committees/new/", _committee_post()).status_code == 403
    assert client.get(f"/committees/{core_group.pk}/edit/").status_code == 403
    assert client.post(f"/committees/{core_group.pk}/edit/", _committee_post(name="Changed")).status_code == 403
    assert list(Committee.objects.values_list("name", flat=True)) == ["Core group"]


def test_an_unknown_committee_is_not_found(client_for):
    assert client_for("tfadmin").get("/committees/999999/edit/").status_code == 404


def test_an_invalid_committee_changes_nothing_and_says_why_on_the_field(client_for, personas, core_group):
    client = client_for("tfadmin")
    Committee.objects.create(name="Victim services committee", kind="victim_services")
    duplicate = client.post(
        f"/committees/{core_group.pk}/edit/", _committee_post(name="Victim services committee", kind="core_group")
    )
    assert duplicate.status_code == 400
    assert _error_on(duplicate.content.decode(), "name")
    unknown_kind = client.post("/committees/new/", _committee_post(kind="secret"))
    assert unknown_kind.status_code == 400
    assert _error_on(unknown_kind.content.decode(), "kind")
    core_group.refresh_from_db()
    assert core_group.name == "Core group"
    assert core_group.members.count() == 3
    assert Committee.objects.count() == 2


# --- The signed MOU document through the API ----------------------------------------------
def _pdf(content: bytes = b"%PDF-1.4 signed by both parties", name: str = "Signed MOU.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_administrator_uploads_the_document_and_the_parties_download_it(client_for, active_mou, private_root):
    url = f"/api/v1/mous/{active_mou.pk}/document/"
    upload = client_for("tfadmin").post(url, {"document": _pdf()})
    assert upload.status_code == 200, upload.content
    assert upload.json()["has_document"] is True
    assert upload.json()["document_url"] == f"/mous/{active_mou.pk}/document/"
    active_mou.refresh_from_db()
    assert active_mou.document.name == f"mous/{active_mou.pk}/signed.pdf"  # not the uploaded file's name

    for username in ("tfadmin", "detective", "supervisor"):
        download = client_for(username).get(url)
        assert download.status_code == 200, username
        assert b"".join(download.streaming_content) == b"%PDF-1.4 signed by both parties"
        assert download["Content-Type"] == "application/pdf"
        assert download["Cache-Control"] == "private, no-store"
    # A member of no party sees the MOU but not its document
    for username in ("detective2", "advocate2", "prosecutor"):
        client = client_for(username)
        assert client.get(f"/api/v1/mous/{active_mou.pk}/").json()["has_document"] is True
        assert client.get(url).status_code == 404, username
        assert client.get(f"/mous/{active_mou.pk}/document/").status_code == 404, username


def test_a_new_upload_replaces_the_document(client_for, active_mou, private_root):
    services.mou_document_set(mou=active_mou, actor=None, document=ContentFile(b"%PDF-1.4 old", name="old.pdf"))
    client = client_for("tfadmin")
    url = f"/api/v1/mous/{active_mou.pk}/document/"
    assert client.post(url, {"document": _pdf(b"%PDF-1.4 new")}).status_code == 200
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 new"


@pytest.mark.parametrize("username", ["detective", "supervisor", "advocate", "analyst", "detective2"])
def test_only_whoever_manages_mous_uploads_a_document(client_for, active_mou, private_root, username):
    client = client_for(username)
    url = f"/api/v1/mous/{active_mou.pk}/document/"
    assert client.post(url, {"document": _pdf()}).status_code == 403
    assert client.post(url, {"document": _pdf(name="notes.txt")}).status_code == 403  # refused before validation
    assert client.post("/api/v1/mous/999999/document/", {"document": _pdf()}).status_code == 404
    active_mou.refresh_from_db()
    assert not active_mou.document


def test_an_unknown_mou_has_no_document_to_upload_to(client_for, private_root):
    response = client_for("tfadmin").post("/api/v1/mous/999999/document/", {"document": _pdf()})
    assert response.status_code == 404


def test_the_api_upload_refuses_what_the_browser_upload_refuses(client_for, active_mou, private_root, monkeypatch):
    client = client_for("tfadmin")
    url = f"/api/v1/mous/{active_mou.pk}/document/"
    not_pdf = client.post(url, {"document": _pdf(name="scan.docx")})
    assert not_pdf.status_code == 400
    assert not_pdf.json()["document"] == ["Upload the signed MOU as a PDF."]
    assert client.post(url, {"document": _pdf(b"")}).status_code == 400  # empty
    assert client.post(url, {}).status_code == 400  # missing
    json_body = client.post(url, {"document": "x"}, content_type="application/json")
    assert json_body.status_code == 415
    monkeypatch.setattr(operations_forms, "MOU_DOCUMENT_MAX_BYTES", 10)
    too_large = client.post(url, {"document": _pdf(b"%PDF-1.4 more than ten bytes")})
    assert too_large.status_code == 400
    assert too_large.json()["document"] == ["The file is larger than 20 MB."]
    active_mou.refresh_from_db()
    assert not active_mou.document


# --- Funding award: one of the task force's awards (listed by the reporting app) ----------
@pytest.fixture
def award(personas):
    from datetime import date as day

    from reporting.models import Award

    return Award.objects.create(
        funder="ovc",
        program="HT services",
        award_number="15POVC-25-GG-00777",
        recipient=personas["advocate"].agency,
        starts_on=day(2025, 10, 1),
        ends_on=day(2028, 9, 30),
        reports=["ovc_ht"],
    )


def test_the_training_form_offers_the_task_force_awards(award, client_for):
    html = client_for("advocate").get("/trainings/new/").content.decode()

    assert '<option value="15POVC-25-GG-00777">15POVC-25-GG-00777 (Safe Harbor' in html


def test_a_training_naming_an_unknown_award_is_refused_and_nothing_is_saved(award, client_for):
    from partners.models import TrainingEvent

    response = client_for("advocate").post(
        "/api/v1/trainings/",
        {"title": "T", "held_on": "2026-03-01", "hours": "2", "topic": "sex", "funding_award": "NOT-AN-AWARD"},
        content_type="application/json",
    )
    accepted = client_for("advocate").post(
        "/api/v1/trainings/",
        {"title": "T", "held_on": "2026-03-01", "hours": "2", "topic": "sex", "funding_award": award.award_number},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "funding_award" in response.json()
    assert accepted.status_code == 201, accepted.content
    assert list(TrainingEvent.objects.values_list("funding_award", flat=True)) == [award.award_number]
