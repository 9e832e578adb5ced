"""What of the cases app the audit log records.

Survivor PII never enters the log's change values (security requirement E3):
``Victim`` is registered with its profile columns only, and
``cases.services`` records "identity changed" explicitly for the PII groups.
"""

from __future__ import annotations

from auditlog.registry import auditlog

from cases.field_groups import VICTIM_FIELDS, VictimGroup


def register() -> None:
    from cases import models

    auditlog.register(models.Victim, include_fields=[*VICTIM_FIELDS[VictimGroup.PROFILE], "owner_agency"])
    auditlog.register(models.Case)
    auditlog.register(models.CaseParticipant)
    auditlog.register(models.CaseVictim)
    auditlog.register(models.Consent)
    auditlog.register(models.FamilyMember, exclude_fields=["pseudonym"])
    # Suspect names are law-enforcement data, not survivor PII, but keep them out of the log all the same.
    auditlog.register(models.Suspect, exclude_fields=["name", "aliases", "date_of_birth", "notes"])
    auditlog.register(models.Arrest, exclude_fields=["notes"])
    auditlog.register(models.Charge)
    auditlog.register(models.Disposition)
    auditlog.register(models.ServiceEvent)
    # A note's body is privileged: log that a note was written, never what it says.
    auditlog.register(models.Note, exclude_fields=["body"])
