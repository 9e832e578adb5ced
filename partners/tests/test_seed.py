"""manage.py seed_demo: the fictional task force, only in demo mode, idempotent.

These tests start from an empty database (no ``personas`` fixture), and the
seed hashes the twelve demo passwords for real, so the whole seed runs once.
"""

from __future__ import annotations

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.demo import DEMO_PASSWORD
from partners.models import Agency, AgencyContact, RoleAssignment, User

pytestmark = pytest.mark.django_db

EXPECTED_AGENCIES = {
    "bayview-pd": False,
    "harbor-pd": False,
    "county-da": False,
    "hsi": False,
    "usao": False,
    "safe-harbor": True,
    "comunidad": True,
    "legal-aid": True,
    "tf-office": False,
}  # slug -> confidentiality_covered

EXPECTED_PERSONAS = {
    "advocate": ("safe-harbor", {"advocate"}),
    "advocate2": ("comunidad", {"advocate"}),
    "lawyer": ("legal-aid", {"advocate"}),
    "detective": ("bayview-pd", {"investigator"}),
    "detective2": ("harbor-pd", {"investigator"}),
    "agent": ("hsi", {"investigator"}),
    "prosecutor": ("county-da", {"prosecutor"}),
    "supervisor": ("safe-harbor", {"supervisor", "advocate"}),
    "tfadmin": ("tf-office", {"taskforce_admin"}),
    "analyst": ("bayview-pd", {"analyst"}),
    "auditor": ("tf-office", {"auditor"}),
    "volunteer": ("safe-harbor", {"volunteer"}),
}


def snapshot() -> dict[str, object]:
    return {
        "agencies": Agency.objects.count(),
        "contacts": AgencyContact.objects.count(),
        "users": User.objects.count(),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "group_permissions": Group.permissions.through.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "role_assignments": sorted(RoleAssignment.objects.values_list("user__username", "role")),
        "log_entries": LogEntry.objects.count(),
        "passwords": dict(User.objects.values_list("username", "password")),
    }


def test_seed_demo_refuses_outside_demo_mode(settings):
    settings.DEMO = False

    with pytest.raises(CommandError, match="TASKFORCE_DEMO=1"):
        call_command("seed_demo", stdout=StringIO())

    assert not Agency.objects.exists()
    assert not User.objects.exists()


def test_seed_demo_with_force_creates_the_task_force_once(settings):
    settings.DEMO = False

    # when it is seeded
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)

    # then the nine agencies and twelve personas exist, exactly as specified
    assert "9 agencies and 12 people created" in out.getvalue()
    assert dict(Agency.objects.values_list("slug", "confidentiality_covered")) == EXPECTED_AGENCIES
    assert set(AgencyContact.objects.values_list("agency__slug", flat=True)) == set(EXPECTED_AGENCIES)
    people = {
        user.username: (user.agency.slug, {assignment.role for assignment in user.role_assignments.all()})
        for user in User.objects.select_related("agency").prefetch_related("role_assignments")
    }
    assert people == EXPECTED_PERSONAS
    # ... each in their agency's group and one group per role, nothing else
    memberships = {user.username: set(user.groups.values_list("name", flat=True)) for user in User.objects.all()}
    assert memberships == {
        username: {f"agency:{slug}", *(f"role:{role}" for role in roles)}
        for username, (slug, roles) in EXPECTED_PERSONAS.items()
    }
    assert all(user.is_active and not user.is_superuser and not user.is_staff for user in User.objects.all())
    assert User.objects.get(username="tfadmin").check_password(DEMO_PASSWORD)

    # when it runs again
    before = snapshot()
    again = StringIO()
    call_command("seed_demo", "--force", stdout=again)

    # then nothing changes, not even in the audit log
    assert "0 agencies and 0 people created" in again.getvalue()
    assert snapshot() == before


def test_seed_demo_leaves_changed_demo_data_alone(settings):
    """A second run adds what is missing and never resets what someone changed."""
    settings.DEMO = True
    # Fast hashes here: this test is about which rows the seed touches.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())
    Agency.objects.filter(slug="hsi").update(name="HSI Bayview (renamed)")
    RoleAssignment.objects.filter(user__username="volunteer").update(role="advocate")
    # The auditor authors no demo records, so the account can be deleted (case records PROTECT their authors).
    User.objects.get(username="auditor").delete()

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "0 agencies and 1 people created" in out.getvalue()
    assert Agency.objects.get(slug="hsi").name == "HSI Bayview (renamed)"
    assert set(RoleAssignment.objects.filter(user__username="volunteer").values_list("role", flat=True)) == {"advocate"}
    assert User.objects.get(username="auditor").agency.slug == "tf-office"
