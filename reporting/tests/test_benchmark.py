"""The benchmark command prints its figures and leaves nothing behind (its timings are not asserted)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import ServiceEvent, Victim

pytestmark = pytest.mark.django_db


def test_the_benchmark_compiles_a_small_year_and_rolls_it_back(settings):
    settings.DEMO = True
    out = StringIO()

    call_command("report_benchmark", "--scale", "0.001", stdout=out)

    printed = out.getvalue()
    assert "100 survivors, 1,000 service events" in printed
    assert "measures compiled in" in printed
    assert "Raw SQL COUNT(DISTINCT victim_id) over the same year" in printed
    assert "Generated rows rolled back." in printed
    assert not Victim.objects.exists()
    assert not ServiceEvent.objects.exists()


def test_the_benchmark_refuses_to_write_outside_demo_mode(settings):
    settings.DEMO = False

    with pytest.raises(CommandError, match="synthetic rows"):
        call_command("report_benchmark", "--scale", "0.001", stdout=StringIO())
