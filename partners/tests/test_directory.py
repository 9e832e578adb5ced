"""The partner directory, the role home pages and the security log pages."""

from __future__ import annotations

import re

import pytest

from partners import selectors
from partners.models import Agency

pytestmark = pytest.mark.django_db

ALL_AGENCY_NAMES = {
    "Bayview Police Department",
    "Harbor City Police Department",
    "Bayview County District Attorney",
    "Homeland Security Investigations, Bayview office",
    "U.S. Attorney's Office, Bayview",
    "Safe Harbor Survivor Services",
    "Comunidad Unida",
    "Bayview Legal Aid",
    "Bayview County Anti-Trafficking Task Force Office",
}


def agencies_listed(response) -> set[str]:
    html = response.content.decode().replace("&#x27;", "'")
    return set(re.findall(r'<h2 class="h5"><a href="/directory/[\w-]+/">([^<]+)</a></h2>', html))


def home_panels(response) -> dict[str, dict[str, object]]:
    """Each panel on the home page: {title: {"planned": bool, "links": [href, ...]}}."""
    panels = {}
    for section in response.content.decode().split("<section")[1:]:
        heading = re.search(r'<h2 class="h5 card-title"[^>]*>(.*?)</h2>', section, re.S)
        assert heading is not None
        title = re.sub(r"<span.*", "", heading.group(1), flags=re.S).strip()
        panels[title] = {
            "planned": '<span class="badge text-bg-secondary">Planned</span>' in heading.group(1),
            "links": re.findall(r'<a class="btn[^"]*" href="([^"]+)"', section),
        }
    return panels


# --- Directory -----------------------------------------------------------------------
def test_directory_lists_active_agencies_with_services_languages_and_first_contact(client_for):
    response = client_for("detective").get("/directory/")

    assert response.status_code == 200
    assert agencies_listed(response) == ALL_AGENCY_NAMES
    html = response.content.decode()
    assert "case_management, crisis_intervention, emergency_shelter" in html
    assert "es, mam, en" in html
    assert "Sam Rivera, Central victim contact · 555-0106" in html
    assert 'href="mailto:intake@safe-harbor.example.org"' in html
    # the full page, with the filter form
    assert '<form method="get"' in html
    assert "<html" in html


def test_directory_leaves_out_inactive_agencies(client_for):
    Agency.objects.filter(slug="usao").update(active=False)

    response = client_for("detective").get("/directory/")

    assert agencies_listed(response) == ALL_AGENCY_NAMES - {"U.S. Attorney's Office, Bayview"}
    assert client_for("detective").get("/directory/usao/").status_code == 404


def test_directory_shows_the_first_contact_only(client_for, personas):
    from partners import services

    safe_harbor = Agency.objects.get(slug="safe-harbor")
    services.agency_contacts_set(
        agency=safe_harbor,
        actor=personas["tfadmin"],
        contacts=[{"name": "First Person", "phone": "555-0001"}, {"name": "Second Person", "phone": "555-0002"}],
    )

    html = client_for("detective").get("/directory/").content.decode()

    assert "First Person" in html
    assert "Second Person" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"service": "investigation"},
            {
                "Bayview Police Department",
                "Harbor City Police Department",
                "Homeland Security Investigations, Bayview office",
            },
        ),
        ({"service": "counseling"}, {"Safe Harbor Survivor Services", "Comunidad Unida"}),
        ({"language": "vi"}, {"Safe Harbor Survivor Services"}),
        (
            {"language": "es"},
            {
                "Bayview Police Department",
                "Bayview County District Attorney",
                "Safe Harbor Survivor Services",
                "Comunidad Unida",
                "Bayview Legal Aid",
            },
        ),
        ({"service": "counseling", "language": "mam"}, {"Comunidad Unida"}),
        ({"service": "prosecution", "language": "zh"}, set()),
        ({"q": "harbor"}, {"Harbor City Police Department", "Safe Harbor Survivor Services"}),
        # by jurisdiction
        ({"q": "federal"}, {"Homeland Security Investigations, Bayview office", "U.S. Attorney's Office, Bayview"}),
    ],
)
def test_directory_filters(client_for, params, expected):
    response = client_for("detective").get("/directory/", params)

    assert response.status_code == 200
    assert agencies_listed(response) == expected


def test_a_service_is_matched_whole_not_as_a_substring(client_for):
    # "legal" is part of "immigration_legal" and "civil_legal"; only a whole value matches.
    assert agencies_listed(client_for("detective").get("/directory/", {"service": "legal"})) == set()


def test_the_selector_filters_the_same_way(personas):
    # The selector filters in SQL (JSON containment) on PostgreSQL and in Python on
    # SQLite; CI runs this file on PostgreSQL, so both paths answer alike.
    found = selectors.agency_directory(service="case_management", language="es")

    assert [agency.slug for agency in found] == ["comunidad", "safe-harbor"]


def test_an_htmx_request_gets_only_the_results(client_for):
    response = client_for("detective").get("/directory/", {"language": "vi"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert agencies_listed(response) == {"Safe Harbor Survivor Services"}
    assert "<html" not in html
    assert "<form" not in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client_for):
    response = client_for("detective").get(
        "/directory/", {"language": "vi"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_agency_detail_shows_contacts(client_for):
    response = client_for("advocate").get("/directory/county-da/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3">Bayview County District Attorney</h1>' in html
    assert "<td>ADA Morgan Hale</td><td>Human trafficking unit</td><td>555-0103</td>" in html
    assert 'href="mailto:htu@county-da.example.org"' in html
    assert "prosecution, victim_witness_assistance" in html


def test_agency_detail_says_whether_the_agency_is_confidentiality_covered(client_for):
    client = client_for("detective")

    assert "Covered victim service provider" in client.get("/directory/legal-aid/").content.decode()
    assert "Not a covered provider." in client.get("/directory/hsi/").content.decode()


def test_agency_detail_of_an_unknown_slug_is_404(client_for):
    assert client_for("advocate").get("/directory/no-such-agency/").status_code == 404


# --- Home ----------------------------------------------------------------------------
def test_an_advocate_sees_their_panels_with_planned_ones_labelled(client_for):
    panels = home_panels(client_for("advocate").get("/"))

    assert panels == {
        "Partner directory": {"planned": False, "links": ["/directory/"]},
        "Survivors and consents": {"planned": False, "links": ["/survivors/", "/survivors/new/"]},
        "Referrals": {"planned": True, "links": []},
        "Your account": {"planned": False, "links": ["/accounts/security/"]},
    }


def test_the_taskforce_admin_sees_people_and_the_security_log(client_for):
    response = client_for("tfadmin").get("/")
    panels = home_panels(response)

    assert panels["People"] == {"planned": False, "links": ["/people/"]}
    assert panels["Security log"] == {"planned": False, "links": ["/security-log/"]}
    assert panels["Grant reports"]["planned"] is True
    assert "Survivors and consents" not in panels  # administrators get no survivor PII through their role
    assert 'href="/admin/"' in response.content.decode()


def test_an_analyst_does_not_see_people(client_for):
    response = client_for("analyst").get("/")
    panels = home_panels(response)

    assert "People" not in panels
    assert "Security log" not in panels
    assert panels["Task force dashboard"]["planned"] is True
    assert 'href="/people/"' not in response.content.decode()
    assert 'href="/admin/"' not in response.content.decode()


def test_the_auditor_sees_the_security_log_but_not_people(client_for):
    panels = home_panels(client_for("auditor").get("/"))

    assert "Security log" in panels
    assert "People" not in panels


# --- Security log --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("advocate", 403),
        ("detective", 403),
        ("analyst", 403),
        ("volunteer", 403),
        ("auditor", 200),
        ("tfadmin", 200),
    ],
)
def test_security_log_access(client_for, username, status):
    assert client_for(username).get("/security-log/").status_code == status


def test_security_log_filters_by_kind_and_username(client_for, personas):
    from partners.models import SecurityEventKind
    from partners.services import security_event_record

    security_event_record(kind=SecurityEventKind.SIGN_IN_FAILED, username="detective")
    security_event_record(kind=SecurityEventKind.SIGN_IN_FAILED, username="agent")
    security_event_record(kind=SecurityEventKind.LOCKOUT, username="detective")

    response = client_for("auditor").get("/security-log/", {"kind": "sign_in_failed", "username": "Detective"})

    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", response.content.decode())
    assert rows == [("Sign-in failed", "detective")]


def test_the_security_page_shows_a_persons_own_events(client_for, personas):
    from partners.models import SecurityEventKind
    from partners.services import security_event_record

    security_event_record(kind=SecurityEventKind.PASSWORD_CHANGED, user=personas["advocate"])
    security_event_record(kind=SecurityEventKind.LOCKOUT, user=personas["detective"])

    response = client_for("advocate").get("/accounts/security/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Password changed" in html
    assert "Locked out" not in html
