"""The task force dashboard: exact counts for analysts, suppressed ones for everyone else,
a fixed number of queries, and no personal data."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Arrest,
    Case,
    Charge,
    Disposition,
    FamilyMember,
    ServiceEvent,
    Suspect,
    Victim,
    VictimStatus,
)
from partners.models import User
from partners.operations.models import TrainingAudience, TrainingEvent
from referrals.models import Referral, ReferralStatus
from reporting import dashboard
from reporting.suppression import Cell

TODAY = timezone.localdate()
THIS_MONTH = f"{TODAY.year}-{TODAY.month:02d}"
LAST_MONTH_DAY = TODAY.replace(day=1) - timedelta(days=1)
CASE_NUMBERS = itertools.count(1)
LAST_MONTH = f"{LAST_MONTH_DAY.year}-{LAST_MONTH_DAY.month:02d}"


def add_victims(
    user: User, n: int, *, status: str = VictimStatus.CONFIRMED, on: date = TODAY, name: str = "Rose"
) -> list[Victim]:
    return [
        Victim.objects.create(
            owner_agency=user.agency,
            pseudonym=f"{name}{i}",
            trafficking_type="labor",
            status=status,
            intake_date=on,
            created_by=user,
        )
        for i in range(n)
    ]


def serve(user: User, victim: Victim, *, on: date = TODAY, family: FamilyMember | None = None) -> ServiceEvent:
    return ServiceEvent.objects.create(
        victim=victim,
        family_member=family,
        delivered_on=on,
        providing_agency=user.agency,
        service_type="info_victim_rights",
        created_by=user,
    )


def add_case_world(user: User, n: int, *, on: date = TODAY) -> None:
    """``n`` cases, each with an arrest, a state charge and a conviction."""
    for i in range(n):
        case = Case.objects.create(
            case_number=f"T-{next(CASE_NUMBERS):06d}",
            title=f"Operation {i}",
            lead_agency=user.agency,
            created_by=user,
            opened_on=on,
        )
        suspect = Suspect.objects.create(case=case, role="trafficker", name=f"Suspect {i}", created_by=user)
        Arrest.objects.create(case=case, suspect=suspect, arrested_on=on, arresting_agency=user.agency, created_by=user)
        charge = Charge.objects.create(
            case=case,
            suspect=suspect,
            jurisdiction=Charge.Jurisdiction.STATE,
            statute="PC 236.1",
            filed_on=on,
            filing_agency=user.agency,
            created_by=user,
        )
        Disposition.objects.create(
            charge=charge, outcome=Disposition.Outcome.CONVICTED_PLEA, disposed_on=on, created_by=user
        )


def add_referrals(world: dict[str, User], victim: Victim, n: int, **fields: Any) -> None:
    now = timezone.now()
    advocate, lawyer = world["advocate"], world["lawyer"]
    for _i in range(n):
        Referral.objects.create(
            from_agency=advocate.agency,
            from_user=advocate,
            to_agency=lawyer.agency,
            victim=victim,
            **{
                "status": ReferralStatus.SENT,
                "sent_at": now,
                "acknowledge_due_at": now + timedelta(hours=24),
                **fields,
            },
        )


def add_training(user: User, attendees: int, *, on: date = TODAY) -> None:
    training = TrainingEvent.objects.create(
        title="Recognising labor trafficking", held_on=on, hours=Decimal(2), topic="labor", delivered_by=user.agency
    )
    TrainingAudience.objects.create(training=training, discipline="law_enforcement", attendees=attendees)


def row_cells(html: str, block: str, period: str) -> list[str]:
    match = re.search(rf'data-testid="row-{block}-{period}">(.*?)</tr>', html, re.S)
    assert match, f"no row {period} in {block}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def totals_cells(html: str, block: str) -> list[str]:
    match = re.search(rf'data-testid="totals-{block}">(.*?)</tr>', html, re.S)
    assert match, f"no totals in {block}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def page(client: Client, **params: str) -> str:
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def small_world(personas: dict[str, User]) -> dict[str, User]:
    """3 confirmed victims this month, 15 confirmed last month, 12 potential this month."""
    advocate = personas["advocate"]
    add_victims(advocate, 3)
    add_victims(advocate, 15, on=LAST_MONTH_DAY, name="Iris")
    add_victims(advocate, 12, status=VictimStatus.POTENTIAL, name="Lily")
    return personas


def test_analyst_sees_exact_counts(small_world: dict[str, User], client_for: Callable[[str], Client]) -> None:
    html = page(client_for("analyst"))

    # Confirmed, potential, total.
    assert row_cells(html, "identified", THIS_MONTH) == ["3", "12", "15"]
    assert row_cells(html, "identified", LAST_MONTH) == ["15", "0", "15"]
    assert totals_cells(html, "identified") == ["18", "12", "30"]
    assert 'data-testid="suppression-note"' not in html


def test_detective_sees_small_counts_hidden_and_not_derivable(
    small_world: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    html = page(client_for("detective"))

    assert 'data-testid="suppression-note"' in html
    assert "Counts from 1 to 10 are hidden (*)" in html
    this_month = row_cells(html, "identified", THIS_MONTH)
    assert this_month[0] == "*"
    # The 3 cannot be worked out from its row: another cell of the row is hidden too...
    assert this_month.count("*") >= 2
    # ...nor from its column: another month or the column total is hidden as well.
    column = [
        row_cells(html, "identified", period.key)[0] for period in dashboard.dashboard_window(year=TODAY.year).periods
    ]
    column.append(totals_cells(html, "identified")[0])
    assert column.count("*") >= 2
    assert "3" not in this_month
    # A zero is shown as a zero.
    assert row_cells(html, "identified", LAST_MONTH)[1] == "0"


def test_suppressed_cell_is_not_pinned_by_the_published_numbers(small_world: dict[str, User]) -> None:
    """Brute force over the hidden cells: more than one value of the 3 fits every published number."""
    window = dashboard.dashboard_window()
    table = next(b for b in dashboard.dashboard_blocks(window, suppress=True) if b.key == "identified").table
    assert table.column_totals is not None
    assert table.grand_total is not None
    body = [list(row.cells) for row in table.rows]
    hidden = [(i, j) for i, line in enumerate(body) for j, cell in enumerate(line) if cell.suppressed]
    assert len(hidden) <= 4
    target = (len(body) - 1, 0)
    assert target in hidden

    def fits(values: dict[tuple[int, int], int]) -> bool:
        full = [[values.get((i, j), cell.value or 0) for j, cell in enumerate(line)] for i, line in enumerate(body)]
        totals = [
            *((sum(line), row.total) for line, row in zip(full, table.rows, strict=True)),
            *((sum(line[j] for line in full), total) for j, total in enumerate(table.column_totals or ())),
            (sum(map(sum, full)), table.grand_total),
        ]
        return all(cell is not None and (cell.value is None or cell.value == value) for value, cell in totals)

    # Hidden counts are at least 1 (zeros are shown); the totals follow from the cells.
    possible = {
        values[target]
        for combo in itertools.product(range(1, 40), repeat=len(hidden))
        if fits(values := dict(zip(hidden, combo, strict=True)))
    }
    assert 3 in possible
    assert len(possible) > 1


def test_admin_sees_exact_numbers_too(small_world: dict[str, User], client_for: Callable[[str], Client]) -> None:
    html = page(client_for("tfadmin"))
    assert row_cells(html, "identified", THIS_MONTH) == ["3", "12", "15"]


def test_family_member_services_are_not_victims_served(
    personas: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    advocate = personas["advocate"]
    served, other = add_victims(advocate, 2)
    serve(advocate, served)
    serve(advocate, served)  # twice in a month: still one survivor served
    family = FamilyMember.objects.create(victim=other, relationship="child", pseudonym="Kid")
    serve(advocate, other, family=family)

    counts = dashboard.victims_served(dashboard.dashboard_window())
    assert counts[THIS_MONTH] == {VictimStatus.CONFIRMED: 1}
    html = page(client_for("analyst"))
    assert row_cells(html, "served", THIS_MONTH) == ["1", "0", "1"]


def test_every_block_counts_its_records(personas: dict[str, User]) -> None:
    advocate, detective = personas["advocate"], personas["detective"]
    victim = add_victims(advocate, 1)[0]
    add_case_world(detective, 2)
    add_training(advocate, 25)
    add_training(advocate, 5)
    now = timezone.now()
    add_referrals(personas, victim, 2)  # awaiting
    add_referrals(personas, victim, 1, status=ReferralStatus.ACCEPTED, acknowledged_at=now)  # on time
    add_referrals(
        personas,
        victim,
        1,
        status=ReferralStatus.COMPLETED,
        acknowledged_at=now + timedelta(days=2),  # after the 24h deadline
    )
    add_referrals(personas, victim, 1, status=ReferralStatus.EXPIRED)  # never
    add_referrals(personas, victim, 1, status=ReferralStatus.DRAFT, sent_at=None)  # never sent

    window = dashboard.dashboard_window()
    assert dashboard.investigations_opened(window)[THIS_MONTH] == {"": 2}
    assert dashboard.arrests(window)[THIS_MONTH] == {"": 2}
    assert dashboard.charges_filed(window)[THIS_MONTH] == {"state": 2}
    assert dashboard.convictions(window)[THIS_MONTH] == {"convicted_plea": 2}
    held, people = dashboard.trainings(window)
    assert held[THIS_MONTH] == {"": 2}
    assert people[THIS_MONTH] == {"": 30}
    assert dashboard.referrals_by_state(window)[THIS_MONTH] == {"sent": 2, "accepted": 1, "completed": 1, "expired": 1}
    assert dashboard.referrals_by_timeliness(window)[THIS_MONTH] == {
        "on_time": 1,
        "late": 1,
        "awaiting": 2,
        "never": 1,
    }

    exact = {b.key: b for b in dashboard.dashboard_blocks(window, suppress=False)}
    timeliness = exact["timeliness"].table
    assert [cell.value for cell in timeliness.rows[-1].cells] == [1, 1, 2, 1]
    assert timeliness.rows[-1].total == Cell(5)
    # Hidden from a suppressed viewer: the month's state row has small counts.
    hidden = {b.key: b for b in dashboard.dashboard_blocks(window, suppress=True)}
    assert all(cell.suppressed for cell in hidden["timeliness"].table.rows[-1].cells)
    assert hidden["trained"].table.rows[-1].cells == (Cell(30),)


def test_quarters_and_years(small_world: dict[str, User], client_for: Callable[[str], Client]) -> None:
    quarter = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
    counts = dashboard.victims_identified(dashboard.dashboard_window(by="quarter"))
    assert counts[quarter][VictimStatus.CONFIRMED] >= 3
    html = page(client_for("analyst"), by="quarter", year=str(TODAY.year))
    assert f'data-testid="row-identified-{quarter}"' in html
    html = page(client_for("analyst"), year=str(TODAY.year - 3))
    assert 'data-testid="dashboard-empty"' in html


def test_empty_dashboard(personas: dict[str, User], client_for: Callable[[str], Client]) -> None:
    html = page(client_for("detective"))
    assert 'data-testid="dashboard-empty"' in html


def _queries_for(client: Client) -> int:
    cache.clear()  # the cost of computing the figures, not of reading them back
    with CaptureQueriesContext(connection) as captured:
        page(client)
    return len(captured)


def test_suppressed_viewers_get_one_view_only(
    small_world: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    # Quarters, or a rolling window, are other sums of the same cells: subtracting one view's
    # published totals from another's would give back a hidden count.
    client = client_for("detective")

    by_quarter = page(client, by="quarter")
    rolling = page(client)

    assert f'data-testid="row-identified-{TODAY.year}-Q' not in by_quarter
    assert f'data-testid="row-identified-{THIS_MONTH}"' in by_quarter
    assert f'data-testid="row-identified-{TODAY.year}-01"' in rolling
    assert f'data-testid="row-identified-{TODAY.year - 1}-' not in rolling
    assert 'name="by"' not in rolling
    analyst = page(client_for("analyst"), by="quarter")
    assert f'data-testid="row-identified-{TODAY.year}-Q' in analyst


def test_a_year_that_is_not_ascii_digits_is_ignored(
    small_world: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    assert "Task force dashboard" in page(client_for("analyst"), year="²")


def test_query_count_does_not_grow_with_the_data(
    personas: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    advocate, detective = personas["advocate"], personas["detective"]
    client = client_for("analyst")

    def add(n: int) -> None:
        victims = add_victims(advocate, n, name=f"V{n}-")
        for victim in victims:
            serve(advocate, victim)
        add_referrals(personas, victims[0], n)
        add_training(advocate, n)

    add(3)
    add_case_world(detective, 3, on=TODAY)
    page(client)  # warm up the session and per-request caches
    few = _queries_for(client)
    add(30)
    add_case_world(detective, 30, on=LAST_MONTH_DAY)
    many = _queries_for(client)
    assert few == many
    # Nine aggregate queries, plus sign-in and navigation.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        page(client)
    aggregates = [q for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert len(aggregates) == 9


def test_the_figures_are_computed_once_for_everyone_then_read_back(
    small_world: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    analyst, detective = client_for("analyst"), client_for("detective")
    page(analyst, year=str(TODAY.year))

    with CaptureQueriesContext(connection) as captured:
        exact = page(analyst, year=str(TODAY.year))
        hidden = page(detective)

    assert not [q for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    # The same cached figures, each viewer's own suppression.
    assert row_cells(exact, "identified", THIS_MONTH)[0] == "3"
    assert row_cells(hidden, "identified", THIS_MONTH)[0] == "*"
    assert 'data-testid="dashboard-computed"' in exact


def test_no_personal_data_on_the_page(small_world: dict[str, User], client_for: Callable[[str], Client]) -> None:
    html = page(client_for("detective"))
    pseudonyms = Victim.objects.values_list("pseudonym", flat=True)
    assert pseudonyms
    for pseudonym in pseudonyms:
        assert pseudonym not in html
    with CaptureQueriesContext(connection) as captured:
        page(client_for("detective"))
    for query in captured.captured_queries:
        assert "pseudonym" not in query["sql"]
        assert "legal_name" not in query["sql"]


def test_signed_out_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("dashboard"))
    assert response.status_code == 302


def test_navigation_links_the_dashboard(personas: dict[str, User], client_for: Callable[[str], Client]) -> None:
    html = client_for("volunteer").get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard")}"' in html
