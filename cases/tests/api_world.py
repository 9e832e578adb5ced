"""A small task-force world for the API tests, built through the services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cases import services

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
TODAY = NOW.date()


@pytest.fixture
def world(personas) -> dict[str, Any]:
    """Safe Harbor's survivor Rose on a Bayview case; Safe Harbor shares profiles with Bayview."""
    advocate, detective = personas["advocate"], personas["detective"]
    services.sharing_agreement_set(
        owner=advocate.agency, partner=detective.agency, actor=personas["tfadmin"], victim_groups=["profile"]
    )
    case = services.case_create(actor=detective, title="Harbor Street massage businesses", trafficking_type="sex")
    rose = services.victim_create(
        actor=advocate,
        pseudonym="Rose",
        trafficking_type="sex",
        legal_name="Maria Example",
        date_of_birth=date(2001, 5, 4),
        phone="555-0142",
        nationality="Honduras",
    )
    services.note_create(victim=rose, actor=advocate, body="Told me about the night shift.")
    services.case_link_victim(case=case, victim=rose, actor=advocate)
    return {"case": case, "rose": rose, **personas}
