"""The field groups: the unit of field-level permission (DESIGN.md §4).

Names are exactly these everywhere: code, API, templates and docs. Each group
is one custom permission per action on its model (``view_victim_identity``,
``change_case_investigation``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class VictimGroup(models.TextChoices):
    PROFILE = "profile", _("Profile")
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    IMMIGRATION = "immigration", _("Immigration")
    SERVICES = "services", _("Services")
    NOTES = "notes", _("Notes")


class CaseGroup(models.TextChoices):
    SUMMARY = "summary", _("Summary")
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", pgettext_lazy("field group", "Prosecution")


# The victim's own columns in each group; `services` and `notes` are related rows.
VICTIM_FIELDS: dict[str, tuple[str, ...]] = {
    VictimGroup.PROFILE: (
        "pseudonym",
        "trafficking_type",
        "gender",
        "age_group",
        "age_at_intake",
        "citizenship",
        "primary_language",
        "race_ethnicity",
        "victimizations",
        "special_classifications",
        "status",
        "estimated_age",
        "referral_source",
        "intake_date",
    ),
    VictimGroup.IDENTITY: ("legal_name", "aliases", "date_of_birth"),
    VictimGroup.CONTACT: ("phone", "email", "address", "safe_contact_notes"),
    VictimGroup.IMMIGRATION: ("nationality", "immigration_status", "immigration_relief"),
    VictimGroup.SERVICES: (),
    VictimGroup.NOTES: (),
}

CASE_FIELDS: dict[str, tuple[str, ...]] = {
    CaseGroup.SUMMARY: (
        "case_number",
        "title",
        "trafficking_type",
        "status",
        "origin",
        "confirmation",
        "opened_on",
        "closed_on",
    ),
    CaseGroup.INVESTIGATION: ("narrative",),
    CaseGroup.PROSECUTION: (),
}

# Computed by cases.services from the date of birth or the estimated age; never written directly.
VICTIM_DERIVED_FIELDS = frozenset({"age_group", "age_at_intake"})
# A confidentiality-covered owner's groups that reach another agency only by consent.
CONSENT_ONLY_GROUPS = frozenset(
    {VictimGroup.IDENTITY, VictimGroup.CONTACT, VictimGroup.IMMIGRATION, VictimGroup.SERVICES}
)
# Never leaves the owner agency, whatever the agreement or consent says.
OWNER_ONLY_GROUPS = frozenset({VictimGroup.NOTES})
# Groups that a consent may name.
CONSENTABLE_GROUPS = tuple(group for group in VictimGroup.values if group not in OWNER_ONLY_GROUPS)
# Every read of these is written to the access log.
ACCESS_LOGGED_GROUPS = frozenset(
    {VictimGroup.IDENTITY, VictimGroup.CONTACT, VictimGroup.IMMIGRATION, VictimGroup.NOTES}
)
# PII kept out of the audit log's change values: it records "identity changed", not the value.
PII_GROUPS = frozenset({VictimGroup.IDENTITY, VictimGroup.CONTACT, VictimGroup.IMMIGRATION})

WITHHELD_REASONS = {
    "consent": _("Shared only with the survivor's written consent; none is on file for your agency."),
    "owner_only": _("Privileged notes never leave the agency that wrote them."),
    "role": _("Your role does not include this information."),
    "not_shared": _("The owning agency has not shared this with your agency."),
}


def victim_field_group(field: str) -> str | None:
    for group, fields in VICTIM_FIELDS.items():
        if field in fields:
            return group
    return None


def case_field_group(field: str) -> str | None:
    for group, fields in CASE_FIELDS.items():
        if field in fields:
            return group
    return None


def victim_permissions() -> list[tuple[str, str | StrPromise]]:
    return [
        (f"{action}_victim_{group}", f"Can {action} victim {group}")
        for group in VictimGroup.values
        for action in ("view", "change")
    ]


def case_permissions() -> list[tuple[str, str | StrPromise]]:
    return [
        (f"{action}_case_{group}", f"Can {action} case {group}")
        for group in CaseGroup.values
        for action in ("view", "change")
    ]
