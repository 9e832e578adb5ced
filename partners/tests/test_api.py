"""The partners API: the caller's own account, API tokens, the agency directory and the schema."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from partners.models import Agency, SecurityEvent, SecurityEventKind, User
from partners.roles import AgencyKind
from taskforce.api import Pagination

pytestmark = pytest.mark.django_db

# What /api/v1/me/ must answer for each demo persona: (agency slug, agency name, agency kind, roles).
EXPECTED_ME: dict[str, tuple[str, str, str, list[str]]] = {
    "tfadmin": (
        "tf-office",
        "Bayview County Anti-Trafficking Task Force Office",
        "taskforce_office",
        ["taskforce_admin"],
    ),
    "advocate": ("safe-harbor", "Safe Harbor Survivor Services", "victim_services", ["advocate"]),
    "advocate2": ("comunidad", "Comunidad Unida", "culturally_specific", ["advocate"]),
    "lawyer": ("legal-aid", "Bayview Legal Aid", "legal_services", ["advocate"]),
    "detective": ("bayview-pd", "Bayview Police Department", "local_le", ["investigator"]),
    "detective2": ("harbor-pd", "Harbor City Police Department", "local_le", ["investigator"]),
    "agent": ("hsi", "Homeland Security Investigations, Bayview office", "federal_le", ["investigator"]),
    "prosecutor": ("county-da", "Bayview County District Attorney", "local_prosecution", ["prosecutor"]),
    "supervisor": ("safe-harbor", "Safe Harbor Survivor Services", "victim_services", ["advocate", "supervisor"]),
    "analyst": ("bayview-pd", "Bayview Police Department", "local_le", ["analyst"]),
    "auditor": ("tf-office", "Bayview County Anti-Trafficking Task Force Office", "taskforce_office", ["auditor"]),
    "volunteer": ("safe-harbor", "Safe Harbor Survivor Services", "victim_services", ["volunteer"]),
}

DEMO_AGENCY_SLUGS = {
    "bayview-pd",
    "harbor-pd",
    "county-da",
    "hsi",
    "usao",
    "safe-harbor",
    "comunidad",
    "legal-aid",
    "tf-office",
}


def issue_token(username: str) -> str:
    out = StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


# --- /api/v1/me/ ----------------------------------------------------------------
def test_me_answers_exactly_who_each_persona_is(personas, client_for):
    # given every demo persona, and no persona this table does not know
    assert set(personas) == set(EXPECTED_ME)
    agency_ids = dict(Agency.objects.values_list("slug", "pk"))

    # when each asks who they are
    answers = {username: client_for(username).get("/api/v1/me/") for username in EXPECTED_ME}

    # then each gets exactly their username, agency and sorted roles, and nothing else
    assert {username: response.status_code for username, response in answers.items()} == dict.fromkeys(EXPECTED_ME, 200)
    assert {username: response.json() for username, response in answers.items()} == {
        username: {
            "username": username,
            "agency": {"id": agency_ids[slug], "slug": slug, "name": name, "kind": kind},
            "roles": roles,
        }
        for username, (slug, name, kind, roles) in EXPECTED_ME.items()
    }


def test_me_patch_saves_the_writable_fields(personas, client_for):
    client = client_for("detective")

    response = client.patch(
        "/api/v1/me/",
        {"first_name": "Dana J.", "last_name": "Ortiz-Reyes", "title": "Sergeant", "phone": "555-0199"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "first_name": "Dana J.",
        "last_name": "Ortiz-Reyes",
        "title": "Sergeant",
        "phone": "555-0199",
    }
    detective = User.objects.get(username="detective")
    assert (detective.first_name, detective.last_name, detective.title, detective.phone) == (
        "Dana J.",
        "Ortiz-Reyes",
        "Sergeant",
        "555-0199",
    )


def test_me_patch_with_only_some_fields_leaves_the_others(personas, client_for):
    response = client_for("detective").patch("/api/v1/me/", {"title": "Sergeant"}, content_type="application/json")

    assert response.status_code == 200
    detective = User.objects.get(username="detective")
    assert (detective.first_name, detective.last_name, detective.title) == ("Dana", "Ortiz", "Sergeant")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "someone-else"},
        {"agency": 1},
        {"email": "elsewhere@example.org"},
        {"roles": ["taskforce_admin"]},
        {"is_active": False},
        {"title": "Sergeant", "username": "someone-else"},
    ],
)
def test_me_patch_refuses_any_other_field_and_saves_nothing(personas, client_for, body):
    client = client_for("detective")
    before = User.objects.filter(username="detective").values().get()

    response = client.patch("/api/v1/me/", body, content_type="application/json")

    # then 400 naming each refused field; the allowed one in the same body is not saved either
    assert response.status_code == 400
    refused = set(body) - {"first_name", "last_name", "title", "phone"}
    assert set(response.json()) == refused
    assert User.objects.filter(pk=before["id"]).values().get() == before


def test_me_patch_refuses_values_too_long_for_the_field(personas, client_for):
    response = client_for("detective").patch("/api/v1/me/", {"phone": "5" * 41}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"phone"}
    assert User.objects.get(username="detective").phone == ""


def test_me_cannot_be_replaced_or_deleted(personas, client_for):
    client = client_for("detective")

    assert client.put("/api/v1/me/", {"title": "x"}, content_type="application/json").status_code == 405
    assert client.delete("/api/v1/me/").status_code == 405
    assert client.post("/api/v1/me/", {}, content_type="application/json").status_code == 405


# --- Tokens -----------------------------------------------------------------------
def test_api_token_prints_the_token_of_the_user(personas):
    key = issue_token("detective")

    assert key == Token.objects.get(user__username="detective").key
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_TOKEN_ISSUED, username="detective").count() == 1


def test_api_token_is_idempotent(personas):
    first = issue_token("detective")
    second = issue_token("detective")

    assert first == second
    assert Token.objects.filter(user__username="detective").count() == 1
    # Printing an existing token again is not a new issue.
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_TOKEN_ISSUED, username="detective").count() == 1


def test_api_token_refuses_an_unknown_user(personas):
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody", stdout=StringIO())
    assert not Token.objects.exists()


def test_api_token_refuses_a_deactivated_user(personas):
    User.objects.filter(username="volunteer").update(is_active=False)

    with pytest.raises(CommandError, match="deactivated"):
        call_command("api_token", "volunteer", stdout=StringIO())


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_a_token_authenticates_with_either_keyword(personas, keyword):
    key = issue_token("detective")

    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"{keyword} {key}")

    assert response.status_code == 200
    assert response.json()["username"] == "detective"


@pytest.mark.parametrize("header", ["Token 0123456789abcdef0123456789abcdef01234567", "Bearer not-a-token"])
def test_an_unknown_token_is_refused_with_401(personas, header):
    issue_token("detective")

    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_of_a_deactivated_user_stops_working(personas):
    key = issue_token("detective")
    User.objects.filter(username="detective").update(is_active=False)

    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401


# --- /api/v1/agencies/ ------------------------------------------------------------
def test_agencies_lists_the_nine_demo_agencies_with_directory_details(personas, client_for):
    response = client_for("advocate").get("/api/v1/agencies/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 9
    assert body["next"] is None
    assert body["previous"] is None
    assert {agency["slug"] for agency in body["results"]} == DEMO_AGENCY_SLUGS
    assert [agency["name"] for agency in body["results"]] == sorted(agency["name"] for agency in body["results"])
    safe_harbor = next(agency for agency in body["results"] if agency["slug"] == "safe-harbor")
    assert safe_harbor == {
        "id": Agency.objects.get(slug="safe-harbor").pk,
        "slug": "safe-harbor",
        "name": "Safe Harbor Survivor Services",
        "kind": "victim_services",
        "sector": "victim_services",
        "confidentiality_covered": True,
        "jurisdiction": "Bayview County",
        "services_offered": [
            "case_management",
            "crisis_intervention",
            "emergency_shelter",
            "transitional_housing",
            "counseling",
            "transportation",
        ],
        "languages": ["en", "es", "vi"],
        "eligibility_notes": (
            "All survivors of trafficking in Bayview County, any age, gender or immigration status. "
            "24-hour line: 555-0199."
        ),
        "website": "",
        "contacts": [
            {
                "name": "Sam Rivera",
                "title": "Central victim contact",
                "phone": "555-0106",
                "email": "intake@safe-harbor.example.org",
            },
        ],
    }
    sectors = {agency["slug"]: agency["sector"] for agency in body["results"]}
    assert sectors["bayview-pd"] == "law_enforcement"
    assert sectors["usao"] == "prosecution"
    assert sectors["tf-office"] == "other"


def test_agencies_leaves_out_inactive_agencies(personas, client_for):
    Agency.objects.filter(slug="usao").update(active=False)

    body = client_for("advocate").get("/api/v1/agencies/").json()

    assert body["count"] == 8
    assert "usao" not in {agency["slug"] for agency in body["results"]}
    assert client_for("advocate").get("/api/v1/agencies/usao/").status_code == 404


def test_agencies_are_paginated(personas, client_for):
    client = client_for("advocate")

    first = client.get("/api/v1/agencies/", {"page_size": 2}).json()
    last = client.get("/api/v1/agencies/", {"page_size": 2, "page": 5}).json()

    assert first["count"] == 9
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert "page=4" in last["previous"]


def test_agencies_filter_by_kind(personas, client_for):
    body = client_for("advocate").get("/api/v1/agencies/", {"kind": AgencyKind.LOCAL_LE}).json()

    assert {agency["slug"] for agency in body["results"]} == {"bayview-pd", "harbor-pd"}


def test_agencies_page_size_is_capped(personas, client_for):
    # given more active agencies than the largest page
    assert Pagination.max_page_size == settings.API_MAX_PAGE_SIZE
    extra = settings.API_MAX_PAGE_SIZE + 5
    groups = Group.objects.bulk_create([Group(name=f"agency:bulk-{n}") for n in range(extra)])
    Agency.objects.bulk_create(
        [
            Agency(name=f"Bulk agency {n:04}", slug=f"bulk-{n}", kind=AgencyKind.OTHER, group=group)
            for n, group in enumerate(groups)
        ]
    )

    # when a client asks for a bigger page
    body = client_for("advocate").get("/api/v1/agencies/", {"page_size": 100_000}).json()

    # then it gets the largest page, and the rest on the next one
    assert body["count"] == 9 + extra
    assert len(body["results"]) == settings.API_MAX_PAGE_SIZE
    assert body["next"] is not None


def test_agencies_query_count_does_not_grow_with_the_page(personas, client_for):
    client = client_for("advocate")
    client.get("/api/v1/agencies/", {"page_size": 1})  # warm up session and content-type caches

    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/agencies/", {"page_size": 2}).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/agencies/", {"page_size": 9}).status_code == 200

    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]


def test_agency_detail_by_slug(personas, client_for):
    client = client_for("detective")

    response = client.get("/api/v1/agencies/comunidad/")

    assert response.status_code == 200
    assert response.json()["name"] == "Comunidad Unida"
    assert response.json()["languages"] == ["es", "mam", "en"]
    assert response.json()["contacts"][0]["name"] == "Ana Morales"


def test_agency_detail_of_an_unknown_slug_is_404(personas, client_for):
    response = client_for("detective").get("/api/v1/agencies/no-such-agency/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/agencies/"),
        ("put", "/api/v1/agencies/safe-harbor/"),
        ("patch", "/api/v1/agencies/safe-harbor/"),
        ("delete", "/api/v1/agencies/safe-harbor/"),
    ],
)
def test_agencies_refuse_writes(personas, client_for, method, path):
    # The task force administrator manages agencies in the admin, never through this API.
    client = client_for("tfadmin")

    response = getattr(client, method)(path, {"name": "Renamed"}, content_type="application/json")

    assert response.status_code == 405
    assert Agency.objects.filter(name="Renamed").count() == 0
    assert Agency.objects.filter(slug="safe-harbor", active=True).exists()


# --- Schema and docs --------------------------------------------------------------
def test_schema_is_an_openapi_3_document(personas, client_for):
    response = client_for("advocate").get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]["/api/v1/me/"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/v1/agencies/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/agencies/{slug}/"]) == {"get"}
    assert set(schema["components"]["securitySchemes"]) >= {"tokenAuth"}


def test_docs_render_with_local_assets_only(personas, client_for):
    response = client_for("advocate").get("/api/v1/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    urls = re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']*)["']""", html)
    assert urls, "the docs page loads no script or stylesheet"
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assets = [url for url in urls if not url.startswith("/api/v1/docs/")]
    assert assets
    assert all(url.startswith(settings.STATIC_URL) for url in assets), assets
    # ... and every one of them is actually shipped (drf-spectacular-sidecar).
    assert all(finders.find(url.removeprefix(settings.STATIC_URL)) for url in assets), assets
