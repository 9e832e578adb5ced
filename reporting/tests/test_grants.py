"""Awards, time and effort, expenditures: the rules of the services and who may see and do what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from conftest import sign_in_verified
from partners import services as partner_services
from partners.models import Agency, User
from partners.roles import Role
from reporting import grants
from reporting.models import Activity, Award, Expenditure, TimeEntry

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def _award(personas, *, recipient: Agency | None = None, number: str = "15POVC-25-GG-00001", **overrides):
    fields = {
        "funder": "ovc",
        "program": "Enhanced Collaborative Model",
        "award_number": number,
        "recipient": recipient or personas["advocate"].agency,
        "starts_on": date(2025, 10, 1),
        "ends_on": date(2027, 9, 30),
        "budget": {"personnel": Decimal(10000), "travel": Decimal(2000)},
        "match_required": Decimal(3000),
        "fiscal_year_start_month": 10,
        "cadence": "quarterly",
        "reports": ["ovc_ht"],
        "active": True,
    }
    fields.update(overrides)
    return grants.award_create(actor=personas["tfadmin"], **fields)


@pytest.fixture
def award(personas):
    return _award(personas)


@pytest.fixture
def sh_admin(personas):
    return partner_services.user_create(
        actor=None,
        agency=personas["advocate"].agency,
        username="shadmin",
        email="shadmin@safe-harbor.example.org",
        roles=[Role.AGENCY_ADMIN],
    )


@pytest.fixture
def pd_admin(personas):
    return partner_services.user_create(
        actor=None,
        agency=personas["detective"].agency,
        username="pdadmin",
        email="pdadmin@bayview-pd.example.org",
        roles=[Role.AGENCY_ADMIN],
    )


@pytest.fixture
def client_for(personas):
    """Signed-in clients, also for the agency administrators these tests add to the demo."""

    def make(username: str) -> Client:
        return sign_in_verified(Client(), User.objects.get(username=username))

    return make


def _log(person, award, *, hours="8", day=DAY):
    return grants.time_entry_create(
        actor=person, worked_on=day, hours=Decimal(hours), award=award, activity=Activity.DIRECT_SERVICES
    )


# --- Awards ---------------------------------------------------------------------------------
def test_award_create_stores_the_budget_by_category(award):
    assert award.budget == {"personnel": "10000.00", "travel": "2000.00"}
    assert grants.budget_total(award) == Decimal(12000)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_on": date(2026, 1, 1), "ends_on": date(2025, 12, 31)}, "ends_on"),
        ({"budget": {"personnel": Decimal(-1)}}, "budget"),
        ({"budget": {"yachts": Decimal(1)}}, "budget"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": 0}, "fiscal_year_start_month"),
        ({"reports": ["nonsense"]}, "reports"),
    ],
)
def test_award_create_validation(personas, overrides, field):
    with pytest.raises(ValidationError) as refused:
        _award(personas, **overrides)
    assert field in refused.value.message_dict
    assert not Award.objects.exists()


def test_only_the_taskforce_admin_manages_awards(personas, award):
    for username in ("analyst", "supervisor", "advocate"):
        with pytest.raises(PermissionDenied):
            grants.award_update(award=award, actor=personas[username], program="Changed")


def test_award_pages_create_and_edit(personas, client_for):
    client = client_for("tfadmin")
    form = {
        "funder": "bja",
        "program": "Task force",
        "award_number": "15PBJA-25-GG-00002",
        "recipient": personas["detective"].agency.pk,
        "starts_on": "2025-10-01",
        "ends_on": "2027-09-30",
        "match_required": "0",
        "fiscal_year_start_month": "10",
        "cadence": "semiannual",
        "reports": ["bja_ecm"],
        "active": "on",
        "budget_personnel": "50000",
        "budget_equipment": "2500.50",
    }
    response = client.post("/grants/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    award = Award.objects.get(award_number="15PBJA-25-GG-00002")
    assert award.budget == {"personnel": "50000.00", "equipment": "2500.50"}
    assert award.reports == ["bja_ecm"]

    page = client.get(f"/grants/{award.pk}/edit/").content.decode()
    assert 'value="2500.50"' in page

    response = client.post(f"/grants/{award.pk}/edit/", {**form, "ends_on": "2025-01-01", "budget_travel": "-5"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "id_ends_on-error" in body
    award.refresh_from_db()
    assert award.ends_on == date(2027, 9, 30)


# --- Time and effort -------------------------------------------------------------------------
def test_time_entry_rules(personas, award):
    advocate = personas["advocate"]
    entry = _log(advocate, award, hours="8")
    assert entry.person == advocate

    with pytest.raises(ValidationError) as too_many:
        _log(advocate, award, hours="16.5")  # 24.5 hours on one day
    assert "hours" in too_many.value.message_dict
    _log(advocate, award, hours="16")  # exactly 24 is allowed
    for hours in ("0.1", "24.25"):
        with pytest.raises(ValidationError):
            _log(advocate, award, hours=hours, day=date(2026, 3, 3))
    with pytest.raises(ValidationError) as outside:
        _log(advocate, award, day=date(2025, 9, 30))
    assert "worked_on" in outside.value.message_dict
    # Someone whose agency is not the recipient cannot charge the award.
    with pytest.raises(PermissionDenied):
        _log(personas["detective"], award)


def test_certify_and_approve_rules(personas, award):
    advocate, supervisor = personas["advocate"], personas["supervisor"]
    entry = _log(advocate, award)

    with pytest.raises(PermissionDenied):
        grants.time_entry_certify(entry=entry, actor=supervisor)  # not theirs
    with pytest.raises(ValidationError):
        grants.time_entry_approve(entry=entry, actor=supervisor)  # not certified yet

    grants.time_entry_certify(entry=entry, actor=advocate)
    assert entry.certified_at is not None
    with pytest.raises(ValidationError):
        grants.time_entry_certify(entry=entry, actor=advocate)
    with pytest.raises(ValidationError):
        grants.time_entry_update(entry=entry, actor=advocate, hours=Decimal(2))  # certified: no more edits

    for outsider in ("advocate2", "detective", "volunteer", "advocate"):
        with pytest.raises(PermissionDenied):
            grants.time_entry_approve(entry=entry, actor=personas[outsider])
    grants.time_entry_approve(entry=entry, actor=supervisor)
    entry.refresh_from_db()
    assert entry.approved_by == supervisor
    assert entry.approved_at is not None
    with pytest.raises(ValidationError):
        grants.time_entry_approve(entry=entry, actor=supervisor)


def test_self_approval_is_refused(personas, award):
    supervisor = personas["supervisor"]
    own = _log(supervisor, award)
    grants.time_entry_certify(entry=own, actor=supervisor)
    with pytest.raises(PermissionDenied):
        grants.time_entry_approve(entry=own, actor=supervisor)
    assert own not in grants.time_approval_queue(user=supervisor)


def test_uncertified_entries_can_be_corrected(personas, award):
    advocate = personas["advocate"]
    entry = _log(advocate, award, hours="8")
    _log(advocate, award, hours="10")
    grants.time_entry_update(entry=entry, actor=advocate, hours=Decimal(14))  # 24 with the other one
    with pytest.raises(ValidationError):
        grants.time_entry_update(entry=entry, actor=advocate, hours=Decimal("14.25"))
    with pytest.raises(PermissionDenied):
        grants.time_entry_update(entry=entry, actor=personas["supervisor"], hours=Decimal(1))


def test_time_pages_log_certify_and_approve(personas, award, client_for):
    advocate_client = client_for("advocate")
    response = advocate_client.post(
        "/grants/time/",
        {"worked_on": "2026-03-02", "hours": "7.5", "award": award.pk, "activity": "direct_services", "note": "intake"},
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get(person=personas["advocate"])
    assert entry.hours == Decimal("7.5")

    too_much = advocate_client.post(
        "/grants/time/", {"worked_on": "2026-03-02", "hours": "17", "award": award.pk, "activity": "training"}
    )
    assert too_much.status_code == 200
    assert "id_hours-error" in too_much.content.decode()
    assert TimeEntry.objects.count() == 1

    assert advocate_client.post(f"/grants/time/{entry.pk}/certify/").status_code == 302
    entry.refresh_from_db()
    assert entry.certified_at is not None
    # A certified entry can no longer be edited, by the page either.
    advocate_client.post(
        f"/grants/time/{entry.pk}/edit/",
        {"worked_on": "2026-03-02", "hours": "1", "award": award.pk, "activity": "training"},
    )
    entry.refresh_from_db()
    assert entry.hours == Decimal("7.5")

    supervisor_client = client_for("supervisor")
    queue = supervisor_client.get("/grants/time/approve/").content.decode()
    assert f'data-entry="{entry.pk}"' in queue
    assert supervisor_client.post(f"/grants/time/{entry.pk}/approve/").status_code == 302
    entry.refresh_from_db()
    assert entry.approved_by == personas["supervisor"]
    # The advocate cannot approve, and the detective's agency does not see the entry.
    assert advocate_client.post(f"/grants/time/{entry.pk}/approve/").status_code == 403
    assert client_for("detective").post(f"/grants/time/{entry.pk}/approve/").status_code == 403


# --- Expenditures ------------------------------------------------------------------------------
def test_expenditure_rules(personas, award, sh_admin, pd_admin):
    fields: dict[str, Any] = {"category": "travel", "amount": Decimal(100), "source": "federal", "state": "paid"}
    with pytest.raises(ValidationError) as outside:
        grants.expenditure_create(actor=sh_admin, award=award, spent_on=date(2027, 10, 1), **fields)
    assert "spent_on" in outside.value.message_dict
    with pytest.raises(ValidationError) as zero:
        grants.expenditure_create(actor=sh_admin, award=award, spent_on=DAY, **{**fields, "amount": Decimal(0)})
    assert "amount" in zero.value.message_dict
    for actor in (pd_admin, personas["analyst"], personas["supervisor"]):
        with pytest.raises(PermissionDenied):
            grants.expenditure_create(actor=actor, award=award, spent_on=DAY, **fields)
    grants.expenditure_create(actor=sh_admin, award=award, spent_on=award.ends_on, **fields)
    grants.expenditure_create(actor=personas["tfadmin"], award=award, spent_on=award.starts_on, **fields)
    assert Expenditure.objects.count() == 2


def test_budget_against_spent_on_the_page(personas, award, sh_admin, client_for):
    def spend(amount: int, source: str, state: str = "paid") -> None:
        grants.expenditure_create(
            actor=sh_admin,
            award=award,
            spent_on=DAY,
            category="personnel",
            amount=Decimal(amount),
            source=source,
            state=state,
        )

    spend(1500, "federal")
    spend(500, "federal", "obligated")
    spend(700, "match")
    other = _award(personas, recipient=personas["detective"].agency, number="OTHER-1")
    grants.expenditure_create(
        actor=personas["tfadmin"],
        award=other,
        spent_on=DAY,
        category="travel",
        amount=Decimal(99),
        source="federal",
        state="paid",
    )

    page = client_for("analyst").get("/grants/").content.decode()
    row = page[page.index(f'data-award="{award.award_number}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-col="budget">12000.00<' in row
    assert 'data-col="federal_spent">2000.00<' in row
    assert 'data-col="federal_remaining">10000.00<' in row
    assert 'data-col="match_spent">700.00<' in row
    assert 'data-col="match_required">3000.00<' in row
    assert 'data-col="obligated">500.00<' in row

    page = client_for("shadmin").get(f"/grants/{award.pk}/expenditures/")
    assert page.status_code == 200
    response = client_for("shadmin").post(
        f"/grants/{award.pk}/expenditures/",
        {"spent_on": "2030-01-01", "category": "travel", "amount": "10", "source": "match", "state": "paid"},
    )
    assert response.status_code == 200
    assert "id_spent_on-error" in response.content.decode()
    assert Expenditure.objects.filter(award=award).count() == 3


# --- Who may -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "status"),
    [("tfadmin", 200), ("analyst", 200), ("shadmin", 200), ("pdadmin", 403), ("advocate", 403), ("detective", 403)],
)
def test_award_list_permissions(award, sh_admin, pd_admin, client_for, username, status):
    assert client_for(username).get("/grants/").status_code == status


def test_agency_admin_sees_only_own_awards(personas, award, sh_admin, client_for):
    _award(personas, recipient=personas["detective"].agency, number="OTHER-1")
    page = client_for("shadmin").get("/grants/").content.decode()
    assert f'data-award="{award.award_number}"' in page
    assert 'data-award="OTHER-1"' not in page


@pytest.mark.parametrize(
    ("path", "allowed", "refused"),
    [
        ("/grants/new/", ["tfadmin"], ["analyst", "shadmin", "supervisor"]),
        ("/grants/{pk}/edit/", ["tfadmin"], ["analyst", "shadmin"]),
        ("/grants/{pk}/expenditures/", ["tfadmin", "shadmin"], ["analyst", "supervisor", "pdadmin"]),
        ("/grants/time/", ["advocate", "supervisor", "volunteer", "shadmin"], ["detective", "analyst", "pdadmin"]),
        ("/grants/time/approve/", ["supervisor", "shadmin"], ["advocate", "volunteer"]),
    ],
)
def test_page_permissions(award, sh_admin, pd_admin, client_for, path, allowed, refused):
    url = path.format(pk=award.pk)
    for username in allowed:
        assert client_for(username).get(url).status_code == 200, username
    for username in refused:
        assert client_for(username).get(url).status_code in (403, 404), username


# --- Admin ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "model", ["award", "measuredefinition", "reportrun", "agencysubmission", "submittingagency", "anonymouscontact"]
)
def test_admin_lists_open_for_the_taskforce_admin(award, client_for, model):
    assert client_for("tfadmin").get(f"/admin/reporting/{model}/").status_code == 200
    assert client_for("analyst").get(f"/admin/reporting/{model}/").status_code in (302, 403)


def test_admin_award_change_and_read_only_definitions(award, client_for):
    client = client_for("tfadmin")
    assert client.get(f"/admin/reporting/award/{award.pk}/change/").status_code == 200
    assert client.get("/admin/reporting/measuredefinition/add/").status_code == 403
