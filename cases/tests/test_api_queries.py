"""Query-count budgets (STYLE.md rule 11): every list endpoint takes the same number of
queries for a page of 2 and a page of 10, as a non-superuser with real grants."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services

pytestmark = pytest.mark.django_db

ROWS = 12


@pytest.fixture
def busy_world(personas):
    """A dozen of everything, shared across agencies so that every list mixes readable groups."""
    advocate, detective, prosecutor = personas["advocate"], personas["detective"], personas["prosecutor"]
    tfadmin, today = personas["tfadmin"], timezone.localdate()
    services.sharing_agreement_set(
        owner=advocate.agency, partner=detective.agency, actor=tfadmin, victim_groups=["profile"]
    )
    services.sharing_agreement_set(
        owner=detective.agency,
        partner=prosecutor.agency,
        actor=tfadmin,
        victim_groups=["profile", "identity"],
        case_groups=["investigation"],
    )
    rose = None
    for index in range(ROWS):
        case = services.case_create(actor=detective, title=f"Case {index}", narrative="n")
        suspect = services.suspect_create(case=case, actor=detective, role="trafficker", name=f"S{index}")
        services.arrest_create(case=case, suspect=suspect, actor=detective, arrested_on=today)
        services.case_add_participant(case=case, agency=prosecutor.agency, actor=detective)
        own = services.victim_create(actor=detective, pseudonym=f"L{index}", trafficking_type="labor", phone="555")
        services.service_event_create(victim=own, actor=detective, delivered_on=today, service_type="transportation")
        services.case_link_victim(case=case, victim=own, actor=detective)
        shared = services.victim_create(actor=advocate, pseudonym=f"R{index}", trafficking_type="sex", phone="555")
        services.service_event_create(victim=shared, actor=advocate, delivered_on=today, service_type="counseling")
        services.case_link_victim(case=case, victim=shared, actor=advocate)
        services.consent_create(
            victim=shared,
            actor=advocate,
            recipient_agency=detective.agency,
            field_groups=["identity", "services"] if index % 2 else ["contact"],
            purpose="Investigation",
        )
        rose = rose or shared
        services.note_create(victim=rose, actor=advocate, body=f"Note {index}")
    return {"rose": rose}


def count_queries(client, url: str, size: int) -> tuple[int, int]:
    client.get(url, {"page_size": size})  # warm up: session rotation and first-request bookkeeping
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": size})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == size
    return len(queries), size


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("detective", "/api/v1/victims/"),
        ("advocate", "/api/v1/victims/"),
        ("prosecutor", "/api/v1/victims/"),
        ("detective", "/api/v1/cases/"),
        ("prosecutor", "/api/v1/cases/"),
        ("analyst", "/api/v1/cases/"),
        ("detective", "/api/v1/services/"),
        ("advocate", "/api/v1/services/"),
        ("advocate", "/api/v1/consents/"),
    ],
)
def test_list_query_count_does_not_grow_with_the_page(busy_world, client_for, username, url):
    client = client_for(username)
    small, _ = count_queries(client, url, 2)
    large, _ = count_queries(client, url, 10)
    assert small == large, f"{url} as {username}: {small} queries for 2 rows, {large} for 10"


def test_notes_query_count_does_not_grow_with_the_page(busy_world, client_for):
    client = client_for("advocate")
    url = f"/api/v1/victims/{busy_world['rose'].pk}/notes/"
    small, _ = count_queries(client, url, 2)
    large, _ = count_queries(client, url, 10)
    assert small == large
