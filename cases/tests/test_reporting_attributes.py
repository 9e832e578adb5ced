"""The survivor's reporting attributes added for VOCA: race/ethnicity, victimizations, special classifications."""

from __future__ import annotations

import pytest

from cases.fields import choice_set_lookup
from cases.models import Victim

pytestmark = pytest.mark.django_db


def test_the_api_stores_and_returns_the_multi_selects(client_for):
    client = client_for("advocate")

    created = client.post(
        "/api/v1/victims/",
        {
            "pseudonym": "Iris",
            "trafficking_type": "labor",
            "race_ethnicity": "asian",
            "victimizations": ["stalking", "robbery", "stalking"],
            "special_classifications": ["limited_english"],
        },
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["victimizations"] == ["robbery", "stalking"]
    assert body["special_classifications"] == ["limited_english"]
    assert body["race_ethnicity"] == "asian"
    assert Victim.objects.filter(victimizations__contains=choice_set_lookup("stalking")).count() == 1
    assert not Victim.objects.filter(victimizations__contains=choice_set_lookup("arson")).exists()


def test_an_unknown_victimization_is_refused_and_nothing_is_saved(client_for):
    response = client_for("advocate").post(
        "/api/v1/victims/",
        {"pseudonym": "Iris", "trafficking_type": "labor", "victimizations": ["stalking", "made_up"]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "victimizations" in response.json()
    assert not Victim.objects.exists()


def test_the_profile_form_saves_the_checkboxes(client_for):
    client = client_for("advocate")

    response = client.post(
        "/survivors/new/",
        {
            "pseudonym": "Iris",
            "trafficking_type": "sex",
            "victimizations": ["domestic_violence", "stalking"],
            "special_classifications": ["homeless"],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    victim = Victim.objects.get()
    assert victim.victimizations == ["domestic_violence", "stalking"]
    assert victim.special_classifications == ["homeless"]
    page = client.get(f"/survivors/{victim.pk}/").content.decode()
    assert "Domestic and/or family violence, Stalking or harassment" in page


def test_the_age_at_intake_is_derived_from_the_date_of_birth_or_the_estimate(client_for):
    client = client_for("advocate")

    born = client.post(
        "/api/v1/victims/",
        {"pseudonym": "A", "trafficking_type": "sex", "date_of_birth": "2010-06-01", "intake_date": "2026-05-31"},
        content_type="application/json",
    ).json()
    estimated = client.post(
        "/api/v1/victims/",
        {"pseudonym": "B", "trafficking_type": "sex", "estimated_age": 30},
        content_type="application/json",
    ).json()
    refused = client.post(
        "/api/v1/victims/",
        {"pseudonym": "C", "trafficking_type": "sex", "age_at_intake": 40},
        content_type="application/json",
    )

    assert (born["age_at_intake"], born["age_group"]) == (15, "minor")
    assert (estimated["age_at_intake"], estimated["age_group"]) == (30, "adult")
    assert refused.status_code == 400
